/**
 * What the AI chat may tell a provider about a database: only what the user could read through the
 * legacy API with their own token. The tables are the engine's `terms` for that token (the tables
 * the user may READ or WRITE) with their columns from `metadata` (the engine leaves BARRED columns
 * out); a report is run by the engine as that user (`report/{id}`, which checks READ and applies
 * masks and column grants). Nothing is read past the engine, so nothing the grants hide can leak.
 */
import { BASE_NAMES, parseAttrs, type EngineOperations } from '../../engine/index.js';

export interface GroundingColumn { name: string; type: string }
export interface GroundingTable { id: number; name: string; columns: GroundingColumn[] }
export interface GroundingReport { id: number; columns: string[]; rows: string[][]; totalRows: number }
export interface Grounding { db: string; tables: GroundingTable[]; report?: GroundingReport }

interface Term { id: number | string; name: string }
interface MetaReq { id: string; val: string; type: string; ref?: string; arr_id?: string; attrs?: string }
interface MetaTable { id: string; val: string; type: string; reqs?: MetaReq[] }
interface ReportAnswer { columns?: { name?: unknown }[]; data?: unknown[][] }

/** At most this many report rows and tables go to the provider (the prompt must stay small). */
export const MAX_REPORT_ROWS = 100;
export const MAX_TABLES = 300;
const MAX_CELL = 200;

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL)}…` : text;
}

export async function loadGrounding(
  ops: EngineOperations,
  request: { db: string; token: string; report?: number },
): Promise<Grounding> {
  const { db, token } = request;
  const terms = (await ops.call(db, 'terms', { token })) as Term[] | unknown;
  const metadata = (await ops.call(db, 'metadata', { token })) as MetaTable[] | unknown;
  const metaById = new Map((Array.isArray(metadata) ? (metadata as MetaTable[]) : []).map((m) => [String(m.id), m]));
  const tables: GroundingTable[] = [];
  for (const term of Array.isArray(terms) ? (terms as Term[]) : []) {
    const meta = metaById.get(String(term.id));
    const columns = (meta?.reqs ?? []).map((r): GroundingColumn => {
      const alias = parseAttrs(r.attrs ?? '').alias;
      const base = BASE_NAMES[Number(r.type)] ?? 'UNKNOWN';
      const type = r.arr_id ? 'subordinate table' : r.ref ? `reference to ${r.val}` : base;
      return { name: alias && alias !== '' ? alias : r.val, type };
    });
    // metadata's name is the plain text; terms' is HTML-escaped as the PHP engine sends it
    tables.push({ id: Number(term.id), name: meta?.val ?? term.name, columns });
  }
  const grounding: Grounding = { db, tables };
  if (request.report !== undefined) {
    const answer = (await ops.call(db, 'report', { id: String(request.report), token })) as ReportAnswer;
    const columns = (answer.columns ?? []).map((c) => cell(c.name));
    const data = answer.data ?? [];
    const totalRows = data.reduce((max, column) => Math.max(max, Array.isArray(column) ? column.length : 0), 0);
    const rows: string[][] = [];
    for (let i = 0; i < Math.min(totalRows, MAX_REPORT_ROWS); i++) rows.push(columns.map((_c, j) => cell(data[j]?.[i])));
    grounding.report = { id: request.report, columns, rows, totalRows };
  }
  return grounding;
}

/** The system prompt that carries the grounding. */
export function groundingPrompt(grounding: Grounding): string {
  const lines = [
    `You help a user of the Integram database "${grounding.db}". Answer from the facts below; they are all the user may read.`,
    'If the facts do not hold the answer, say so instead of guessing. Answer in the language of the question.',
    '',
    'Tables the user may read (columns with their types):',
  ];
  for (const table of grounding.tables.slice(0, MAX_TABLES)) {
    const columns = table.columns.map((c) => `${c.name} (${c.type})`).join(', ');
    lines.push(`- ${table.name}${columns ? `: ${columns}` : ''}`);
  }
  if (grounding.tables.length === 0) lines.push('- (none)');
  if (grounding.tables.length > MAX_TABLES) lines.push(`- … and ${grounding.tables.length - MAX_TABLES} more tables not listed here`);
  const report = grounding.report;
  if (report) {
    lines.push('', `Result of report ${report.id}, run with the user's rights (${report.totalRows} rows${report.totalRows > report.rows.length ? `, the first ${report.rows.length} shown` : ''}), tab-separated:`);
    lines.push(report.columns.join('\t'));
    for (const row of report.rows) lines.push(row.join('\t'));
  }
  return lines.join('\n');
}

/** The assistant's own system prompt when no database is named. */
export const PLAIN_PROMPT = 'You are the assistant of an Integram database server. Answer briefly and clearly, in the language of the question.';
