/** Event-loop delay, measured continuously (perf_hooks), reported over the last interval. */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

let histogram: IntervalHistogram | null = null;
let lastLagMs = 0;
let timer: NodeJS.Timeout | null = null;

/** Starts the monitor once per process; `eventLoopLagMs()` then reports the mean delay. */
export function startEventLoopMonitor(): void {
  if (histogram) return;
  histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  // keep a rolling figure: the mean of the last 10 s, so a long-past spike does not linger
  timer = setInterval(() => {
    if (!histogram) return;
    lastLagMs = histogram.count > 0 ? histogram.mean / 1e6 : 0;
    histogram.reset();
  }, 10_000);
  timer.unref();
}

/** Mean event-loop delay in ms (since the last 10 s roll-over, or the current window). */
export function eventLoopLagMs(): number {
  if (!histogram) startEventLoopMonitor();
  const current = histogram && histogram.count > 0 ? histogram.mean / 1e6 : lastLagMs;
  return Math.round(Math.max(current, 0) * 100) / 100;
}
