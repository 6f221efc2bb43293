/**
 * The server log: pino to stdout (readable lines, or JSON with LOG_FORMAT=json), to a
 * rotating JSON-lines file (pino-roll: daily and by size, LOG_KEEP files kept) and to an
 * in-memory ring for the console. Secrets are redacted (redact.ts, by key name) before any of
 * them sees a line.
 *
 * pino-roll runs in this thread (its stream is used directly, not as a worker transport),
 * so nothing depends on worker threads resolving modules inside an Electron package.
 */
import path from 'node:path';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import pinoRoll from 'pino-roll';
import type { SonicBoom } from 'sonic-boom';
import type { AppConfig } from '../config/index.js';
import { LogRing, toLogLine } from './ring.js';
import { redactSecrets } from './redact.js';

export type { Logger } from 'pino';

export type LogSettings = Pick<AppConfig, 'LOG_LEVEL' | 'LOG_FILE' | 'LOG_MAX_SIZE' | 'LOG_KEEP' | 'LOG_FORMAT' | 'DISABLE_LOGGING'>;

export interface LogSystem {
  logger: Logger;
  /** recent lines for the console */
  ring: LogRing;
  /** the log file being written now (rotated names carry a date and a number), or null */
  currentFile(): string | null;
  /** the folder of the log files, or null when there is no file log */
  logDir: string | null;
  /**
   * A line people and supervisors look for (listening URL, database state). Logged at info;
   * with DISABLE_LOGGING it is still printed on stdout.
   */
  announce(message: string, fields?: Record<string, unknown>): void;
  /** flushes and closes the file */
  close(): Promise<void>;
}

export interface LogSystemOptions {
  /** where human/JSON lines go; default the process's stdout (fd 1, written asynchronously) */
  stdout?: NodeJS.WritableStream;
  ringCapacity?: number;
}

/** One readable line per log record: "12:00:00.123 INFO  message  key=value". */
export function formatPretty(json: string): string {
  const line = toLogLine(json);
  if (!line) return json;
  const { time, level, msg, reqId, err, ...rest } = line;
  const clock = time.length >= 23 ? time.slice(11, 23) : time;
  let text = `${clock} ${level.toUpperCase().padEnd(5)} ${msg}`;
  if (reqId) text += ` [${reqId}]`;
  const extras = Object.entries(rest).filter(([key]) => key !== 'pid' && key !== 'hostname');
  if (extras.length > 0) text += ` ${extras.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' ')}`;
  if (typeof err === 'object' && err !== null) {
    const stack = (err as { stack?: unknown }).stack;
    text += `\n${typeof stack === 'string' ? stack : JSON.stringify(err)}`;
  }
  return `${text}\n`;
}

function prettyStream(target: Pick<NodeJS.WritableStream, 'write'>): DestinationStream {
  return { write: (chunk: string) => void target.write(formatPretty(chunk)) };
}

/** sonic-boom keeps the path it writes to in `file` (not in its published types). */
function currentFileOf(stream: SonicBoom | null, logFile: string | null): string | null {
  if (!stream || !logFile) return null;
  const name: unknown = (stream as unknown as { file?: unknown }).file;
  if (typeof name === 'string') return name;
  // before the first rotation sonic-boom does not expose it: the newest file of the series
  return newestLogFile(logFile);
}

/** The most recently written file of a rotated series (server.log -> server.<date>.<n>.log). */
export function newestLogFile(logFile: string): string | null {
  const dir = path.dirname(logFile);
  const ext = path.extname(logFile) || '.log';
  const stem = path.basename(logFile, path.extname(logFile));
  let best: { file: string; mtime: number } | null = null;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names) {
    if (!name.startsWith(`${stem}.`) || !name.endsWith(ext)) continue;
    const file = path.join(dir, name);
    try {
      const mtime = statSync(file).mtimeMs;
      if (!best || mtime > best.mtime) best = { file, mtime };
    } catch {
      // removed by rotation meanwhile
    }
  }
  return best?.file ?? null;
}

export async function createLogSystem(settings: LogSettings, options: LogSystemOptions = {}): Promise<LogSystem> {
  // fd 1 through sonic-boom: lines written while a write is in flight go out together, instead
  // of one blocking pipe write per line (~4 % of a busy server's CPU); flushed by close()
  const stdoutBoom = options.stdout ? null : pino.destination({ dest: 1, sync: false });
  // a closed stdout (the parent went away) must not take the server down with it
  stdoutBoom?.on('error', () => undefined);
  const flushStdout = () => {
    try {
      stdoutBoom?.flushSync();
    } catch {
      // stdout gone or mid-write: nothing more can be done for it
    }
  };
  // lines still buffered when the process exits (process.exit, a fatal error) are written first
  if (stdoutBoom) process.once('exit', flushStdout);
  const stdout: Pick<NodeJS.WritableStream, 'write'> = options.stdout ?? stdoutBoom!;
  const ring = new LogRing(options.ringCapacity ?? 2000);
  const level = settings.DISABLE_LOGGING ? 'silent' : settings.LOG_LEVEL;

  let file: SonicBoom | null = null;
  const logFile = settings.DISABLE_LOGGING ? null : settings.LOG_FILE;
  if (logFile) {
    mkdirSync(path.dirname(logFile), { recursive: true });
    file = await pinoRoll({
      file: logFile,
      frequency: 'daily',
      dateFormat: 'yyyy-MM-dd',
      size: settings.LOG_MAX_SIZE,
      limit: { count: settings.LOG_KEEP },
      mkdir: true,
    });
  }

  const streams: StreamEntry[] = [
    { level: 'trace', stream: settings.LOG_FORMAT === 'json' ? { write: (chunk: string) => void stdout.write(chunk) } : prettyStream(stdout) },
    { level: 'trace', stream: ring },
  ];
  if (file) streams.push({ level: 'trace', stream: file });

  const logger = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactSecrets(bindings),
        log: (object) => redactSecrets(object),
      },
      serializers: { err: pino.stdSerializers.err },
    },
    pino.multistream(streams),
  );

  return {
    logger,
    ring,
    logDir: logFile ? path.dirname(logFile) : null,
    currentFile: () => currentFileOf(file, logFile),
    announce(message, fields) {
      if (settings.DISABLE_LOGGING) stdout.write(`${message}\n`);
      else logger.info(fields ?? {}, message);
    },
    close: () =>
      new Promise<void>((resolve) => {
        flushStdout();
        if (!file) return resolve();
        const stream = file;
        file = null;
        stream.once('close', () => resolve());
        stream.once('error', () => resolve());
        try {
          stream.flushSync();
        } catch {
          // not ready or already closed: end() below still settles
        }
        stream.end();
      }),
  };
}
