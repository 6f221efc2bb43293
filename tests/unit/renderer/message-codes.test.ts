// The message codes from both ends: every code the server may send has a text in every language of
// the console with the same placeholders, the texts are found by code with the answer's params, and
// the Russian ones carry no English sentence.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorFromBody } from '../../../renderer/src/bridge/errors.js';
import { codeMessages, codeText, fieldCodeMessages, fieldCodeText, settingDescriptionsRu } from '../../../renderer/src/i18n/messages.js';
import { SETTING_KEYS } from '../../../server/config/schema.js';
import { FIELD_MESSAGE_CODES, MESSAGE_CODES } from '../../../server/http/message-codes.js';
import { latinWords } from '../../e2e/support/latin.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const DOCS = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'messages.md'), 'utf8');

describe('message codes in the console', () => {
  it('has a text for every code in English and Russian, with the same placeholders', () => {
    for (const [table, codes] of [[codeMessages, MESSAGE_CODES], [fieldCodeMessages, FIELD_MESSAGE_CODES]] as const) {
      const { en, ru } = table as { en: Record<string, string>; ru: Record<string, string> };
      expect(Object.keys(en).sort()).toEqual([...codes].sort());
      expect(Object.keys(ru).sort()).toEqual([...codes].sort());
      for (const code of codes) expect(placeholders(ru[code]), code).toEqual(placeholders(en[code]));
    }
  });

  it('writes no English in the Russian texts', () => {
    for (const [code, text] of [...Object.entries(codeMessages.ru), ...Object.entries(fieldCodeMessages.ru)]) {
      expect(latinWords(text), `${code}: ${text}`).toEqual([]);
    }
  });

  it('describes every setting in Russian for the Advanced list, without English', () => {
    expect(Object.keys(settingDescriptionsRu).sort()).toEqual([...SETTING_KEYS].sort());
    for (const [key, text] of Object.entries(settingDescriptionsRu)) expect(latinWords(text), `${key}: ${text}`).toEqual([]);
  });

  it('documents every code in docs/messages.md', () => {
    for (const code of [...MESSAGE_CODES, ...FIELD_MESSAGE_CODES]) expect(DOCS, code).toContain(`\`${code}\``);
  });

  it('finds the text by code with the params, and knows when it does not know a code', () => {
    expect(codeText('ru', 'database_not_found', { name: 'crm' })).toBe('Базы «crm» нет.');
    expect(codeText('en', 'store_change', { count: 2 })).toContain('The 2 database(s)');
    expect(codeText('en', 'no_such_code')).toBeNull();
    expect(fieldCodeText('ru', 'value_too_small', { min: 1 })).toBe('Не меньше 1.');
    expect(fieldCodeText('en', 'no_such_code')).toBeNull();
  });

  it('reads the code, its params and the field codes from the admin envelope', () => {
    const error = errorFromBody(422, {
      error: {
        code: 'invalid_settings', message: 'some settings are not valid', params: { n: 2, bad: { x: 1 } },
        fields: { PORT: 'must be at most 65535' }, fieldCodes: { PORT: { code: 'value_too_big', params: { max: 65535 } }, junk: 'x' },
      },
    });
    expect(error.code).toBe('invalid_settings');
    expect(error.params).toEqual({ n: 2 });
    expect(error.fieldCodes).toEqual({ PORT: { code: 'value_too_big', params: { max: 65535 } } });
    const api = errorFromBody(404, { success: false, error: 'Database "x" not found', code: 'database_not_found', params: { name: 'x' } });
    expect(api).toMatchObject({ code: 'database_not_found', params: { name: 'x' } });
  });
});
