import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, csvToRows, parseCsv, rowsToCsv } from '../../../server/storage/rows-csv.js';

describe('rows CSV', () => {
  it('round-trips any rows, whatever the values hold', () => {
    const row = fc.record({
      id: fc.integer({ min: 1, max: 4294967295 }), up: fc.nat(), ord: fc.integer({ min: -5, max: 1000 }), t: fc.nat(),
      val: fc.string({ unit: 'grapheme' }),
    });
    fc.assert(fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
      expect(csvToRows(rowsToCsv(rows))).toEqual(rows);
    }), { numRuns: 300 });
  });

  it('quotes what needs quoting and reads spreadsheet output (BOM, LF)', () => {
    expect(rowsToCsv([{ id: 1, up: 0, ord: 0, t: 3, val: 'a, "b"\nc' }])).toBe('id,up,ord,t,val\r\n1,0,0,3,"a, ""b""\nc"\r\n');
    expect(csvToRows('\ufeffid,up,ord,t,val\n5,1,1,18,Привет\n')).toEqual([{ id: 5, up: 1, ord: 1, t: 18, val: 'Привет' }]);
    expect(parseCsv('a,b\r\n\r\nc,d')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('names the problem and the record', () => {
    expect(() => csvToRows('')).toThrow(CsvError);
    expect(() => csvToRows('a,b,c\n')).toThrow(/first line must be/);
    expect(() => csvToRows('id,up,ord,t,val\n1,0,0,3\n')).toThrow(/record 2: expected 5 fields/);
    expect(() => csvToRows('id,up,ord,t,val\n1,x,0,3,v\n')).toThrow(/record 2: .*whole numbers/);
    expect(() => csvToRows('id,up,ord,t,val\n1,0,0,3,"open\n')).toThrow(/inside a quoted field/);
  });
});
