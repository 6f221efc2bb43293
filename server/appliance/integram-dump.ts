/**
 * The PHP engine's whole-database dump (its `backup` command, docs/legacy-api.md "Whole database"):
 * a zip holding one `{db}_{Ymd_His}.dmp` text file, a UTF-8 BOM first, then one row per line:
 *
 *   [Δid base36];[up base36 when it changed];[t base36 when it changed];[ord when not 1];val
 *
 * An empty Δid means "the next id"; a line starting with `/` is the next id under the same parent
 * (no up field follows). `\n` and `\r` inside a value are written `&ritrn;` and `&ritrr;`. The
 * rows come in id order, so the file is the table itself: same ids, parents, orders, types and
 * values (password hashes and tokens included).
 */
import { unzipSync } from 'fflate';
import type { Row } from '../storage/types.js';

export class DumpFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpFormatError';
  }
}

const BOM = '\ufeff';

function base36(field: string, line: number): number {
  if (!/^[0-9a-z]+$/i.test(field)) throw new DumpFormatError(`line ${line}: "${field.slice(0, 20)}" is not a base-36 number`);
  return parseInt(field, 36);
}

/** Reads the rows of a dump's text (the .dmp file inside the zip). */
export function parseIntegramDump(text: string): Row[] {
  const rows: Row[] = [];
  let id = 0;
  let up = 0;
  let t = 0;
  const lines = (text.startsWith(BOM) ? text.slice(1) : text).split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    let rest: string;
    if (line.startsWith('/')) {
      id += 1;
      rest = line.slice(1);
    } else {
      const first = line.indexOf(';');
      if (first < 0) throw new DumpFormatError(`line ${lineNo}: no fields`);
      id += first === 0 ? 1 : base36(line.slice(0, first), lineNo);
      rest = line.slice(first + 1);
      const second = rest.indexOf(';');
      if (second < 0) throw new DumpFormatError(`line ${lineNo}: no parent field`);
      if (second > 0) up = base36(rest.slice(0, second), lineNo);
      rest = rest.slice(second + 1);
    }
    const tEnd = rest.indexOf(';');
    if (tEnd < 0) throw new DumpFormatError(`line ${lineNo}: no type field`);
    if (tEnd > 0) t = base36(rest.slice(0, tEnd), lineNo);
    rest = rest.slice(tEnd + 1);
    const ordEnd = rest.indexOf(';');
    if (ordEnd < 0) throw new DumpFormatError(`line ${lineNo}: no order field`);
    const ordField = rest.slice(0, ordEnd);
    if (ordField !== '' && !/^-?\d+$/.test(ordField)) throw new DumpFormatError(`line ${lineNo}: the order "${ordField.slice(0, 20)}" is not a number`);
    const ord = ordField === '' ? 1 : Number(ordField);
    const val = rest.slice(ordEnd + 1).replaceAll('&ritrr;', '\r').replaceAll('&ritrn;', '\n');
    rows.push({ id, up, ord, t, val });
  }
  return rows;
}

/** The rows of a dump zip as the engine's `backup` writes it (the first `.dmp` file inside). */
export function readIntegramDumpZip(bytes: Uint8Array): Row[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (err) {
    throw new DumpFormatError(`the dump is not a zip file (${(err as Error).message})`);
  }
  const name = Object.keys(files).find((n) => n.endsWith('.dmp'));
  if (!name) throw new DumpFormatError('the dump zip holds no .dmp file');
  return parseIntegramDump(new TextDecoder('utf-8').decode(files[name]));
}
