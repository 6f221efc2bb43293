import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRowsFile, RowsFileError, serializeRowsFile } from '../../../server/storage/rows-file.js';
import { goldenFixture } from '../../support/fixtures.js';

describe('rows file', () => {
  it('parses the golden bootstrap file and round-trips through serialize', () => {
    const text = readFileSync(goldenFixture('bootstrap-rows.json'), 'utf8');
    const rows = parseRowsFile(text);
    expect(rows).toHaveLength(59);
    expect(rows[0]).toEqual({ id: 1, up: 0, ord: 0, t: 1, val: 'FREE_LINK' });
    expect(parseRowsFile(serializeRowsFile(rows))).toEqual(rows);
    expect(parseRowsFile(serializeRowsFile([]))).toEqual([]);
  });

  it('keeps unicode and strips unknown keys', () => {
    const rows = parseRowsFile(JSON.stringify({ note: 'x', rows: [{ id: 2, up: 1, ord: -1, t: 3, val: 'Ж 😀', extra: true }] }));
    expect(rows).toEqual([{ id: 2, up: 1, ord: -1, t: 3, val: 'Ж 😀' }]);
  });

  it('names the position of malformed JSON', () => {
    expect(() => parseRowsFile('{"rows":[\n  {"id":1,}\n]}', 'f.json')).toThrow(/^f\.json: not valid JSON at line 2, column \d+/);
    expect(() => parseRowsFile('{"rows":[', 'f.json')).toThrow(RowsFileError);
  });

  it('names the row and field of invalid values', () => {
    const bad = (row: object) => () => parseRowsFile(JSON.stringify({ rows: [{ id: 1, up: 0, ord: 0, t: 1, val: 'a' }, row] }), 'r.json');
    expect(bad({ id: 0, up: 0, ord: 0, t: 1, val: 'a' })).toThrow('r.json: rows[1] (id 0): id must be an integer ≥ 1');
    expect(bad({ id: 2, up: -1, ord: 0, t: 1, val: 'a' })).toThrow('rows[1] (id 2): up must be an integer ≥ 0');
    expect(bad({ id: 2, up: 0, ord: 1.5, t: 1, val: 'a' })).toThrow('rows[1] (id 2): ord must be an integer');
    expect(bad({ id: 2, up: 0, ord: 0, t: 1, val: 5 })).toThrow('rows[1] (id 2): val must be a string');
    expect(bad({ id: 2, up: 0, ord: 0, t: '1', val: 'a' })).toThrow('t must be an integer ≥ 0');
    expect(() => parseRowsFile('[]', 'r.json')).toThrow(/expected an object \{"rows"/);
  });

  it('refuses duplicate ids, naming the id', () => {
    const text = JSON.stringify({ rows: [{ id: 5, up: 0, ord: 0, t: 1, val: 'a' }, { id: 5, up: 0, ord: 0, t: 1, val: 'b' }] });
    expect(() => parseRowsFile(text, 'd.json')).toThrow('d.json: duplicate id 5');
  });
});
