/**
 * Request counters for /api/health: total since start, and the last 60 seconds in 1 s buckets.
 * Every answered request also goes to the per-minute history (history.ts) when one is attached.
 */
import type { RequestHandler } from 'express';
import type { MetricsHistory } from './history.js';

const WINDOW_SECONDS = 60;

export interface RequestCounts {
  total: number;
  perMinute: number;
  errorsPerMinute: number;
}

export class RequestMetrics {
  private total = 0;
  private readonly requests = new Array<number>(WINDOW_SECONDS).fill(0);
  private readonly errors = new Array<number>(WINDOW_SECONDS).fill(0);
  private bucketSecond = 0;

  constructor(private readonly now: () => number = Date.now, private readonly history: MetricsHistory | null = null) {
    this.bucketSecond = Math.floor(this.now() / 1000);
  }

  /** moves the window to the current second, zeroing the buckets that fell out */
  private advance(): number {
    const second = Math.floor(this.now() / 1000);
    const gap = Math.min(second - this.bucketSecond, WINDOW_SECONDS);
    for (let i = 1; i <= gap; i++) {
      const index = (this.bucketSecond + i) % WINDOW_SECONDS;
      this.requests[index] = 0;
      this.errors[index] = 0;
    }
    if (second > this.bucketSecond) this.bucketSecond = second;
    return second % WINDOW_SECONDS;
  }

  /** counts one finished request (5xx answers count as errors) and how long its answer took */
  record(status: number, ms = 0): void {
    const index = this.advance();
    this.total += 1;
    this.requests[index] += 1;
    if (status >= 500) this.errors[index] += 1;
    this.history?.record(status, ms);
  }

  snapshot(): RequestCounts {
    this.advance();
    const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
    return { total: this.total, perMinute: sum(this.requests), errorsPerMinute: sum(this.errors) };
  }

  middleware(): RequestHandler {
    return (_req, res, next) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => this.record(res.statusCode, Number(process.hrtime.bigint() - started) / 1e6));
      next();
    };
  }
}
