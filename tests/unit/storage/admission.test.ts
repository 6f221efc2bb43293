import { describe, expect, it } from 'vitest';
import { AdmissionQueue } from '../../../server/storage/admission.js';

describe('admission queue', () => {
  it('admits up to the concurrency at once and the waiting ones in arrival order', async () => {
    const queue = new AdmissionQueue({ concurrency: 2, queueLimit: 10, maxWaitMs: 5_000 });
    const first = await queue.acquire();
    const second = await queue.acquire();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    const order: number[] = [];
    const waiting = [3, 4, 5].map((n) => queue.acquire().then((release) => {
      order.push(n);
      return release;
    }));
    expect(queue.stats()).toEqual({ active: 2, waiting: 3, refused: 0 });
    first!();
    first!(); // a second release of the same slot frees nothing more
    const third = await waiting[0];
    expect(queue.stats()).toEqual({ active: 2, waiting: 2, refused: 0 });
    second!();
    third!();
    for (const release of await Promise.all(waiting.slice(1))) release!();
    expect(order).toEqual([3, 4, 5]);
    expect(queue.stats()).toEqual({ active: 0, waiting: 0, refused: 0 });
  });

  it('refuses at once when the queue is full, and after the longest wait', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, queueLimit: 1, maxWaitMs: 50 });
    const held = await queue.acquire();
    const waiter = queue.acquire();
    expect(await queue.acquire()).toBeNull(); // the queue is full
    const started = Date.now();
    expect(await waiter).toBeNull(); // waited its 50 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(queue.stats()).toEqual({ active: 1, waiting: 0, refused: 2 });
    held!();
    expect(await queue.acquire()).not.toBeNull();
  });
});
