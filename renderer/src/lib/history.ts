// The server's per-minute history as chart data: labels and series. Pure (no DOM), unit-tested in
// tests/unit/renderer.
import type { HistoryPoint } from '../contract.js';

/** The spans the Health page offers, in minutes (1 hour, 6 hours, the whole day kept). */
export const HISTORY_SPANS = [60, 360, 1440] as const;
export type HistorySpan = (typeof HISTORY_SPANS)[number];

/** "14:05" per point, in the console's language. */
export function minuteLabels(points: readonly HistoryPoint[], locale: string): string[] {
  return points.map((p) => new Date(p.t).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }));
}

type Figure = Exclude<keyof HistoryPoint, 't'>;

/** One figure over time; null where the server was not running (the chart leaves a gap). */
export function figure(points: readonly HistoryPoint[], key: Figure, scale = 1): Array<number | null> {
  return points.map((p) => {
    const value = p[key];
    return value === null ? null : Math.round((value / scale) * 100) / 100;
  });
}

/** Requests and errors of the minutes with data, added up (the page's "in this span" line). */
export function totals(points: readonly HistoryPoint[]): { requests: number; errors5xx: number; errors4xx: number } {
  let requests = 0;
  let errors5xx = 0;
  let errors4xx = 0;
  for (const p of points) {
    requests += p.requests ?? 0;
    errors5xx += p.errors5xx ?? 0;
    errors4xx += p.errors4xx ?? 0;
  }
  return { requests, errors5xx, errors4xx };
}

export const MEBIBYTE = 1024 * 1024;

/** One line of a chart (components/LiveChart.vue). */
export interface ChartSeries {
  name: string;
  values: Array<number | null>;
  color: string;
  /** 'right': drawn against the second axis */
  axis?: 'left' | 'right';
  /** filled below the line */
  fill?: boolean;
}

/** Requests with their 5xx and 4xx answers per minute: the Health page's and the Logs page's chart. */
export function requestSeries(points: readonly HistoryPoint[], names: { requests: string; errors5xx: string; errors4xx: string }): ChartSeries[] {
  return [
    { name: names.requests, values: figure(points, 'requests'), color: '#2563eb', fill: true },
    { name: names.errors5xx, values: figure(points, 'errors5xx'), color: '#dc2626' },
    { name: names.errors4xx, values: figure(points, 'errors4xx'), color: '#d97706' },
  ];
}
