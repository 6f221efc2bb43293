/**
 * Logs for the console: the tail of the in-memory ring filtered by level, status, method, path,
 * user, address and text, a live stream (Server-Sent Events) with the same filters, and the
 * current log file as a download.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { matchesLogFilter, type RecentQuery } from '../../log/ring.js';
import { HttpError, issueFields } from '../errors.js';
import type { AdminLogs, AdminRoutes } from './context.js';
import type { LogLine } from './contract.js';

const HEARTBEAT_MS = 15_000;

const optionalText = (max: number) => z.string().trim().max(max).optional().transform((v) => (v === '' ? undefined : v));

/** GET /logs and /logs/stream query: every filter optional, an empty value means "any". */
const logQuerySchema = z.object({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', '']).optional().transform((v) => (v === '' ? undefined : v)),
  q: optionalText(200),
  status: z.string().trim().regex(/^([1-5]\d\d|[1-5]xx)?$/i, { error: 'a status such as 404, or a class such as 5xx' }).optional()
    .transform((v) => (!v ? undefined : /xx$/i.test(v) ? (`${v[0]}xx` as `${1 | 2 | 3 | 4 | 5}xx`) : Number(v))),
  method: z.string().trim().regex(/^[A-Za-z]{0,16}$/, { error: 'an HTTP method such as GET' }).optional().transform((v) => (v ? v.toUpperCase() : undefined)),
  path: optionalText(500),
  user: optionalText(200),
  ip: optionalText(100),
  limit: z.string().optional().transform((v, ctx) => {
    if (v === undefined || v === '') return 500;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      ctx.addIssue({ code: 'custom', message: 'a whole number from 1 to 10000' });
      return z.NEVER;
    }
    return n;
  }),
});

function parseFilter(req: Request): RecentQuery {
  const parsed = logQuerySchema.safeParse(req.query);
  if (!parsed.success) {
    const fields = issueFields(parsed.error, 'query');
    const [first] = Object.entries(fields);
    throw new HttpError(400, first ? `${first[0]}: ${first[1]}` : 'invalid log filter', 'invalid_request', { details: fields });
  }
  return parsed.data;
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
      if (matchesLogFilter(line, filter)) res.write(`data: ${JSON.stringify(line)}\n\n`);
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
