import { describe, expect, it } from 'vitest';
import type { SettingField } from '../../../server/http/admin/contract.js';
import { errorFromBody } from '../../../renderer/src/bridge/errors.js';
import { filenameFrom } from '../../../renderer/src/lib/content-disposition.js';
import { formatBytes, formatDuration, usedPercent } from '../../../renderer/src/lib/format.js';
import { figure, MEBIBYTE, minuteLabels, totals } from '../../../renderer/src/lib/history.js';
import type { HistoryPoint } from '../../../renderer/src/contract.js';
import { appendCapped, extraText, matchesFilter, normalizeLogLine } from '../../../renderer/src/lib/logs.js';
import { INTEGRAM_LOGIN_RULE, integramPasswordOk, passwordProblems } from '../../../renderer/src/lib/password.js';
import { LOGIN_RULE, passwordProblems as serverPasswordProblems } from '../../../server/http/api/schemas.js';
import { changedValues, controlFor, groupFields, initialDraft } from '../../../renderer/src/lib/settings-form.js';

function field(overrides: Partial<SettingField> & Pick<SettingField, 'key'>): SettingField {
  return {
    group: 'server', description: '', kind: 'string', secret: false, value: null, defaultValue: null,
    source: 'default', restartRequired: false, ...overrides,
  };
}

describe('error envelope', () => {
  it('takes code, message and fields from the admin envelope', () => {
    const error = errorFromBody(422, { error: { code: 'invalid_settings', message: 'some settings are not valid', fields: { PORT: 'too big', x: 3 } } });
    expect(error).toMatchObject({ code: 'invalid_settings', message: 'some settings are not valid', status: 422, fields: { PORT: 'too big' } });
  });

  it('never passes on a trace or an HTML page', () => {
    const traced = errorFromBody(500, { error: { code: 'internal', message: 'boom\n    at Object.<anonymous> (/srv/x.js:1:1)' } });
    expect(traced.message).toBe('boom');
    const html = errorFromBody(502, '<html><body>Bad gateway</body></html>');
    expect(html.message).toBe('HTTP 502');
    expect(errorFromBody(503, undefined).code).toBe('http_503');
  });

  it('reads the modern API envelope too', () => {
    expect(errorFromBody(503, { success: false, error: 'database unavailable', code: 'db_down' })).toMatchObject({ message: 'database unavailable', code: 'db_down' });
  });
});

describe('download names', () => {
  it('keeps only a plain file name', () => {
    expect(filenameFrom('attachment; filename="shop-rows.json"')).toBe('shop-rows.json');
    expect(filenameFrom("attachment; filename*=UTF-8''%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB.log")).toBe('журнал.log');
    expect(filenameFrom('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFrom('attachment; filename=".."')).toBeNull();
    expect(filenameFrom(null)).toBeNull();
  });
});

describe('formatting', () => {
  it('formats bytes, durations and percentages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 ** 3)).toBe('20 GB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h 2m');
    expect(formatDuration(93784)).toBe('1d 2h 3m');
    expect(usedPercent(200, 50)).toBe(75);
    expect(usedPercent(0, 0)).toBeNull();
  });

});

describe('history charts', () => {
  const point = (minute: number, requests: number | null, rss: number | null = null): HistoryPoint => ({
    t: new Date(Date.UTC(2026, 0, 1, 9, minute)).toISOString(), requests, errors5xx: requests === null ? null : 1, errors4xx: requests === null ? null : 2,
    p95Ms: null, rssBytes: rss, heapUsedBytes: null, storeLatencyMs: null,
  });

  it('turns points into labels and series, with gaps where the server was not running', () => {
    const points = [point(0, 5, 3 * MEBIBYTE), point(1, null), point(2, 7, 1.5 * MEBIBYTE)];
    expect(minuteLabels(points, 'en-GB')).toHaveLength(3);
    expect(minuteLabels(points, 'en-GB')[0]).toMatch(/^\d\d:00$/);
    expect(figure(points, 'requests')).toEqual([5, null, 7]);
    expect(figure(points, 'rssBytes', MEBIBYTE)).toEqual([3, null, 1.5]);
    expect(totals(points)).toEqual({ requests: 12, errors5xx: 2, errors4xx: 4 });
  });
});

describe('log lines', () => {
  it('accepts the contract shape and raw pino lines', () => {
    expect(normalizeLogLine({ time: '2026-01-01T00:00:00.000Z', level: 'warn', msg: 'x' })?.level).toBe('warn');
    const pino = normalizeLogLine({ time: 0, level: 50, msg: 'failed', reqId: 'r1' });
    expect(pino).toMatchObject({ level: 'error', time: '1970-01-01T00:00:00.000Z', reqId: 'r1' });
    expect(normalizeLogLine({ level: 'loud', msg: 'x' })).toBeNull();
    expect(normalizeLogLine('text')).toBeNull();
  });

  it('filters by minimum level and by text in the message or any extra field', () => {
    const line = { time: '', level: 'info' as const, msg: 'database created from the console', db: 'shop42' };
    expect(matchesFilter(line, '', '')).toBe(true);
    expect(matchesFilter(line, 'warn', '')).toBe(false);
    expect(matchesFilter(line, 'debug', 'SHOP42')).toBe(true);
    expect(matchesFilter(line, '', 'absent')).toBe(false);
    expect(extraText(line)).toBe('db=shop42');
  });

  it('keeps only the newest lines', () => {
    expect(appendCapped([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
  });
});

describe('password rules', () => {
  it('matches the server limits and requires both entries to agree', () => {
    expect(passwordProblems('correct horse', 'correct horse')).toEqual([]);
    expect(passwordProblems('short', 'short')).toEqual(['tooShort']);
    expect(passwordProblems('x'.repeat(73), 'x'.repeat(73))).toEqual(['tooLong']);
    expect(passwordProblems('          ', '          ')).toEqual(['onlySpaces']);
    expect(passwordProblems('long enough', 'long enougH')).toEqual(['mismatch']);
  });
});

describe('settings form', () => {
  const fields = [
    field({ key: 'PORT', kind: 'number', value: '8081', defaultValue: '8081' }),
    field({ key: 'LOG_LEVEL', group: 'logs', kind: 'enum', enumValues: ['info', 'debug'], value: null, defaultValue: 'info' }),
    field({ key: 'HTTPS_ENABLED', kind: 'boolean', value: 'false', defaultValue: 'false' }),
    field({ key: 'DB_PASSWORD', group: 'database', secret: true, value: '••••••' }),
  ];

  it('groups in schema order and picks a control per kind', () => {
    expect(groupFields(fields).map((g) => [g.name, g.fields.map((f) => f.key)])).toEqual([
      ['server', ['PORT', 'HTTPS_ENABLED']], ['logs', ['LOG_LEVEL']], ['database', ['DB_PASSWORD']],
    ]);
    expect(fields.map(controlFor)).toEqual(['number', 'select', 'checkbox', 'password']);
  });

  it('sends only what changed; never echoes a masked secret', () => {
    const draft = initialDraft(fields);
    expect(draft.DB_PASSWORD).toBe('');
    expect(changedValues(fields, draft, new Set())).toEqual({});
    draft.PORT = 'abc';
    draft.LOG_LEVEL = 'debug';
    expect(changedValues(fields, draft, new Set())).toEqual({ PORT: 'abc', LOG_LEVEL: 'debug' });
    draft.PORT = '';
    draft.DB_PASSWORD = 'new secret';
    expect(changedValues(fields, draft, new Set(['DB_PASSWORD']))).toEqual({ PORT: null, LOG_LEVEL: 'debug', DB_PASSWORD: 'new secret' });
  });
});

describe('Integram user rules in the console', () => {
  it('agree with the server on logins and passwords', () => {
    expect(INTEGRAM_LOGIN_RULE.source).toBe(LOGIN_RULE.source);
    for (const [password, login] of [['Ivan-pass-1', 'ivan'], ['short1', 'ivan'], ['onlyletters', 'ivan'], ['12345678', 'ivan'], ['Ivan12345', 'ivan12345'], ['Пароль-123', 'ivan']]) {
      expect(integramPasswordOk(password, login), password).toBe(serverPasswordProblems(password, login).length === 0);
    }
  });
});
