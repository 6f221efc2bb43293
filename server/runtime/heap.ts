/**
 * Keeping the server's resident memory small when it is idle, without costing throughput under
 * load (docs/benchmarks.md, "Targets": ≤ 120 MB resident idle on MySQL).
 *
 * Measured on MariaDB (docs/benchmarks.md, "Memory"): of ~135-145 MB resident after a warm-up,
 * only ~22 MB is live JavaScript heap. The rest of the heap is
 *  - the young generation: V8 doubles its two semi-spaces from 1 up to 16 MB each while requests
 *    allocate (32 MB resident) and shrinks them only in a GC that runs after ~5 s of low
 *    allocation;
 *  - garbage promoted to the old generation, collected only when the old generation reaches its
 *    limit (2-4x the live size).
 * V8's own memory reducer returns all of it (the process drops to ~85 MB), but only after 10-25 s
 * of quiet. The heap keeper does the same sooner, once a second:
 *  - the young generation grows beyond `semiSpaceMb` only while the event loop is saturated:
 *    only then does a small young generation cost throughput (more requests in flight survive
 *    each scavenge); with idle time to spare it costs idle time. `--max-semi-space-size` is read
 *    only when the heap is created (it would have to be on every command line: npm start, the
 *    desktop supervisor, PM2/systemd units), but `--semi-space-growth-factor` is read at every
 *    growth, so the server sets it itself: V8's default 2 below the cap or under load, 1 above.
 *  - after work that left garbage in the old generation, one full, compacting GC as soon as the
 *    event loop is quiet (at most every 30 s: a full GC while no request is in flight lets the
 *    shapes of request objects die and V8 deoptimises the code built on them, so the next burst
 *    of traffic re-optimises); after a few seconds of quiet one more if the young generation is
 *    above the cap (V8 shrinks it in a GC once allocation has been low for 5 s since the last GC).
 * A young-generation size given on the command line or in NODE_OPTIONS is left alone.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { PerformanceObserver, performance, type EventLoopUtilization } from 'node:perf_hooks';

const MB = 1024 * 1024;

function spaceStats(): { newCommitted: number; oldUsed: number } {
  let newCommitted = 0;
  let oldUsed = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space') newCommitted = space.space_size;
    else if (space.space_name === 'old_space') oldUsed = space.space_used_size;
  }
  return { newCommitted, oldUsed };
}

/** a --max-semi-space-size (or --max-new-space-size) given on the command line or in NODE_OPTIONS */
export function youngGenerationSetByUser(argv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return [...argv, ...nodeOptions.split(/\s+/)].some((arg) => /^--max[-_](semi[-_]space|new[-_]space)[-_]size\b/.test(arg));
}

/**
 * V8's `gc` function without `--expose-gc` on the command line: the flag only installs `gc` in
 * contexts created after it is set, so a fresh context hands it out; the flag is reset at once.
 * The collection compacts (V8's memory reducer does too), so freed old-space pages are returned.
 */
export function fullGcFunction(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    v8.setFlagsFromString('--no-expose-gc');
    if (typeof gc !== 'function') return null;
    return () => {
      v8.setFlagsFromString('--compact-on-every-full-gc');
      try {
        (gc as () => unknown)();
      } finally {
        v8.setFlagsFromString('--no-compact-on-every-full-gc');
      }
    };
  } catch {
    return null;
  }
}

export interface HeapKeeperOptions {
  /** semi-space size (MB) the young generation keeps unless the event loop is saturated; 0: leave V8's growth alone */
  semiSpaceMb?: number;
  /** how often to look (ms) */
  everyMs?: number;
  /** event-loop utilisation over one period at or above which the server counts as saturated */
  busyUtilization?: number;
  /** consecutive saturated periods after which the young generation may grow beyond the cap */
  busyPeriods?: number;
  /** event-loop utilisation over one period below which the server counts as quiet */
  quietUtilization?: number;
  /** collect when quiet only if the old generation grew at least this much since the last collection (bytes) */
  minOldGrowth?: number;
  /** quiet periods after which an oversized young generation is collected (and so shrunk) */
  shrinkAfterQuietPeriods?: number;
  /**
   * at least this long between two of the keeper's collections (ms): a full GC while no request
   * is in flight lets the shapes of request objects die, and V8 deoptimises the code built on
   * them ("weak objects"), so the next burst of traffic runs slower for a few seconds
   */
  minIntervalMs?: number;
  /** called once a period (tests, tracing) */
  onTick?: (info: { utilization: number; growthFactor: number; newCommitted: number; oldUsed: number }) => void;
  /** called after each collection (logs, tests) */
  onCollect?: (info: { reason: 'old-garbage' | 'young-generation'; ms: number; oldBefore: number; oldAfter: number; newBefore: number; newAfter: number }) => void;
}

export interface HeapKeeper {
  /**
   * Call once the server is ready. Only from now on does the keeper collect (what loading and
   * starting the server puts in the old generation is mostly live, not garbage worth a GC) and
   * let a saturated event loop grow the young generation (starting is busy, but not load).
   */
  serverReady(): void;
  /** what the keeper did so far */
  stats(): { collections: number; growthFactor: number };
  stop(): void;
}

export function startHeapKeeper(options: HeapKeeperOptions = {}): HeapKeeper {
  const everyMs = options.everyMs ?? 1000;
  const busyUtilization = options.busyUtilization ?? 0.9;
  const busyPeriodsNeeded = options.busyPeriods ?? 2;
  const quietUtilization = options.quietUtilization ?? 0.05;
  const minOldGrowth = options.minOldGrowth ?? 4 * MB;
  const shrinkAfterQuietPeriods = options.shrinkAfterQuietPeriods ?? 6;
  const minIntervalMs = options.minIntervalMs ?? 30_000;
  const capYoung = (options.semiSpaceMb ?? 4) > 0 && !youngGenerationSetByUser();
  // both semi-spaces are committed
  const youngCap = 2 * (options.semiSpaceMb ?? 4) * MB;
  const gc = fullGcFunction();

  let growthFactor = 2;
  const setGrowthFactor = (factor: number) => {
    if (factor === growthFactor) return;
    growthFactor = factor;
    v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`);
  };

  let ready = false;
  let collections = 0;
  let lastCollection = -Infinity;
  let busyPeriods = 0;
  let quietPeriods = 0;
  let shrinkTried = false;
  let oldBaseline = spaceStats().oldUsed;
  let last: EventLoopUtilization = performance.eventLoopUtilization();

  const collect = (reason: 'old-garbage' | 'young-generation') => {
    if (!gc) return;
    const before = spaceStats();
    const started = performance.now();
    gc();
    const after = spaceStats();
    collections++;
    lastCollection = performance.now();
    oldBaseline = after.oldUsed;
    // V8 shrinks the young generation only in a GC after ~5 s of low allocation: count from here
    quietPeriods = 0;
    // the collection is not the server's work
    last = performance.eventLoopUtilization();
    options.onCollect?.({
      reason, ms: performance.now() - started,
      oldBefore: before.oldUsed, oldAfter: after.oldUsed, newBefore: before.newCommitted, newAfter: after.newCommitted,
    });
  };

  const tick = () => {
    const utilization = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    const { newCommitted, oldUsed } = spaceStats();
    busyPeriods = ready && utilization >= busyUtilization ? busyPeriods + 1 : 0;
    if (capYoung) applyCap(newCommitted);
    options.onTick?.({ utilization, growthFactor, newCommitted, oldUsed });

    if (!ready) return;
    if (utilization >= quietUtilization) {
      quietPeriods = 0;
      shrinkTried = false;
      return;
    }
    quietPeriods++;
    // V8 collected on its own meanwhile: count growth from there
    if (oldUsed < oldBaseline) oldBaseline = oldUsed;
    if (performance.now() - lastCollection < minIntervalMs) return;
    if (oldUsed - oldBaseline >= minOldGrowth) collect('old-garbage');
    else if (capYoung && !shrinkTried && quietPeriods >= shrinkAfterQuietPeriods && newCommitted > youngCap) {
      shrinkTried = true;
      collect('young-generation');
    }
  };

  // growth happens in scavenges, so the cap is checked after each GC (a check once a second
  // would let the young generation double several times in between)
  const applyCap = (newCommitted: number) => setGrowthFactor(busyPeriods >= busyPeriodsNeeded || newCommitted < youngCap ? 2 : 1);
  let observer: PerformanceObserver | null = null;
  if (capYoung) {
    applyCap(spaceStats().newCommitted);
    observer = new PerformanceObserver(() => applyCap(spaceStats().newCommitted));
    observer.observe({ entryTypes: ['gc'] });
  }
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    serverReady: () => {
      ready = true;
      oldBaseline = spaceStats().oldUsed;
    },
    stats: () => ({ collections, growthFactor }),
    stop: () => {
      clearInterval(timer);
      observer?.disconnect();
      setGrowthFactor(2);
    },
  };
}
