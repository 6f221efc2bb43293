/**
 * The two narrow rules of the golden replay for recorded errors (docs/testing-fixtures.md,
 * "Recorded errors"): they accept only our worded answer in the recorded place, nothing else.
 */
import { describe, expect, it } from 'vitest';
import { isUndefinedFunctionFatal, maskQueryErrors, withoutUnreadableColumns, type Exchange } from '../../golden/replay.js';

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

describe('report columns the user may not read', () => {
  const ex = (name: string, url: string, response: unknown, note?: string): Exchange => ({
    seq: 1, name, note, method: 'GET', url, headers: {}, body: null, status: 200, response_headers: {}, response_is_json: true, response,
  });
  const kv = [{ a: '1', secret: 's1' }, { a: '2', secret: 's2' }];

  it('takes the listed columns out of the recorded answer, in every shape', () => {
    expect(withoutUnreadableColumns(ex('kv', '/r/report/5?JSON_KV', kv, 'unreadable report columns: 9:secret'), []).response).toEqual([{ a: '1' }, { a: '2' }]);
    expect(withoutUnreadableColumns(ex('data', '/r/report/5?JSON_DATA', { a: ['1'], secret: ['s'] }, 'unreadable report columns: 9:secret'), []).response).toEqual({ a: ['1'] });
    const json = { columns: [{ id: '8' }, { id: '9' }], data: [['1'], ['s']], header: 'r' };
    expect(withoutUnreadableColumns(ex('json', '/r/report/5?JSON', json, 'unreadable report columns: 9:secret'), []).response).toEqual({ columns: [{ id: '8' }], data: [['1']], header: 'r' });
    const cr = { columns: [{ id: '8' }, { id: '9' }], rows: [{ 8: '1', 9: 's' }], totalCount: 1 };
    expect(withoutUnreadableColumns(ex('cr', '/r/report/5?JSON_CR', cr, 'unreadable report columns: 9:secret'), []).response).toEqual({ columns: [{ id: '8' }], rows: [{ 8: '1' }], totalCount: 1 });
  });

  it('compares with an earlier answer of the same report only, and leaves unnoted exchanges alone', () => {
    const earlier = ex('all', '/r/report/5?JSON_KV', kv);
    const filtered = ex('f', '/r/report/5?JSON_KV&FR_secret=s1', [kv[0]], 'unreadable report columns: 9:secret; compare with all');
    expect(withoutUnreadableColumns(filtered, [earlier]).response).toEqual([{ a: '1' }, { a: '2' }]);
    const otherReport = ex('f', '/r/report/6?JSON_KV', [kv[0]], 'unreadable report columns: 9:secret; compare with all');
    expect(() => withoutUnreadableColumns(otherReport, [earlier])).toThrow(/same report/);
    const plain = ex('p', '/r/report/5?JSON_KV', kv);
    expect(withoutUnreadableColumns(plain, [])).toBe(plain);
  });

  it('refuses a note on anything but a report, and a column the recorded answer lacks', () => {
    expect(() => withoutUnreadableColumns(ex('l', '/r/object/5?JSON_KV', kv, 'unreadable report columns: 9:secret'), [])).toThrow(/report answers only/);
    expect(() => withoutUnreadableColumns(ex('k', '/r/report/5?JSON_KV', kv, 'unreadable report columns: 9:nothere'), [])).toThrow(/not in the recorded answer/);
  });
});
