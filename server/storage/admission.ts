/**
 * A fair admission queue in front of a store that serves one statement at a time (the embedded
 * PGlite): at most `concurrency` requests work at once, the next `queueLimit` wait in arrival
 * order, none waits longer than `maxWaitMs`, and the rest are refused at once, so the caller can
 * answer "busy, try again" instead of letting a hundred requests wait seconds behind each other
 * (measured without it: a page of 20 at 100 connections had a p99 of 1.2 s and 1.7 % over 10 s).
 */
export interface AdmissionLimits {
  concurrency: number;
  queueLimit: number;
  maxWaitMs: number;
}

/**
 * The embedded store's limits: four requests at a time keep the PGlite worker busy while the
 * server thread formats other answers; a request that would wait more than 300 ms is told to
 * retry. Measured with `npm run soak` (embedded-100, docs/reliability.md): 2 at a time gave
 * 452 answers/s, 4 gave 488–502, 8 gave 311 with a p99 over 500 ms.
 */
export const EMBEDDED_STORE_ADMISSION: AdmissionLimits = { concurrency: 4, queueLimit: 128, maxWaitMs: 300 };

/** Frees the slot; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  resolve(release: Release | null): void;
  timer?: NodeJS.Timeout;
}

export class AdmissionQueue {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private refusedCount = 0;

  constructor(readonly limits: AdmissionLimits) {}

  /** A slot (its release function), or null when the queue is full or the wait ran out. */
  acquire(): Promise<Release | null> {
    if (this.active < this.limits.concurrency && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.limits.queueLimit) {
      this.refusedCount++;
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve };
      waiter.timer = setTimeout(() => {
        const at = this.waiting.indexOf(waiter);
        if (at < 0) return; // already handed a slot
        this.waiting.splice(at, 1);
        this.refusedCount++;
        resolve(null);
      }, this.limits.maxWaitMs);
      this.waiting.push(waiter);
    });
  }

  /** Requests working, waiting, and refused since the start. */
  stats(): { active: number; waiting: number; refused: number } {
    return { active: this.active, waiting: this.waiting.length, refused: this.refusedCount };
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.resolve(this.releaser());
      } else this.active--;
    };
  }
}
