// The backup schedule (a cron expression, BACKUP_SCHEDULE) in words and back: the presets the
// Backups task offers (every day / every week at a time, every N hours) and a rendering of other
// expressions where they are simple enough to say (times, weekdays, days of the month). Pure; the
// words come from a translator so the console's language applies. Unit-tested.
import type { MessageKey } from '../i18n/messages.js';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export type SchedulePreset =
  | { kind: 'daily'; hour: number; minute: number }
  | { kind: 'weekly'; weekday: number; hour: number; minute: number }
  | { kind: 'hours'; every: number }
  | { kind: 'custom'; cron: string };

export const WEEKDAY_KEYS: readonly MessageKey[] = [
  'schedule.day.0', 'schedule.day.1', 'schedule.day.2', 'schedule.day.3', 'schedule.day.4', 'schedule.day.5', 'schedule.day.6',
];

/** Every N hours: the divisors of 24 keep the times the same every day. */
export const HOUR_STEPS: readonly number[] = [1, 2, 3, 4, 6, 8, 12];

const NUMBER = /^\d+$/;

function fieldsOf(cron: string): string[] | null {
  const parts = cron.trim().split(/\s+/);
  if (parts.length === 6) parts.shift(); // node-cron's optional seconds field
  return parts.length === 5 ? parts : null;
}

function inRange(text: string, min: number, max: number): number | null {
  if (!NUMBER.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** The preset a cron expression is, or custom. */
export function presetOf(cron: string): SchedulePreset {
  const f = fieldsOf(cron);
  if (!f) return { kind: 'custom', cron };
  const [min, hour, dom, month, dow] = f;
  const minute = inRange(min, 0, 59);
  const h = inRange(hour, 0, 23);
  if (minute !== null && h !== null && dom === '*' && month === '*') {
    if (dow === '*') return { kind: 'daily', hour: h, minute };
    const day = inRange(dow, 0, 7);
    if (day !== null) return { kind: 'weekly', weekday: day % 7, hour: h, minute };
  }
  if (minute === 0 && dom === '*' && month === '*' && dow === '*') {
    if (hour === '*') return { kind: 'hours', every: 1 };
    const step = /^\*\/(\d+)$/.exec(hour);
    if (step && HOUR_STEPS.includes(Number(step[1]))) return { kind: 'hours', every: Number(step[1]) };
  }
  return { kind: 'custom', cron };
}

export function cronOf(preset: SchedulePreset): string {
  switch (preset.kind) {
    case 'daily': return `${preset.minute} ${preset.hour} * * *`;
    case 'weekly': return `${preset.minute} ${preset.hour} * * ${preset.weekday}`;
    case 'hours': return preset.every === 1 ? '0 * * * *' : `0 */${preset.every} * * *`;
    case 'custom': return preset.cron.trim();
  }
}

export function clock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** "HH:MM" → [hour, minute], or null. */
export function parseClock(text: string): [number, number] | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? [hour, minute] : null;
}

function list(text: string, min: number, max: number): number[] | null {
  const values = text.split(',').map((part) => inRange(part, min, max));
  return values.every((v): v is number => v !== null) ? values : null;
}

/** The schedule in words, e.g. "every day at 02:00"; an expression too involved to say is named as it is. */
export function describeSchedule(cron: string | null, t: Translate): string {
  if (cron === null || cron.trim() === '') return t('schedule.off');
  const preset = presetOf(cron);
  switch (preset.kind) {
    case 'daily': return t('schedule.words.daily', { time: clock(preset.hour, preset.minute) });
    case 'weekly': return t('schedule.words.weekly', { day: t(WEEKDAY_KEYS[preset.weekday]), time: clock(preset.hour, preset.minute) });
    case 'hours': return preset.every === 1 ? t('schedule.words.hourly') : t('schedule.words.hours', { n: preset.every });
    case 'custom': break;
  }
  const f = fieldsOf(cron);
  if (f) {
    const [min, hour, dom, month, dow] = f;
    const minute = inRange(min, 0, 59);
    const hours = list(hour, 0, 23);
    if (minute !== null && hours && month === '*') {
      const times = hours.map((h) => clock(h, minute)).join(', ');
      const days = dow === '*' ? null : list(dow, 0, 7);
      const dates = dom === '*' ? null : list(dom, 1, 31);
      if (dom === '*' && dow === '*') return t('schedule.words.daily', { time: times });
      if (dom === '*' && days) return t('schedule.words.weekly', { day: days.map((d) => t(WEEKDAY_KEYS[d % 7])).join(', '), time: times });
      if (dow === '*' && dates) return t('schedule.words.monthly', { dates: dates.join(', '), time: times });
    }
  }
  return t('schedule.words.custom', { cron: cron.trim() });
}
