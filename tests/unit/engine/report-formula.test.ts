/**
 * The report formula grammar (server/engine/report-formula.ts): what it accepts, and that text
 * from the classic SQL-injection families is refused with an error naming the token.
 */
import { describe, expect, it } from 'vitest';
import { FormulaError, isBareName, parseFormula } from '../../../server/engine/report-formula.js';

describe('report formula grammar', () => {
  it('parses arithmetic with the usual precedence', () => {
    expect(parseFormula('amt*qn + 1')).toEqual({
      kind: 'binary', op: '+',
      left: { kind: 'binary', op: '*', left: { kind: 'name', name: 'amt' }, right: { kind: 'name', name: 'qn' } },
      right: { kind: 'number', value: 1 },
    });
    expect(parseFormula('-(a - 2) / 4')).toEqual({
      kind: 'binary', op: '/',
      left: { kind: 'neg', arg: { kind: 'binary', op: '-', left: { kind: 'name', name: 'a' }, right: { kind: 'number', value: 2 } } },
      right: { kind: 'number', value: 4 },
    });
  });

  it('parses the qualified names of a JOIN ON (a<key>.<part>), one dot only', () => {
    expect(parseFormula('abu.val=a1024.val AND a1018.id > 0')).toEqual({
      kind: 'binary', op: 'AND',
      left: { kind: 'binary', op: '=', left: { kind: 'name', name: 'abu.val' }, right: { kind: 'name', name: 'a1024.val' } },
      right: { kind: 'binary', op: '>', left: { kind: 'name', name: 'a1018.id' }, right: { kind: 'number', value: 0 } },
    });
    expect(() => parseFormula('a.b.c = 1')).toThrow(FormulaError);
    expect(() => parseFormula('a1018. val = 1')).toThrow(FormulaError);
  });

  it('parses [THIS], functions, COUNT(*) and strings with doubled quotes', () => {
    expect(parseFormula('LOWER([THIS])')).toEqual({ kind: 'call', name: 'LOWER', args: [{ kind: 'this' }] });
    expect(parseFormula('lower([this])')).toEqual({ kind: 'call', name: 'lower', args: [{ kind: 'this' }] });
    expect(parseFormula('COUNT(*)')).toEqual({ kind: 'call', name: 'COUNT', args: [{ kind: 'star' }] });
    expect(parseFormula("ROUND(x, 2)")).toEqual({ kind: 'call', name: 'ROUND', args: [{ kind: 'name', name: 'x' }, { kind: 'number', value: 2 }] });
    expect(parseFormula("'it''s'")).toEqual({ kind: 'text', value: "it's" });
    expect(parseFormula('"say ""hi"""')).toEqual({ kind: 'text', value: 'say "hi"' });
    expect(parseFormula("'a\\'")).toEqual({ kind: 'text', value: 'a\\' });
  });

  it('parses [name] as a sub-report, any text without brackets, and keeps it inside quotes as text', () => {
    expect(parseFormula('amt*100/[total sum]')).toEqual({
      kind: 'binary', op: '/',
      left: { kind: 'binary', op: '*', left: { kind: 'name', name: 'amt' }, right: { kind: 'number', value: 100 } },
      right: { kind: 'report', name: 'total sum' },
    });
    expect(parseFormula('x IN ([Отчёт 1])')).toEqual({ kind: 'in', arg: { kind: 'name', name: 'x' }, list: [{ kind: 'report', name: 'Отчёт 1' }], negate: false });
    expect(parseFormula("'[total]'")).toEqual({ kind: 'text', value: '[total]' });
    expect(parseFormula('[THIS] + [TODAY]')).toEqual({ kind: 'binary', op: '+', left: { kind: 'this' }, right: { kind: 'report', name: 'TODAY' } });
  });

  it('parses comparisons and the boolean forms', () => {
    const amount = { kind: 'name', name: 'amount' };
    expect(parseFormula('amount >= 100 AND NOT city = \'Paris\' OR x IS NOT NULL')).toEqual({
      kind: 'binary', op: 'OR',
      left: {
        kind: 'binary', op: 'AND',
        left: { kind: 'binary', op: '>=', left: amount, right: { kind: 'number', value: 100 } },
        right: { kind: 'not', arg: { kind: 'binary', op: '=', left: { kind: 'name', name: 'city' }, right: { kind: 'text', value: 'Paris' } } },
      },
      right: { kind: 'isNull', arg: { kind: 'name', name: 'x' }, negate: true },
    });
    expect(parseFormula('a != 1')).toMatchObject({ op: '<>' });
    expect(parseFormula("c NOT LIKE '%o%'")).toEqual({ kind: 'like', arg: { kind: 'name', name: 'c' }, pattern: { kind: 'text', value: '%o%' }, negate: true });
    expect(parseFormula('a IN (1, 2)')).toEqual({ kind: 'in', arg: { kind: 'name', name: 'a' }, list: [{ kind: 'number', value: 1 }, { kind: 'number', value: 2 }], negate: false });
    expect(parseFormula('a NOT BETWEEN 1 AND 5')).toEqual({
      kind: 'between', arg: { kind: 'name', name: 'a' }, low: { kind: 'number', value: 1 }, high: { kind: 'number', value: 5 }, negate: true,
    });
    expect(parseFormula('1=1')).toEqual({ kind: 'binary', op: '=', left: { kind: 'number', value: 1 }, right: { kind: 'number', value: 1 } });
  });

  it('reads a spaced double minus as arithmetic', () => {
    expect(parseFormula('a - -1')).toEqual({ kind: 'binary', op: '-', left: { kind: 'name', name: 'a' }, right: { kind: 'neg', arg: { kind: 'number', value: 1 } } });
  });

  it('accepts Cyrillic names', () => {
    expect(parseFormula('сумма * 2')).toMatchObject({ left: { kind: 'name', name: 'сумма' } });
    expect(isBareName('сумма')).toBe(true);
    expect(isBareName(' amt ')).toBe(true);
    expect(isBareName('amt*qn')).toBe(false);
    expect(isBareName('NULL')).toBe(false);
  });

  const refused: [string, RegExp][] = [
    // statement stacking and comments
    ['1=1; DROP TABLE rep1', /недопустимый символ «;»/],
    ['1=1 -- comment', /комментарии недопустимы: «--»/],
    ['1=1 /* x */', /комментарии недопустимы: «\/\*»/],
    ["1=1 --'", /комментарии недопустимы/],
    ['1=1 # x', /недопустимый символ «#»/],
    // tautologies that close a quote
    ["' OR '1'='1", /неожиданный элемент «1»/],
    ["x' OR 1=1 --", /незакрытая строка/],
    // unions and subqueries
    ['amount) UNION SELECT * FROM rep1 (', /неожиданный элемент «\)»/],
    ['(SELECT 1)', /неожиданный элемент «1»/],
    ['a IN (SELECT id FROM rep1)', /неожиданный элемент «id»/],
    // identifiers and system variables
    ['`id` = 1', /недопустимый символ «`»/],
    ['@@version', /недопустимый символ «@»/],
    ['a || 1', /недопустимый символ «\|»/],
    ['a && 1', /недопустимый символ «&»/],
    ['0x41 = a', /неожиданный элемент «x41»/],
    ['a := 1', /недопустимый символ «:»/],
    // `[name]` is a sub-report (report-sub.ts): after a name it is no operator, and a lone `[` no token
    ['a[1]', /неожиданный элемент «\[1\]»/],
    ['a[1', /недопустимый символ «\[»/],
    ['[a[b]]', /недопустимый символ «\[»/],
    ['{fn now()}', /недопустимый символ «\{»/],
    // broken input
    ['', /пустое выражение/],
    ['(1 + 2', /выражение оборвано/],
    ['1 +', /выражение оборвано/],
    ['AND 1', /неожиданный элемент «AND»/],
    ['a IS 1', /неожиданный элемент «1»/],
    ['COUNT(*) + *', /неожиданный элемент «\*»/],
    ['1e999', /слишком большое число/],
  ];
  for (const [text, message] of refused) {
    it(`refuses ${JSON.stringify(text)} with an error naming the token`, () => {
      expect(() => parseFormula(text)).toThrow(FormulaError);
      expect(() => parseFormula(text)).toThrow(message);
    });
  }

  it('refuses texts that are too long or nested too deep, without overflowing the stack', () => {
    expect(() => parseFormula('1+'.repeat(3000) + '1')).toThrow(/слишком длинное выражение/);
    expect(() => parseFormula('('.repeat(200) + '1' + ')'.repeat(200))).toThrow(/слишком глубокая вложенность/);
    expect(() => parseFormula('- '.repeat(500) + '1')).toThrow(/слишком глубокая вложенность/);
    expect(() => parseFormula('NOT '.repeat(500) + '1')).toThrow(/слишком глубокая вложенность/);
  });

  it('keeps function names as written (the planner decides which are allowed)', () => {
    expect(parseFormula('SLEEP(5)')).toEqual({ kind: 'call', name: 'SLEEP', args: [{ kind: 'number', value: 5 }] });
  });
});
