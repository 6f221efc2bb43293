/** Exponential restart delays: 250 ms, 500 ms, 1 s, 2 s ... capped, so a flapping server
 *  neither hammers the machine nor waits minutes after a one-off crash. */
export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, factor: 2, maxMs: 10_000 };

/** Delay before restart number `attempt` (0 = first restart after a crash). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  const delay = policy.initialMs * policy.factor ** attempt;
  return Math.min(Math.round(delay), policy.maxMs);
}
