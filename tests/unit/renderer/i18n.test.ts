import { describe, expect, it } from 'vitest';
import { en, format, localeFor, ru, type MessageKey } from '../../../renderer/src/i18n/messages.js';
import { SETTING_GROUPS } from '../../../server/config/schema.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console messages', () => {
  it('Russian has exactly the English keys, each with the same placeholders', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]));
      expect(ru[key].trim(), key).not.toBe('');
    }
  });

  it('labels exactly the settings groups the schema has (none for groups taken out of it)', () => {
    const labelled = Object.keys(en).filter((key) => key.startsWith('settings.group.')).map((key) => key.slice('settings.group.'.length));
    expect(labelled.sort()).toEqual([...SETTING_GROUPS].sort());
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('Step {n} of {total}', { n: 1, total: 4 })).toBe('Step 1 of 4');
    expect(format('Hello {name}')).toBe('Hello {name}');
    expect(format(en['databases.badFile'])).toContain('{"rows": [...]}');
  });

  it('picks Russian for ru-* browsers and English otherwise', () => {
    expect(localeFor('ru-RU')).toBe('ru');
    expect(localeFor('RU')).toBe('ru');
    expect(localeFor('en-US')).toBe('en');
    expect(localeFor('de')).toBe('en');
    expect(localeFor(undefined)).toBe('en');
  });
});
