/**
 * The most recent log lines in memory, for the console's live log tail
 * (GET /api/admin/logs and its event stream). Fed by the logger as a pino stream.
 */

/** One log line as the console reads it (also the admin API's wire shape). */
export interface LogLine { time: string; level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'; msg: string; reqId?: string; [extra: string]: unknown }

export type LogLevelName = LogLine['level'];

const LEVEL_ORDER: Record<LogLevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export function isLogLevelName(value: unknown): value is LogLevelName {
  return typeof value === 'string' && value in LEVEL_ORDER;
}

/** Which lines to show: every given condition must hold (the console's filters). */
export interface LogFilter {
  /** least severe level to include */
  level?: LogLevelName;
  /** case-insensitive text search in the message and request id */
  q?: string;
  /** a request line's status: one code (404) or a class ("4xx") */
  status?: number | `${1 | 2 | 3 | 4 | 5}xx`;
  /** a request line's method, e.g. GET */
  method?: string;
  /** case-insensitive part of a request line's URL */
  path?: string;
  /** the user a request ran as (its log line's `user`), case-insensitive */
  user?: string;
  /** part of a request line's client address */
  ip?: string;
}

export interface RecentQuery extends LogFilter {
  /** newest N lines (default all kept) */
  limit?: number;
}

function fieldText(line: LogLine, key: string): string {
  const value = line[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** Whether a line passes every condition of the filter. */
export function matchesLogFilter(line: LogLine, filter: LogFilter): boolean {
  if (filter.level && LEVEL_ORDER[line.level] < LEVEL_ORDER[filter.level]) return false;
  if (filter.q) {
    const needle = filter.q.toLowerCase();
    if (!line.msg.toLowerCase().includes(needle) && !(line.reqId ?? '').toLowerCase().includes(needle)) return false;
  }
  if (filter.status !== undefined) {
    const status = typeof line.status === 'number' ? line.status : NaN;
    if (typeof filter.status === 'number' ? status !== filter.status : Math.floor(status / 100) !== Number(filter.status[0])) return false;
  }
  if (filter.method && fieldText(line, 'method').toUpperCase() !== filter.method.toUpperCase()) return false;
  if (filter.path && !fieldText(line, 'url').toLowerCase().includes(filter.path.toLowerCase())) return false;
  if (filter.user && fieldText(line, 'user').toLowerCase() !== filter.user.toLowerCase()) return false;
  if (filter.ip && !fieldText(line, 'ip').includes(filter.ip)) return false;
  return true;
}

export type LogListener = (line: LogLine) => void;

/**
 * Lines are kept as the JSON text pino wrote and parsed only when somebody reads them (the
 * console's tail or a live subscriber): a busy server logs a line per request, and parsing each
 * one up front cost more than everything else the ring does.
 */
export class LogRing {
  private readonly entries: Array<{ text: string; line?: LogLine | null }> = [];
  private readonly listeners = new Set<LogListener>();

  constructor(readonly capacity = 2000) {}

  /** pino stream interface: one JSON document per call */
  write(chunk: string): void {
    for (const text of chunk.split('\n')) {
      if (text.trim() === '') continue;
      if (this.listeners.size === 0) this.keep({ text });
      else {
        const line = toLogLine(text);
        this.keep({ text, line });
        if (line) this.notify(line);
      }
    }
  }

  push(line: LogLine): void {
    this.keep({ text: '', line });
    this.notify(line);
  }

  private keep(entry: { text: string; line?: LogLine | null }): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  private notify(line: LogLine): void {
    for (const listener of this.listeners) {
      try {
        listener(line);
      } catch {
        // a broken subscriber must not break logging
      }
    }
  }

  recent(query: RecentQuery = {}): LogLine[] {
    const matching: LogLine[] = [];
    for (const entry of this.entries) {
      if (entry.line === undefined) entry.line = toLogLine(entry.text);
      const line = entry.line;
      if (line && matchesLogFilter(line, query)) matching.push(line);
    }
    return query.limit !== undefined ? matching.slice(-query.limit) : matching;
  }

  /** calls `listener` for every new line; returns the unsubscribe function */
  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

const LEVEL_BY_NUMBER: Record<number, LogLevelName> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A pino JSON line as a LogLine; null when it is not one. */
export function toLogLine(text: string): LogLine | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  const level = typeof record.level === 'number' ? LEVEL_BY_NUMBER[record.level] : record.level;
  if (!isLogLevelName(level)) return null;
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString() : String(record.time ?? new Date().toISOString());
  const msg = typeof record.msg === 'string' ? record.msg : '';
  return { ...record, time, level, msg, reqId: typeof record.reqId === 'string' ? record.reqId : undefined };
}
