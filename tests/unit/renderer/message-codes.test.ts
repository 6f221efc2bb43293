// The message codes from both ends: every code the server may send has a text in every language of
// the console with the same placeholders, the texts are found by code with the answer's params, and
// the Russian ones carry no English sentence.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorFromBody } from '../../../renderer/src/bridge/errors.js';
import { codeMessages, codeText, fieldCodeMessages, fieldCodeText, jobStepMessages, jobStepText, settingDescriptionsRu } from '../../../renderer/src/i18n/messages.js';
import { JOB_STEP_TEXT, stepText, step } from '../../../server/jobs/steps.js';
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

  it('has every job step in both languages, with the placeholders of the server\'s English, and no English in Russian', () => {
    const steps = Object.keys(JOB_STEP_TEXT).sort();
    for (const locale of ['en', 'ru'] as const) {
      expect(Object.keys(jobStepMessages[locale]).sort()).toEqual(steps);
      for (const [code, text] of Object.entries(jobStepMessages[locale])) {
        expect(placeholders(text), `${locale} ${code}`).toEqual(placeholders(JOB_STEP_TEXT[code as keyof typeof JOB_STEP_TEXT]));
      }
    }
    for (const [code, text] of Object.entries(jobStepMessages.ru)) {
      // {detail} is the server's own text of a failure; everything else is Russian
      expect(latinWords(text.replace(/\{\w+\}/g, '')), `${code}: ${text}`).toEqual([]);
    }
  });

  it('shows a step in the chosen language, and the server\'s English for a step it does not know', () => {
    const said = step('backup_done', { id: 'b-1', count: 2 });
    expect(stepText(said)).toBe('backup b-1 of 2 database(s) written');
    expect(jobStepText('ru', said)).toBe('записана копия b-1, баз в ней: 2');
    expect(jobStepText('en', said)).toBe('backup b-1 of 2 database(s) written');
    expect(jobStepText('ru', { code: 'pull_new_step' as keyof typeof JOB_STEP_TEXT }, 'a newer server\'s step')).toBe('a newer server\'s step');
  });

  it('documents every code in docs/messages.md', () => {
    for (const code of [...MESSAGE_CODES, ...FIELD_MESSAGE_CODES, ...Object.keys(JOB_STEP_TEXT)]) expect(DOCS, code).toContain(`\`${code}\``);
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
