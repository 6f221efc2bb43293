/**
 * The report statement compiler (server/storage/sql/report.ts): every value of a report reaches
 * the database as a bound parameter in both dialects, and queries the engine should never build
 * are refused before any SQL is run.
 */
import { describe, expect, it } from 'vitest';
import { mysqlDialect, pgDialect } from '../../../server/storage/sql/dialect.js';
import { InvalidReportQuery, reportCountSql, reportRowsSql } from '../../../server/storage/sql/report.js';
import type { ReportQuery } from '../../../server/storage/types.js';

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

    it('refuses queries the engine never builds', () => {
      const build = (q: ReportQuery) => () => reportRowsSql(dialect, dialect.quote('rep1'), q, dialect.newParams());
      expect(build(query({ tables: [] }))).toThrow(InvalidReportQuery);
      expect(build(query({ select: [{ kind: 'record', table: 7, part: 'val' }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ where: [{ kind: 'result', column: 0 }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ select: [{ kind: 'cell', table: 0, reqId: -1 }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ select: [{ kind: 'number', value: Number.NaN }] }))).toThrow(InvalidReportQuery);
      expect(build(query({ tables: [{ typeId: 1020 }, { typeId: 1.5, from: { table: 0, link: { kind: 'child' } } }] }))).toThrow(InvalidReportQuery);
    });
  });
}
