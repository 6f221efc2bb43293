// Number and time formatting shared by the pages. Pure; the locale comes from the caller.

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** 93784 → "1d 2h 3m" (units localised by the caller's labels). */
export function formatDuration(totalSeconds: number, units = { d: 'd', h: 'h', m: 'm', s: 's' }): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}${units.d} ${hours}${units.h} ${minutes}${units.m}`;
  if (hours > 0) return `${hours}${units.h} ${minutes}${units.m}`;
  if (minutes > 0) return `${minutes}${units.m} ${s % 60}${units.s}`;
  return `${s}${units.s}`;
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(locale);
}

/** Percentage used, 0..100, or null when the total is unknown. */
export function usedPercent(total: number, free: number): number | null {
  if (!(total > 0)) return null;
  return Math.min(100, Math.max(0, Math.round(((total - free) / total) * 100)));
}
