/**
 * A tenant's rows as CSV (RFC 4180: UTF-8, comma, CRLF, header `id,up,ord,t,val`) for the
 * console's database export/import. This is the raw EAV table, the same content as the rows JSON;
 * the legacy engine's per-table CSV (cp1251, `;`) is a different, engine-level export.
 */
import type { Row } from './types.js';

export const ROWS_CSV_HEADER = ['id', 'up', 'ord', 't', 'val'] as const;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function rowsToCsv(rows: readonly Row[]): string {
  const lines = [ROWS_CSV_HEADER.join(',')];
  for (const r of rows) lines.push(`${r.id},${r.up},${r.ord},${r.t},${csvField(r.val)}`);
  return `${lines.join('\r\n')}\r\n`;
}

export class CsvError extends Error {}

/** Splits CSV text into records of fields (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark from spreadsheet programs
  let line = 1;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new CsvError(`line ${line}: a quote inside an unquoted field`);
      quoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      line++;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new CsvError('the file ends inside a quoted field');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

const INT = /^-?\d{1,10}$/;

/** CSV text with the header `id,up,ord,t,val` → rows; throws CsvError naming the line. */
export function csvToRows(text: string): Row[] {
  const records = parseCsv(text);
  if (records.length === 0) throw new CsvError('the file is empty');
  const header = records[0].map((h) => h.trim().toLowerCase());
  if (header.join(',') !== ROWS_CSV_HEADER.join(',')) throw new CsvError(`the first line must be "${ROWS_CSV_HEADER.join(',')}"`);
  return records.slice(1).map((fields, index) => {
    const lineNo = index + 2;
    if (fields.length !== 5) throw new CsvError(`record ${lineNo}: expected 5 fields, found ${fields.length}`);
    const nums = fields.slice(0, 4).map((f) => f.trim());
    if (!nums.every((n) => INT.test(n))) throw new CsvError(`record ${lineNo}: id, up, ord and t must be whole numbers`);
    const [id, up, ord, t] = nums.map(Number);
    return { id, up, ord, t, val: fields[4] };
  });
}
