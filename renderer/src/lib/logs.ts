// Log lines as the console shows them: level order, filtering, one-line text.
// Pure functions (no DOM), unit-tested in tests/unit/renderer.
import type { LogLine } from '../contract.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LOG_LEVELS)[number];

const PINO_NUMBERS: Record<number, Level> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Accepts the contract's shape and pino's raw one (numeric level, epoch time); null when unusable. */
export function normalizeLogLine(value: unknown): LogLine | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const level = typeof record.level === 'number' ? PINO_NUMBERS[record.level] : record.level;
  if (typeof level !== 'string' || !(LOG_LEVELS as readonly string[]).includes(level)) return null;
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString() : String(record.time ?? '');
  const msg = typeof record.msg === 'string' ? record.msg : '';
  return { ...record, time, level: level as Level, msg };
}

export function levelRank(level: string): number {
  return (LOG_LEVELS as readonly string[]).indexOf(level);
}

/** The fields shown after the message (request id, url, status…), without the ones shown already. */
export function extraText(line: LogLine): string {
  const skip = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'v']);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(line)) {
    if (skip.has(key) || value === undefined || value === null) continue;
    parts.push(`${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  return parts.join(' ');
}

/** Every field of a line for its detail view: time, level and message first, objects as indented JSON. */
export function detailFields(line: LogLine): Array<{ key: string; value: string }> {
  const first = ['time', 'level', 'msg'];
  const keys = [...first, ...Object.keys(line).filter((key) => !first.includes(key)).sort()];
  const fields: Array<{ key: string; value: string }> = [];
  for (const key of keys) {
    const value = line[key];
    if (value === undefined || value === null) continue;
    fields.push({ key, value: typeof value === 'object' ? JSON.stringify(value, null, 2) : String(value) });
  }
  return fields;
}

/** Whether a line passes the level threshold and the free-text search (case-insensitive, any field). */
export function matchesFilter(line: LogLine, minLevel: Level | '', search: string): boolean {
  if (minLevel && levelRank(line.level) < levelRank(minLevel)) return false;
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return `${line.msg} ${extraText(line)}`.toLowerCase().includes(needle);
}

/** Keeps the newest `max` lines (the live tail must not grow without bound). */
export function appendCapped<T>(list: T[], items: T[], max: number): T[] {
  const next = list.concat(items);
  return next.length > max ? next.slice(next.length - max) : next;
}
