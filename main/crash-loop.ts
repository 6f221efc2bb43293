/** Sliding-window crash counter: N crashes within W ms means a crash loop, and the
 *  supervisor stops retrying instead of restarting a server that can never come up. */
export interface CrashLoopPolicy {
  limit: number;
  windowMs: number;
}

export const DEFAULT_CRASH_LOOP: CrashLoopPolicy = { limit: 5, windowMs: 60_000 };

export class CrashWindow {
  private crashes: number[] = [];

  constructor(
    private readonly policy: CrashLoopPolicy = DEFAULT_CRASH_LOOP,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; returns true when the crashes inside the window reached the limit. */
  record(at: number = this.now()): boolean {
    this.crashes.push(at);
    this.prune(at);
    return this.crashes.length >= this.policy.limit;
  }

  /** Crashes still inside the window at `at`. */
  count(at: number = this.now()): number {
    this.prune(at);
    return this.crashes.length;
  }

  reset(): void {
    this.crashes = [];
  }

  describe(): string {
    return `${this.policy.limit} crashes within ${Math.round(this.policy.windowMs / 1000)} s`;
  }

  private prune(at: number): void {
    const oldest = at - this.policy.windowMs;
    this.crashes = this.crashes.filter((t) => t > oldest);
  }
}
