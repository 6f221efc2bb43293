import { describe, expect, it } from 'vitest';
import { en, format, ru, type MessageKey } from '../../../renderer/src/i18n/messages.js';
import { cronOf, describeSchedule, parseClock, presetOf } from '../../../renderer/src/lib/schedule-words.js';

const inEnglish = (key: MessageKey, params?: Record<string, string | number>) => format(en[key], params);
const inRussian = (key: MessageKey, params?: Record<string, string | number>) => format(ru[key], params);

describe('the backup schedule in words', () => {
  it('recognises the presets and writes them back as the same cron expression', () => {
    expect(presetOf('0 3 * * *')).toEqual({ kind: 'daily', hour: 3, minute: 0 });
    expect(presetOf('30 2 * * 2')).toEqual({ kind: 'weekly', weekday: 2, hour: 2, minute: 30 });
    expect(presetOf('0 22 * * 7')).toEqual({ kind: 'weekly', weekday: 0, hour: 22, minute: 0 });
    expect(presetOf('0 */6 * * *')).toEqual({ kind: 'hours', every: 6 });
    expect(presetOf('0 * * * *')).toEqual({ kind: 'hours', every: 1 });
    expect(presetOf('0 */5 * * *')).toEqual({ kind: 'custom', cron: '0 */5 * * *' });
    expect(presetOf('0 0 3 * * *')).toEqual({ kind: 'daily', hour: 3, minute: 0 }); // node-cron's seconds field
    for (const cron of ['0 3 * * *', '30 2 * * 2', '0 */6 * * *', '0 * * * *']) expect(cronOf(presetOf(cron))).toBe(cron);
  });

  it('says them in English and Russian', () => {
    expect(describeSchedule('0 3 * * *', inEnglish)).toBe('every day at 03:00');
    expect(describeSchedule('0 3 * * *', inRussian)).toBe('каждый день в 03:00');
    expect(describeSchedule('30 2 * * 2', inEnglish)).toBe('every week: Tuesday, at 02:30');
    expect(describeSchedule('30 2 * * 2', inRussian)).toBe('каждую неделю: вторник, в 02:30');
    expect(describeSchedule('0 */12 * * *', inRussian)).toBe('каждые 12 ч');
    expect(describeSchedule('0 * * * *', inEnglish)).toBe('every hour');
    expect(describeSchedule(null, inRussian)).toBe('расписания нет');
  });

  it('says simple custom expressions and names the rest as they are', () => {
    expect(describeSchedule('15 1,13 * * *', inEnglish)).toBe('every day at 01:15, 13:15');
    expect(describeSchedule('0 4 * * 1,5', inEnglish)).toBe('every week: Monday, Friday, at 04:00');
    expect(describeSchedule('0 4 1,15 * *', inRussian)).toBe('1, 15 числа каждого месяца в 04:00');
    expect(describeSchedule('30 1 * * 1-5', inEnglish)).toBe('by the cron expression 30 1 * * 1-5');
    expect(describeSchedule('nonsense', inRussian)).toBe('по выражению cron nonsense');
  });

  it('reads a clock time', () => {
    expect(parseClock('02:30')).toEqual([2, 30]);
    expect(parseClock('7:05')).toEqual([7, 5]);
    expect(parseClock('24:00')).toBeNull();
    expect(parseClock('')).toBeNull();
  });
});
