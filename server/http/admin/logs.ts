/**
 * Logs for the console: tail with level filter and search (the in-memory ring), a live stream
 * (Server-Sent Events), and the current log file as a download.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import { isLogLevelName, type LogLevelName } from '../../log/ring.js';
import { HttpError } from '../errors.js';
import type { AdminLogs, AdminRoutes } from './context.js';
import type { LogLine } from './contract.js';

const LEVEL_ORDER: Record<LogLevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const HEARTBEAT_MS = 15_000;

interface LogFilter { level?: LogLevelName; q?: string; limit?: number }

function parseFilter(req: Request): LogFilter {
  const level = typeof req.query.level === 'string' && req.query.level !== '' ? req.query.level : undefined;
  if (level !== undefined && !isLogLevelName(level)) throw new HttpError(400, 'level must be one of trace, debug, info, warn, error, fatal', 'invalid_level');
  const q = typeof req.query.q === 'string' && req.query.q !== '' ? req.query.q.slice(0, 200) : undefined;
  let limit: number | undefined = 500;
  if (typeof req.query.limit === 'string' && req.query.limit !== '') {
    limit = Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new HttpError(400, 'limit must be a whole number from 1 to 10000', 'invalid_limit', { params: { min: 1, max: 10_000 } });
  }
  return { level: level as LogLevelName | undefined, q, limit };
}

function matches(line: LogLine, filter: LogFilter): boolean {
  if (filter.level && LEVEL_ORDER[line.level] < LEVEL_ORDER[filter.level]) return false;
  if (filter.q) {
    const needle = filter.q.toLowerCase();
    return line.msg.toLowerCase().includes(needle) || (line.reqId ?? '').toLowerCase().includes(needle);
  }
  return true;
}

export interface LogRoutes {
  /** ends every open live stream (before a shutdown, so draining does not wait for them) */
  closeStreams(): void;
}

/** GET /logs, /logs/stream, /logs/download (admin session required). */
export function bindLogRoutes(routes: AdminRoutes, logs: AdminLogs | null): LogRoutes {
  const streams = new Set<Response>();
  routes.protected.get('/logs', (req, res) => {
    const filter = parseFilter(req);
    const lines: LogLine[] = logs ? logs.ring.recent(filter) : [];
    res.json({ lines });
  });

  routes.protected.get('/logs/stream', (req: Request, res: Response) => {
    const filter = parseFilter(req);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'keep-alive');
    // nginx and similar proxies must not buffer the stream
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    if (!logs) {
      res.write(': this server keeps no in-memory log\n\n');
    }
    const unsubscribe = logs?.ring.subscribe((line) => {
      if (matches(line, filter)) res.write(`data: ${JSON.stringify(line)}\n\n`);
    }) ?? (() => undefined);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    streams.add(res);
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  });

  routes.protected.get('/logs/download', async (_req, res) => {
    const file = logs?.currentFile() ?? null;
    if (!file) throw new HttpError(404, 'the server writes no log file (LOG_FILE=off or DISABLE_LOGGING)', 'no_log_file');
    let size: number;
    try {
      size = (await fs.stat(file)).size;
    } catch {
      throw new HttpError(404, 'the log file does not exist yet', 'log_file_missing');
    }
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${path.basename(file).replace(/"/g, '')}"`);
    // only what exists now: the file keeps growing while it is sent
    res.setHeader('Content-Length', String(size));
    if (size === 0) return res.end();
    createReadStream(file, { start: 0, end: size - 1 }).on('error', () => res.destroy()).pipe(res);
  });

  return {
    closeStreams() {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
