/**
 * The two narrow rules of the golden replay for recorded errors (docs/testing-fixtures.md,
 * "Recorded errors"): they accept only our worded answer in the recorded place, nothing else.
 */
import { describe, expect, it } from 'vitest';
import { isUndefinedFunctionFatal, maskQueryErrors, type Exchange } from '../../golden/replay.js';

const SQL_ERROR = "Couldn't execute query [Request report data] You have an error … (SELECT   as 'order_html' FROM rep1 a1020 …)";

describe('SQL error as data', () => {
  it('masks our report error where the engine put its SQL error, and nothing else', () => {
    const [e, a] = maskQueryErrors([{ order_html: SQL_ERROR, other: 'x' }], [{ order_html: 'Ошибка в отчёте r: неизвестная функция CONCAT', other: 'y' }]);
    expect(e).toEqual([{ order_html: '<query error>', other: 'x' }]);
    expect(a).toEqual([{ order_html: '<query error>', other: 'y' }]);
  });

  it('does not accept an answer with SQL in it, another wording, or a different place', () => {
    const leaky = maskQueryErrors([{ c: SQL_ERROR }], [{ c: 'Ошибка в отчёте r: SELECT x FROM rep1' }]);
    expect(leaky[1]).toEqual([{ c: 'Ошибка в отчёте r: SELECT x FROM rep1' }]);
    const other = maskQueryErrors([{ c: SQL_ERROR }], [{ c: 'Internal error' }]);
    expect(other[0]).toEqual([{ c: SQL_ERROR }]);
    const moved = maskQueryErrors([{ c: SQL_ERROR }], [{ d: 'Ошибка в отчёте r: x' }]);
    expect(moved[0]).toEqual([{ c: SQL_ERROR }]);
    // an answer that is not a recorded SQL error is never masked
    expect(maskQueryErrors(['Alice'], ['Ошибка в отчёте r: x'])).toEqual([['Alice'], ['Ошибка в отчёте r: x']]);
  });
});

describe('PHP fatal of an undefined function', () => {
  const exchange = (message: string, status = 500): Exchange => ({
    seq: 1, name: 'x', method: 'GET', url: '/', headers: {}, body: null, status, response_headers: {}, response_is_json: true,
    response: { error: 'PHP Fatal error', message, file: '/tmp/index.php', line: 1, time_limit: 30 },
  });
  const fatal = exchange('Uncaught Error: Call to undefined function abn_DATE2STR() in /tmp/index.php:4357\nStack trace: …');

  it('accepts our 501 naming the function', () => {
    expect(isUndefinedFunctionFatal(fatal, 501, [{ error: 'Функция abn_DATE2STR в отчётах не поддерживается (колонка d)' }])).toBe(true);
  });

  it('refuses another status, another function, a stack or file, and other fatals', () => {
    expect(isUndefinedFunctionFatal(fatal, 500, [{ error: 'Функция abn_DATE2STR …' }])).toBe(false);
    expect(isUndefinedFunctionFatal(fatal, 501, [{ error: 'Функция abn_NUM2STR …' }])).toBe(false);
    expect(isUndefinedFunctionFatal(fatal, 501, [{ error: 'abn_DATE2STR in /tmp/index.php' }])).toBe(false);
    expect(isUndefinedFunctionFatal(fatal, 501, [{ error: 'abn_DATE2STR Stack trace' }])).toBe(false);
    expect(isUndefinedFunctionFatal(exchange('Allowed memory size exhausted'), 501, [{ error: 'x' }])).toBe(false);
    expect(isUndefinedFunctionFatal(exchange('Call to undefined function f()', 200), 501, [{ error: 'f' }])).toBe(false);
  });
});

describe('a body that is not UTF-8 (response_base64)', () => {
  it('is compared byte for byte: one Windows-1251 letter for another is a mismatch although both decode to U+FFFD', async () => {
    const { createServer } = await import('node:http');
    const { replay } = await import('../../golden/replay.js');
    const server = createServer((_req, res) => res.end(Buffer.from([0xd2, 0x3b, 0x0a])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const exchange = (bytes: number[]): Exchange => ({
      seq: 1, name: 'csv', method: 'GET', url: '/', headers: {}, body: null, status: 200, response_headers: {}, response_is_json: false,
      response: Buffer.from(bytes).toString('utf8'), response_base64: Buffer.from(bytes).toString('base64'),
    });
    try {
      expect((await replay(`http://127.0.0.1:${port}`, [exchange([0xd2, 0x3b, 0x0a])])).mismatches).toEqual([]);
      const other = await replay(`http://127.0.0.1:${port}`, [exchange([0xd3, 0x3b, 0x0a])]);
      expect(other.mismatches[0]?.problems.join(' ')).toMatch(/^bytes: expected d33b0a got d23b0a/);
    } finally {
      server.close();
    }
  });
});
