/**
 * The report statement compiler (server/storage/sql/report.ts): every value of a report reaches
 * the database as a bound parameter in both dialects, and queries the engine should never build
 * are refused before any SQL is run.
 */
import { describe, expect, it } from 'vitest';
import { mysqlDialect, pgDialect } from '../../../server/storage/sql/dialect.js';
import { InvalidReportQuery, reportCountSql, reportRowsSql } from '../../../server/storage/sql/report.js';
import type { ReportExpr, ReportQuery } from '../../../server/storage/types.js';

const HOSTILE = "x'; DROP TABLE rep1; -- \\' \" ` /*";

function query(overrides: Partial<ReportQuery> = {}): ReportQuery {
  return {
    tables: [{ typeId: 1020 }, { typeId: 1019, from: { table: 0, link: { kind: 'ref', reqId: 1029 } } }],
    select: [
      { kind: 'record', table: 0, part: 'val' },
      { kind: 'record', table: 1, part: 'val' },
      { kind: 'call', fn: 'UPPER', args: [{ kind: 'text', value: HOSTILE }] },
    ],
    where: [
      { kind: 'binary', op: '=', left: { kind: 'record', table: 1, part: 'val' }, right: { kind: 'text', value: HOSTILE } },
      { kind: 'like', arg: { kind: 'cell', table: 0, reqId: 1030 }, pattern: { kind: 'text', value: `%${HOSTILE}%` }, negate: false },
    ],
    having: [{ kind: 'binary', op: '<>', left: { kind: 'result', column: 2 }, right: { kind: 'text', value: HOSTILE } }],
    order: [{ column: 1, desc: true, numeric: false }],
    tieTables: [0],
    limit: 5,
    offset: 2,
    ...overrides,
  };
}

for (const dialect of [mysqlDialect, pgDialect('und-x-icu')]) {
  describe(`report SQL on ${dialect.name}`, () => {
    it('binds every text value as a parameter, in the order of its placeholders', () => {
      const p = dialect.newParams();
      const sql = reportRowsSql(dialect, dialect.quote('rep1'), query(), p);
      expect(sql).not.toContain('DROP');
      expect(sql).not.toContain(HOSTILE);
      expect(p.values).toEqual([HOSTILE, HOSTILE, `%${HOSTILE}%`, HOSTILE]);
      const placeholders = dialect.name === 'mysql' ? (sql.match(/\?/g) ?? []).length : new Set(sql.match(/\$\d+/g)).size;
      expect(placeholders).toBe(p.values.length);
      expect(sql).toMatch(/LIMIT 5 OFFSET 2$/);
    });

    it('counts without limit, order or tie columns', () => {
      const p = dialect.newParams();
      const sql = reportCountSql(dialect, dialect.quote('rep1'), query(), p);
      expect(sql).toMatch(/^SELECT COUNT\(\*\) AS n FROM/);
      expect(sql).not.toMatch(/LIMIT|ORDER BY|AS k0/);
      expect(p.values).toEqual([HOSTILE, HOSTILE, `%${HOSTILE}%`, HOSTILE]);
    });

    it('MOD, NULLIF and GREATEST bind their arguments in the order their placeholders come, each as often as it is used', () => {
      const n = (value: number): ReportExpr => ({ kind: 'number', value });
      const select: ReportExpr[] = [
        { kind: 'call', fn: 'MOD', args: [n(7), n(3)] },
        { kind: 'call', fn: 'NULLIF', args: [n(5), n(6)] },
        { kind: 'call', fn: 'GREATEST', args: [n(8), n(9)] },
      ];
      const p = dialect.newParams();
      const sql = reportRowsSql(dialect, dialect.quote('rep1'), query({ select, where: [], having: [], order: [] }), p);
      // the statement with each placeholder replaced by its value reads as the functions were written
      let next = 0;
      const filled = (dialect.name === 'mysql' ? sql.replace(/\?/g, () => String(p.values[next++])) : sql.replace(/\$(\d+)/g, (_, i: string) => String(p.values[Number(i) - 1])))
        .replace(/::float8/g, '');
      expect(filled).toContain(`CASE WHEN 3 = 0 THEN NULL ELSE 7 - 3 * ${dialect.name === 'mysql' ? 'TRUNCATE(7 / 3, 0)' : 'TRUNC(7 / 3)'} END`);
      expect(filled).toContain('CASE WHEN (5 = 6) THEN NULL ELSE 5 END');
      expect(filled).toContain('CASE WHEN 8 IS NULL OR 9 IS NULL THEN NULL ELSE GREATEST(8, 9) END');
    });

    it('binds a REGEXP pattern as a parameter (REGEXP on MySQL, case-insensitive ~* on Postgres)', () => {
      const p = dialect.newParams();
      const regexp: ReportExpr = { kind: 'regexp', arg: { kind: 'cell', table: 0, reqId: 1030 }, pattern: HOSTILE, negate: true };
      const sql = reportRowsSql(dialect, dialect.quote('rep1'), query({ where: [regexp], having: [], order: [], select: [{ kind: 'record', table: 0, part: 'val' }] }), p);
      expect(sql).not.toContain(HOSTILE);
      expect(p.values).toEqual([HOSTILE]);
      expect(sql).toContain(dialect.name === 'mysql' ? 'REGEXP ?' : '~* $1');
      expect(sql).toMatch(/\(NOT \(/);
    });

    it('the request\'s i<table> (mainRecord) is the one condition on the main table, an id literal', () => {
      const p = dialect.newParams();
      const sql = reportRowsSql(dialect, dialect.quote('rep1'), query({ where: [], having: [], mainRecord: 1042 }), p);
      expect(sql).toContain('t0.id = 1042');
      expect(sql).not.toContain('t0.up <> 0');
      expect(() => reportRowsSql(dialect, dialect.quote('rep1'), query({ mainRecord: -1 }), dialect.newParams())).toThrow(InvalidReportQuery);
    });

    it('groups by the values that are not aggregates', () => {
      const p = dialect.newParams();
      const sql = reportRowsSql(dialect, dialect.quote('rep1'), query({
        select: [{ kind: 'record', table: 1, part: 'val' }, { kind: 'call', fn: 'SUM', args: [{ kind: 'cell', table: 0, reqId: 1030 }] }],
        where: [], having: [], order: [],
      }), p);
      // Postgres groups text by its case-insensitive key, MySQL's collation does that by itself
      expect(sql).toContain(dialect.name === 'mysql' ? 'GROUP BY 1' : 'GROUP BY lower(t1.val)');
      expect(sql).not.toContain('AS k0');
    });

    it('compiles a report of calculated columns only to one row read from no table (the engine\'s FROM dual)', () => {
      const p = dialect.newParams();
      const sql = reportRowsSql(dialect, dialect.quote('rep1'), query({
        tables: [], tieTables: [], having: [], order: [], limit: undefined, offset: undefined,
        select: [{ kind: 'binary', op: '/', left: { kind: 'number', value: 500 }, right: { kind: 'number', value: 2 } }, { kind: 'text', value: HOSTILE }],
        where: [{ kind: 'binary', op: '>', left: { kind: 'number', value: 1 }, right: { kind: 'number', value: 0 } }],
      }), p);
      expect(sql).toContain('FROM (SELECT 1 AS one) t0');
      expect(sql).not.toContain(dialect.quote('rep1'));
      expect(sql).not.toContain(HOSTILE);
      expect(p.values).toEqual([500, 2, HOSTILE, 1, 0]);
      // a table-less query has no record to break ties by
      expect(() => reportRowsSql(dialect, dialect.quote('rep1'), query({ tables: [], tieTables: [0], select: [], where: [], having: [], order: [] }), dialect.newParams())).toThrow(InvalidReportQuery);
    });

    it('refuses queries the engine never builds', () => {
      const build = (q: ReportQuery) => () => reportRowsSql(dialect, dialect.quote('rep1'), q, dialect.newParams());
      expect(build(query({ tables: [] }))).toThrow(InvalidReportQuery);
      expect(build(query({ select: [{ kind: 'record', table: 7, part: 'val' }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ where: [{ kind: 'result', column: 0 }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ select: [{ kind: 'cell', table: 0, reqId: -1 }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ select: [{ kind: 'number', value: Number.NaN }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ tables: [{ typeId: 1020 }, { typeId: 1.5, from: { table: 0, link: { kind: 'child' } } }] }))).toThrow(InvalidReportQuery);
    });

    it("joins a FROM record's table by its JOIN ON, with the cells it reads joined before it and its values bound in text order", () => {
      const p = dialect.newParams();
      const cond: ReportExpr = {
        kind: 'binary', op: 'AND',
        left: { kind: 'binary', op: '=', left: { kind: 'record', table: 1, part: 'val' }, right: { kind: 'cell', table: 0, reqId: 1024 } },
        right: { kind: 'binary', op: '<>', left: { kind: 'record', table: 1, part: 'val' }, right: { kind: 'text', value: HOSTILE } },
      };
      const sql = reportRowsSql(dialect, dialect.quote('rep1'), query({
        tables: [{ typeId: 1019 }, { typeId: 1018, from: { table: 0, link: { kind: 'on', cond } } }],
        select: [{ kind: 'call', fn: 'UPPER', args: [{ kind: 'text', value: 'first' }] }, { kind: 'record', table: 1, part: 'val' }],
        where: [{ kind: 'binary', op: '=', left: { kind: 'record', table: 0, part: 'val' }, right: { kind: 'text', value: 'last' } }],
        having: [], order: [],
      }), p);
      expect(sql).not.toContain(HOSTILE);
      // select, then the JOIN ON, then the WHERE: the order of MySQL's `?` placeholders
      expect(p.values).toEqual(['first', HOSTILE, 'last']);
      const cell = sql.indexOf(' v0 ON');
      const joined = sql.indexOf('t1.t = 1018 AND');
      expect(cell).toBeGreaterThan(0);
      expect(joined).toBeGreaterThan(cell);
    });

    it('refuses a JOIN ON that reads a later table, a cell of its own table or an aggregate', () => {
      const on = (cond: ReportExpr): ReportQuery => query({
        tables: [{ typeId: 1019 }, { typeId: 1018, from: { table: 0, link: { kind: 'on', cond } } }, { typeId: 1017, from: { table: 0, link: { kind: 'child' } } }],
        select: [{ kind: 'record', table: 0, part: 'val' }], where: [], having: [], order: [],
      });
      const build = (q: ReportQuery) => () => reportRowsSql(dialect, dialect.quote('rep1'), q, dialect.newParams());
      expect(build(on({ kind: 'binary', op: '=', left: { kind: 'record', table: 1, part: 'id' }, right: { kind: 'record', table: 2, part: 'up' } }))).toThrow(InvalidReportQuery);
      expect(build(on({ kind: 'binary', op: '=', left: { kind: 'record', table: 0, part: 'val' }, right: { kind: 'cell', table: 1, reqId: 1027 } }))).toThrow(InvalidReportQuery);
      expect(build(on({ kind: 'binary', op: '=', left: { kind: 'record', table: 1, part: 'val' }, right: { kind: 'countAll' } }))).toThrow(InvalidReportQuery);
    });

    it('CONCAT is NULL when a part is NULL; CONCAT_WS skips it; functions take the arguments they take', () => {
      const p = dialect.newParams();
      const sql = reportRowsSql(dialect, dialect.quote('rep1'), query({
        select: [
          { kind: 'call', fn: 'CONCAT', args: [{ kind: 'record', table: 0, part: 'val' }, { kind: 'number', value: 2 }] },
          { kind: 'call', fn: 'CONCAT_WS', args: [{ kind: 'text', value: '|' }, { kind: 'record', table: 0, part: 'val' }] },
        ],
        where: [], having: [], order: [],
      }), p);
      expect(sql).toContain(dialect.name === 'mysql' ? 'CONCAT(t0.val, CAST(' : '(t0.val || (');
      expect(sql).toContain('CONCAT_WS(');
      const build = (q: ReportQuery) => () => reportRowsSql(dialect, dialect.quote('rep1'), q, dialect.newParams());
      expect(build(query({ select: [{ kind: 'call', fn: 'IF', args: [{ kind: 'number', value: 1 }] }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ select: [{ kind: 'call', fn: 'LEFT', args: [{ kind: 'text', value: 'x' }] }] }))).toThrow(InvalidReportQuery);
    });
  });
}
