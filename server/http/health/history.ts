/**
 * The server's recent history for the console's Health and Logs charts: one point per minute for
 * the last 24 hours (1440 points), the minute in progress kept live. Per minute: requests answered,
 * 5xx and 4xx answers, the 95th percentile of the answer time, memory (RSS and JS heap) and the
 * store's round-trip time. Fed by RequestMetrics (every answered request) and a sampler that reads
 * the gauges once a minute; kept in the data folder (atomic write) every few minutes and on a clean
 * stop, so a restart keeps the day.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-file.js';

export const HISTORY_MINUTES = 1440;
const MINUTE_MS = 60_000;
const FILE_VERSION = 1;

/** One minute of history; the figures are null for a minute the server was not running. */
export interface HistoryPoint {
  /** the minute's start, ISO 8601 */
  t: string;
  /** requests answered in the minute */
  requests: number | null;
  /** answers with a 5xx status */
  errors5xx: number | null;
  /** answers with a 4xx status */
  errors4xx: number | null;
  /** 95th percentile of the answer time, ms (null when there was no request) */
  p95Ms: number | null;
  /** resident set size of the server process at the end of the minute, bytes */
  rssBytes: number | null;
  /** JavaScript heap in use, bytes */
  heapUsedBytes: number | null;
  /** the store's round-trip time as last measured in the minute, ms (null: not connected) */
  storeLatencyMs: number | null;
}

/** The gauges read once a minute (and when the live minute is asked for). */
export interface HistoryGauges {
  rssBytes: number;
  heapUsedBytes: number;
  storeLatencyMs: number | null;
}

/**
 * Answer times in buckets of about 5 % width (0.05 ms to ~8 hours): a percentile costs a walk over
 * the buckets, recording costs one logarithm, and a busy minute takes no more memory than an idle one.
 */
const LATENCY_BASE_MS = 0.05;
const LATENCY_GROWTH = 1.05;
const LATENCY_BUCKETS = 400;
const LOG_GROWTH = Math.log(LATENCY_GROWTH);

function latencyBucket(ms: number): number {
  if (!(ms > LATENCY_BASE_MS)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.ceil(Math.log(ms / LATENCY_BASE_MS) / LOG_GROWTH));
}

/** the upper bound of a bucket, ms, rounded to 0.1 ms */
function bucketUpperMs(bucket: number): number {
  return Math.round(LATENCY_BASE_MS * LATENCY_GROWTH ** bucket * 10) / 10;
}

class MinuteAccumulator {
  requests = 0;
  errors5xx = 0;
  errors4xx = 0;
  private readonly latency = new Uint32Array(LATENCY_BUCKETS);
  gauges: HistoryGauges | null = null;

  constructor(readonly minute: number) {}

  record(status: number, ms: number): void {
    this.requests += 1;
    if (status >= 500) this.errors5xx += 1;
    else if (status >= 400) this.errors4xx += 1;
    this.latency[latencyBucket(ms)] += 1;
  }

  /** the upper bound of the bucket holding the q-th quantile, or null without requests */
  quantileMs(q: number): number | null {
    if (this.requests === 0) return null;
    const rank = Math.ceil(q * this.requests);
    let seen = 0;
    for (let bucket = 0; bucket < LATENCY_BUCKETS; bucket++) {
      seen += this.latency[bucket];
      if (seen >= rank) return bucketUpperMs(bucket);
    }
    return bucketUpperMs(LATENCY_BUCKETS - 1);
  }

  point(): HistoryPoint {
    return {
      t: new Date(this.minute * MINUTE_MS).toISOString(),
      requests: this.requests,
      errors5xx: this.errors5xx,
      errors4xx: this.errors4xx,
      p95Ms: this.quantileMs(0.95),
      rssBytes: this.gauges?.rssBytes ?? null,
      heapUsedBytes: this.gauges?.heapUsedBytes ?? null,
      storeLatencyMs: this.gauges?.storeLatencyMs ?? null,
    };
  }
}

function emptyPoint(minute: number): HistoryPoint {
  return { t: new Date(minute * MINUTE_MS).toISOString(), requests: null, errors5xx: null, errors4xx: null, p95Ms: null, rssBytes: null, heapUsedBytes: null, storeLatencyMs: null };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** A stored point as read back from the file; null when it is not one. */
function readPoint(value: unknown): { minute: number; point: HistoryPoint } | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const time = typeof record.t === 'string' ? Date.parse(record.t) : NaN;
  if (!Number.isFinite(time) || time % MINUTE_MS !== 0) return null;
  return {
    minute: time / MINUTE_MS,
    point: {
      t: new Date(time).toISOString(),
      requests: numberOrNull(record.requests),
      errors5xx: numberOrNull(record.errors5xx),
      errors4xx: numberOrNull(record.errors4xx),
      p95Ms: numberOrNull(record.p95Ms),
      rssBytes: numberOrNull(record.rssBytes),
      heapUsedBytes: numberOrNull(record.heapUsedBytes),
      storeLatencyMs: numberOrNull(record.storeLatencyMs),
    },
  };
}

export interface MetricsHistoryOptions {
  /** the gauges (memory, store latency); read once a minute */
  gauges: () => HistoryGauges;
  /** where the history is kept across restarts; none: in memory only */
  file?: string;
  /** default Date.now; tests inject a clock */
  now?: () => number;
  /** how often the file is written while running; default 5 minutes */
  persistEveryMs?: number;
  /** where a failed write is reported */
  onError?: (err: unknown, what: string) => void;
}

export class MetricsHistory {
  /** finished minutes by minute number modulo HISTORY_MINUTES; a slot is valid when its minute matches */
  private readonly slots = new Array<{ minute: number; point: HistoryPoint } | null>(HISTORY_MINUTES).fill(null);
  private current: MinuteAccumulator;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private persistTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: MetricsHistoryOptions) {
    this.now = options.now ?? Date.now;
    this.current = new MinuteAccumulator(this.minuteNow());
  }

  private minuteNow(): number {
    return Math.floor(this.now() / MINUTE_MS);
  }

  /** closes the minute in progress when the clock has passed it */
  private roll(): MinuteAccumulator {
    const minute = this.minuteNow();
    if (minute === this.current.minute) return this.current;
    if (minute > this.current.minute) {
      const finished = this.current;
      finished.gauges ??= this.readGauges();
      this.slots[finished.minute % HISTORY_MINUTES] = { minute: finished.minute, point: finished.point() };
    }
    // (a clock set back starts a new minute without keeping the one from the future)
    this.current = new MinuteAccumulator(minute);
    return this.current;
  }

  private readGauges(): HistoryGauges | null {
    try {
      return this.options.gauges();
    } catch (err) {
      this.options.onError?.(err, 'reading the gauges');
      return null;
    }
  }

  /** one answered request: its status and how long the answer took */
  record(status: number, ms: number): void {
    this.roll().record(status, ms);
  }

  /** reads the gauges into the minute in progress (the sampler calls it near each minute's end) */
  sample(): void {
    const gauges = this.readGauges();
    if (gauges) this.roll().gauges = gauges;
  }

  /**
   * The last `minutes` minutes, oldest first, one point per minute ending with the minute in
   * progress (its figures so far, gauges read now); minutes without data have null figures.
   */
  points(minutes = HISTORY_MINUTES): HistoryPoint[] {
    const count = Math.max(1, Math.min(HISTORY_MINUTES, Math.floor(minutes)));
    const live = this.roll();
    const gauges = this.readGauges();
    const points: HistoryPoint[] = [];
    for (let minute = live.minute - count + 1; minute < live.minute; minute++) {
      const slot = this.slots[((minute % HISTORY_MINUTES) + HISTORY_MINUTES) % HISTORY_MINUTES];
      points.push(slot && slot.minute === minute ? slot.point : emptyPoint(minute));
    }
    const current = live.point();
    points.push(gauges ? { ...current, rssBytes: gauges.rssBytes, heapUsedBytes: gauges.heapUsedBytes, storeLatencyMs: gauges.storeLatencyMs } : current);
    return points;
  }

  /** Reads the file a previous run left (a missing or unreadable file starts an empty history). */
  async load(): Promise<void> {
    if (!this.options.file) return;
    let text: string;
    try {
      text = await fs.readFile(this.options.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onError?.(err, 'reading the history file');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.options.onError?.(err, 'reading the history file');
      return;
    }
    const list = typeof parsed === 'object' && parsed !== null ? (parsed as { points?: unknown }).points : undefined;
    if (!Array.isArray(list)) return;
    const newest = this.minuteNow();
    for (const value of list) {
      const stored = readPoint(value);
      if (!stored || stored.minute > newest || stored.minute <= newest - HISTORY_MINUTES) continue;
      if (stored.minute === this.current.minute) {
        // the minute this process started in: the previous run's part of it is merged in
        this.current.requests += stored.point.requests ?? 0;
        this.current.errors5xx += stored.point.errors5xx ?? 0;
        this.current.errors4xx += stored.point.errors4xx ?? 0;
        continue;
      }
      this.slots[stored.minute % HISTORY_MINUTES] = stored;
    }
  }

  /** Writes the finished minutes and the one in progress to the file (atomically); one write at a time. */
  persist(): Promise<void> {
    const file = this.options.file;
    if (!file) return Promise.resolve();
    const live = this.roll();
    const kept = this.slots
      .filter((slot): slot is { minute: number; point: HistoryPoint } => slot !== null && slot.minute > live.minute - HISTORY_MINUTES)
      .sort((a, b) => a.minute - b.minute)
      .map((slot) => slot.point);
    if (live.requests > 0 || live.gauges) kept.push(live.point());
    const content = JSON.stringify({ version: FILE_VERSION, points: kept });
    this.writing = this.writing.then(() => writeFileAtomic(file, content)).catch((err: unknown) => this.options.onError?.(err, 'writing the history file'));
    return this.writing;
  }

  /** Samples the gauges just before every minute ends and writes the file every few minutes. */
  start(): void {
    if (this.timer) return;
    const schedule = () => {
      // a second before the minute's end, so the sample lands in the minute it describes
      const wait = MINUTE_MS - (this.now() % MINUTE_MS) - 1000;
      this.timer = setTimeout(() => {
        this.sample();
        schedule();
      }, wait > 0 ? wait : wait + MINUTE_MS);
      this.timer.unref();
    };
    schedule();
    this.sample();
    if (this.options.file) {
      this.persistTimer = setInterval(() => void this.persist(), this.options.persistEveryMs ?? 5 * MINUTE_MS);
      this.persistTimer.unref();
    }
  }

  /** Stops the timers and writes the file a last time (a clean stop keeps the history). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.persistTimer) clearInterval(this.persistTimer);
    this.timer = null;
    this.persistTimer = null;
    this.sample();
    await this.persist();
  }
}
