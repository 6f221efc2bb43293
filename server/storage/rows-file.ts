/**
 * The rows-file format: `{"rows":[{id,up,ord,t,val}, ...]}` (as tests/golden/fixtures/bootstrap-rows.json;
 * other top-level keys such as "note" are allowed and ignored). Used by `npm run db -- import/export`,
 * database templates and the phase-0 JSON snapshots. Parsing never throws anything but RowsFileError,
 * whose message is one line naming what is wrong and where.
 */
import { z } from 'zod';
import type { Row } from './types.js';

export class RowsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowsFileError';
  }
}

const MAX_UNSIGNED_INT = 4294967295;
const MIN_SIGNED_INT = -2147483648;
const MAX_SIGNED_INT = 2147483647;

/** One row of a tenant table, with the ranges of the PHP table's columns. */
export const rowSchema = z.object({
  id: z.number().int().min(1).max(MAX_UNSIGNED_INT),
  up: z.number().int().min(0).max(MAX_UNSIGNED_INT),
  // ord is a signed INT in the PHP table (the only signed column)
  ord: z.number().int().min(MIN_SIGNED_INT).max(MAX_SIGNED_INT),
  t: z.number().int().min(0).max(MAX_UNSIGNED_INT),
  val: z.string(),
});

export const rowsFileSchema = z.object({ rows: z.array(rowSchema) });

/** "line 3, column 7" for a character offset in text */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function describeJsonError(text: string, error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  const where = position ? lineAndColumn(text, Number(position[1])) : /end of JSON/i.test(message) ? 'the end of the file' : 'unknown position';
  const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  return `${source}: not valid JSON at ${where} (${reason})`;
}

/** Parses and validates a rows file; duplicate ids are an error naming the id. */
export function parseRowsFile(text: string, source = 'rows file'): Row[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new RowsFileError(describeJsonError(text, error, source));
  }
  const parsed = rowsFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path;
    if (path.length === 0 || (path.length === 1 && path[0] === 'rows')) {
      throw new RowsFileError(`${source}: expected an object {"rows": [{"id", "up", "ord", "t", "val"}, ...]}`);
    }
    const index = typeof path[1] === 'number' ? path[1] : -1;
    const field = path.length > 2 ? String(path[2]) : 'row';
    const rows = (data as { rows: unknown[] }).rows;
    const row = rows[index];
    const id = row && typeof row === 'object' && 'id' in row ? ` (id ${JSON.stringify((row as { id: unknown }).id)})` : '';
    const expectation = field === 'val' ? 'a string' : field === 'id' ? 'an integer ≥ 1' : field === 'ord' ? 'an integer' : field === 'row' ? 'an object' : 'an integer ≥ 0';
    throw new RowsFileError(`${source}: rows[${index}]${id}: ${field} must be ${expectation}`);
  }
  const seen = new Set<number>();
  for (const row of parsed.data.rows) {
    if (seen.has(row.id)) throw new RowsFileError(`${source}: duplicate id ${row.id}`);
    seen.add(row.id);
  }
  return parsed.data.rows;
}

/** The rows-file text: one row per line (readable, diff-friendly), rows in the given order. */
export function serializeRowsFile(rows: readonly Row[]): string {
  if (rows.length === 0) return '{"rows":[]}\n';
  const lines = rows.map((r) => JSON.stringify({ id: r.id, up: r.up, ord: r.ord, t: r.t, val: r.val }));
  return `{"rows":[\n${lines.join(',\n')}\n]}\n`;
}
