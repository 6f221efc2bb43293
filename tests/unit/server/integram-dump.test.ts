/**
 * The PHP engine's whole-database dump (`backup`): reading it back gives the rows it was written from.
 * The writer below follows the engine's loop (index.php, case "backup") step by step; the fixed
 * example is a dump the engine wrote (the oracle, a fresh tenant: bootstrap rows, its user).
 */
import { zipSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DumpFormatError, parseIntegramDump, readIntegramDumpZip } from '../../../server/appliance/integram-dump.js';
import type { Row } from '../../../server/storage/types.js';

/** the engine's writer: Δid and parent base 36, "/" for next id under the same parent, ord only when not 1 */
function writeDump(rows: Row[]): string {
  let out = '\ufeff';
  let last = 0;
  let lastUp: number | null = null;
  let lastT: number | null = null;
  for (const row of rows) {
    let t = last + 1 === row.id ? ';' : `${(row.id - last).toString(36)};`;
    last = row.id;
    if (lastUp !== row.up) t += `${(lastUp = row.up).toString(36)};`;
    else if (t === ';') t = '/';
    else t += ';';
    if (lastT === row.t) t += ';';
    else t += `${(lastT = row.t).toString(36)};`;
    if (row.ord !== 1) t += String(row.ord);
    out += `${t};${row.val.replaceAll('\r', '&ritrr;').replaceAll('\n', '&ritrn;')}\n`;
  }
  return out;
}

describe('the engine\'s dump', () => {
  it('reads a dump the engine wrote: ids, parents, types, orders and values (a password hash included)', () => {
    const text = '\ufeff;1;1;0;FREE_LINK\n;0;2;0;HTML\n/3;0;SHORT\n;s4;k;;ebf18\n/41;;115\n3;;2f;3;a;b:c\n';
    expect(parseIntegramDump(text)).toEqual([
      { id: 1, up: 1, ord: 0, t: 1, val: 'FREE_LINK' },
      { id: 2, up: 0, ord: 0, t: 2, val: 'HTML' },
      { id: 3, up: 0, ord: 0, t: 3, val: 'SHORT' },
      { id: 4, up: 1012, ord: 1, t: 20, val: 'ebf18' },
      { id: 5, up: 1012, ord: 1, t: 145, val: '115' },
      { id: 8, up: 1012, ord: 3, t: 87, val: 'a;b:c' },
    ]);
  });

  it('gives back any table the engine writes (property)', () => {
    const row = fc.record({
      gap: fc.integer({ min: 1, max: 5000 }),
      up: fc.integer({ min: 0, max: 100_000 }),
      ord: fc.integer({ min: -5, max: 300 }),
      t: fc.integer({ min: 0, max: 100_000 }),
      val: fc.string({ unit: fc.constantFrom('a', 'я', ';', '/', '\n', '\r', ':', ' ', '&', '\\', '1') }),
    });
    fc.assert(fc.property(fc.array(row, { maxLength: 40 }), (drafts) => {
      let id = 0;
      const rows: Row[] = drafts.map((d) => ({ id: (id += d.gap), up: d.up, ord: d.ord, t: d.t, val: d.val }));
      expect(parseIntegramDump(writeDump(rows))).toEqual(rows);
    }));
  });

  it('reads the zip the engine sends; refuses what is not a dump', () => {
    const rows: Row[] = [{ id: 1, up: 0, ord: 0, t: 1, val: 'x' }, { id: 18, up: 0, ord: 1, t: 3, val: 'Пользователь' }];
    const zip = zipSync({ 'shop_20261207_101917.dmp': new TextEncoder().encode(writeDump(rows)) });
    expect(readIntegramDumpZip(zip)).toEqual(rows);
    expect(() => readIntegramDumpZip(new TextEncoder().encode('<html>login</html>'))).toThrow(DumpFormatError);
    expect(() => readIntegramDumpZip(zipSync({ 'readme.txt': new Uint8Array([1]) }))).toThrow(/no \.dmp file/);
    expect(() => parseIntegramDump('zz!;1;1;;x\n')).toThrow(/line 1: "zz!" is not a base-36 number/);
    expect(() => parseIntegramDump(';1;1;x;y\n')).toThrow(/the order "x" is not a number/);
  });
});
