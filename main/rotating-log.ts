import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingLogOptions {
  file: string;
  /** Rotate when the current file would grow beyond this. */
  maxBytes?: number;
  /** Rotated files kept: server.log.1 (newest) ... server.log.<keep>. */
  keep?: number;
}

/**
 * Append-only log file with size-based rotation, for the server process's stdout/stderr.
 * Writes are synchronous on purpose: lines from a crashing child must be on disk before
 * the supervisor reports the crash, and the volume (a server's console output) is small.
 */
export class RotatingLog {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fd: number | undefined;
  private size = 0;

  constructor(options: RotatingLogOptions) {
    this.file = options.file;
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = Math.max(1, options.keep ?? 3);
    mkdirSync(dirname(this.file), { recursive: true });
  }

  write(text: string): void {
    if (text.length === 0) return;
    const bytes = Buffer.from(text, 'utf8');
    this.open();
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    this.open();
    writeSync(this.fd as number, bytes);
    this.size += bytes.length;
  }

  /** One JSON line in pino's shape, so the console's log viewer parses supervisor lines too. */
  event(level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}): void {
    const levels = { info: 30, warn: 40, error: 50 } as const;
    this.write(`${JSON.stringify({ level: levels[level], time: Date.now(), source: 'supervisor', msg, ...extra })}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    if (this.fd !== undefined) return;
    this.fd = openSync(this.file, 'a');
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    rmSync(`${this.file}.${this.keep}`, { force: true });
    for (let n = this.keep - 1; n >= 1; n--) {
      try {
        renameSync(`${this.file}.${n}`, `${this.file}.${n + 1}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    renameSync(this.file, `${this.file}.1`);
    this.size = 0;
  }
}
