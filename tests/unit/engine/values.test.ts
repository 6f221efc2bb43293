/** Pure engine rules: column attributes, value normalisation and display, PHP casts and escaping. */
import { describe, expect, it } from 'vitest';
import { buildAttrs, parseAttrs, setAttrAlias, toggleAttrFlag } from '../../../server/engine/attrs.js';
import { builtIn, formatVal, formatView, type FormatEnv } from '../../../server/engine/format.js';
import { htmlentities, htmlspecialchars, looseNotZero, toInt, toFloat } from '../../../server/engine/php.js';

const env: FormatEnv = {
  nowSec: Date.UTC(2026, 10, 26, 11, 0, 0) / 1000, tzone: 0, user: 'tester', userId: '1012', role: 'admin', roleId: '145',
  remoteAddr: '127.0.0.1', host: 'localhost', uri: '/my', userAgent: 'ua', referer: '', warn: () => undefined,
};

describe('column attributes (both encodings)', () => {
  it('reads legacy markers and the remainder as default', () => {
    const a = parseAttrs(':!NULL::MULTI::ALIAS=Client::KEY:164');
    expect(a).toMatchObject({ required: true, multi: true, key: true, alias: 'Client', default: '164' });
  });
  it('reads JSON with aliases of the keys and keeps unknown keys first', () => {
    const a = parseAttrs('{"x":1,"notNull":"yes","defaultValue":"[TODAY]"}');
    expect(a).toMatchObject({ required: true, default: '[TODAY]' });
    expect(setAttrAlias('{"x":1,"notNull":"yes"}', 'A')).toBe('{"x":1,"required":true,"alias":"A"}');
  });
  it('toggling converts legacy markers into JSON; empty set is ""', () => {
    expect(toggleAttrFlag(':!NULL:164', 'multi')).toBe('{"required":true,"multi":true,"default":"164"}');
    expect(toggleAttrFlag('{"required":true}', 'required')).toBe('');
    expect(buildAttrs('', false, true, null, false)).toBe('{"multi":true}');
  });
});

describe('value normalisation (Format_Val) and display (Format_Val_View)', () => {
  it('reads a text that is no date as the current month\'s day 0 (the day before the 1st), as PHP does', () => {
    // the defaults of the user table's Activity and Дата columns: PHP answered these (php-cli, UTC)
    expect(formatVal('DATE', 'Дата', env)).toBe('20261100');
    expect(formatVal('DATETIME', 'Activity', env)).toBe(String(Date.UTC(2026, 9, 31) / 1000));
    expect(formatVal('DATETIME', '2026-12-00', env)).toBe('1795996800');
    expect(formatVal('DATETIME', '00.12.2026', env)).toBe('1795996800');
  });
  it('dates', () => {
    expect(formatVal('DATE', '1993-05-17', env)).toBe('19930517');
    expect(formatVal('DATE', '17.05.1980', env)).toBe('19800517');
    expect(formatVal('DATE', '5/3', env)).toBe('20260305');
    expect(formatView('DATE', '19930517', env, true)).toBe('17.05.1993');
  });
  it('datetimes are Unix seconds minus the user shift', () => {
    expect(formatVal('DATETIME', '2024-01-02 03:04:05', env)).toBe('1704164645');
    expect(formatVal('DATETIME', '2025-12-31T23:59', env)).toBe('1767225540');
    expect(formatVal('DATETIME', '1704164645', { ...env, tzone: 3600 })).toBe('1704161045');
  });
  it('numbers keep the original text when the cast gives 0', () => {
    expect(formatVal('NUMBER', '1 234', env)).toBe('1234');
    expect(formatVal('NUMBER', 'abc', env)).toBe('abc');
    expect(formatVal('SIGNED', '-3,75', env)).toBe('-3.75');
    expect(formatView('SIGNED', '12.5', env, true)).toBe('12.50');
    expect(formatView('SIGNED', '7', env, true)).toBe('7.00');
    expect(formatView('NUMBER', 'abc', env, true)).toBe('0');
  });
  it('booleans and passwords', () => {
    expect(['', '0', 'false', '-1', ' ', 'x'].map((v) => formatVal('BOOLEAN', v, env))).toEqual(['', '', '', '', '', '1']);
    expect(formatView('BOOLEAN', '1', env, true)).toBe('X');
    expect(formatView('PWD', 'abc', env, true)).toBe('******');
  });
  it('built-ins', () => {
    expect(builtIn('[TODAY]', env)).toBe('26.11.2026');
    expect(builtIn('[USER]', env)).toBe('tester');
    expect(builtIn('[NOPE]', env)).toBe('[NOPE]');
  });
});

describe('PHP runtime rules', () => {
  it('casts and loose comparison', () => {
    expect([toInt('12abc'), toInt('abc'), toInt(' 7'), toFloat('1e3')]).toEqual([12, 0, 7, 1000]);
    expect([looseNotZero('abc'), looseNotZero('0'), looseNotZero('0.0'), looseNotZero('')]).toEqual([true, false, false, true]);
  });
  it('escaping', () => {
    expect(htmlspecialchars(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#039;&amp;&#039;&lt;/a&gt;');
    expect(htmlentities("x'é")).toBe('x&#039;&eacute;');
    // the whole HTML 4.01 table, not only Latin-1 (recorded: dml-corners.jsonl, m_new_all_entities)
    expect(htmlentities('a — b “c” € ™ α Ω → ∑ ♥ ‹ ◊ ⌈')).toBe('a &mdash; b &ldquo;c&rdquo; &euro; &trade; &alpha; &Omega; &rarr; &sum; &hearts; &lsaquo; &loz; &lceil;');
    // characters without a name stay as they are (Cyrillic, №, emoji)
    expect(htmlentities('ёлка № 😀')).toBe('ёлка № 😀');
  });
});
