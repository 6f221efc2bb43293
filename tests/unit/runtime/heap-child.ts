/**
 * Child process of heap.test.ts: runs one scenario of the heap keeper in a fresh V8 (the keeper
 * changes V8 flags, which must not leak into the test runner) and prints one JSON line.
 */
import v8 from 'node:v8';
import { startHeapKeeper, type HeapKeeper } from '../../../server/runtime/heap.js';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/** allocates objects of which some survive a few scavenges (what makes V8 grow the young generation) */
function allocate(retained: unknown[][], megabytes: number, keep = 8): void {
  const objects = Math.round((megabytes * MB) / 64);
  const batch: unknown[] = [];
  for (let i = 0; i < objects; i++) {
    const item = { id: i, name: `item-${i}`, tags: [i, i + 1] };
    if (i % 4 === 0) batch.push(item);
  }
  retained.push(batch);
  if (retained.length > keep) retained.shift();
}

const scenario = process.argv[2];
const result: Record<string, unknown> = { scenario };
let keeper: HeapKeeper | null = null;
const collections: Array<{ reason: string; oldBefore: number; oldAfter: number }> = [];

if (scenario === 'light-load' || scenario === 'light-load-no-keeper') {
  // bursts of work with idle time between them: the event loop is never saturated
  if (scenario === 'light-load') keeper = startHeapKeeper({ semiSpaceMb: 2, everyMs: 100 });
  const retained: unknown[][] = [];
  let maxNew = newSpace();
  for (let i = 0; i < 150; i++) {
    allocate(retained, 0.5);
    await sleep(4);
    maxNew = Math.max(maxNew, newSpace());
  }
  result.maxNewSpaceMb = maxNew / MB;
} else if (scenario === 'saturated' || scenario === 'saturated-starting') {
  keeper = startHeapKeeper({ semiSpaceMb: 1, everyMs: 100, busyPeriods: 2 });
  // while starting, a busy event loop is not load
  if (scenario === 'saturated') keeper.serverReady();
  const retained: unknown[][] = [];
  const until = performance.now() + 2500;
  // never yields for long: utilisation ~1
  while (performance.now() < until) {
    const sliceEnd = performance.now() + 50;
    while (performance.now() < sliceEnd) allocate(retained, 0.5);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  result.maxNewSpaceMb = newSpace() / MB;
  result.growthFactor = keeper.stats().growthFactor;
} else if (scenario === 'quiet-collect') {
  keeper = startHeapKeeper({ everyMs: 100, minOldGrowth: 2 * MB, minIntervalMs: 0, onCollect: (info) => collections.push(info) });
  const retained: unknown[][] = [];
  // work before serverReady does not count
  for (let i = 0; i < 40; i++) allocate(retained, 0.5);
  await sleep(400);
  result.collectionsBeforeStart = collections.length;
  keeper.serverReady();
  // garbage promoted to the old generation: retained across scavenges, then dropped
  for (let i = 0; i < 80; i++) {
    allocate(retained, 0.5, 40);
    if (i % 10 === 0) await sleep(1);
  }
  retained.length = 0;
  await sleep(600);
  result.collections = collections;
} else if (scenario === 'rate-limited') {
  keeper = startHeapKeeper({ everyMs: 100, minOldGrowth: 1 * MB, minIntervalMs: 60_000, onCollect: (info) => collections.push(info) });
  keeper.serverReady();
  const retained: unknown[][] = [];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 60; i++) allocate(retained, 0.5, 40);
    retained.length = 0;
    await sleep(400);
  }
  result.collections = collections;
} else if (scenario === 'user-flag') {
  keeper = startHeapKeeper({ semiSpaceMb: 1, everyMs: 100 });
  const retained: unknown[][] = [];
  for (let i = 0; i < 150; i++) {
    allocate(retained, 0.5);
    await sleep(2);
  }
  result.maxNewSpaceMb = newSpace() / MB;
  result.growthFactor = keeper.stats().growthFactor;
}
result.hasGlobalGc = typeof (globalThis as { gc?: unknown }).gc !== 'undefined';
keeper?.stop();
process.stdout.write(`${JSON.stringify(result)}\n`);
