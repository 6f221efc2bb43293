/**
 * SQL dialect differences between MySQL/MariaDB and PGlite (Postgres), kept in one place.
 *
 * Text comparisons must behave like MySQL's utf8mb4_unicode_ci for Latin and Cyrillic.
 * MySQL gets that from the column collation. Postgres compares lower()-ed text: the
 * PGlite cluster's ctype is C.UTF-8, so lower() folds Cyrillic and other letters too;
 * the t_val index is on (t, lower(left(val,191))) and equality adds that prefix test so
 * the index serves it. Ordering uses lower(val) under ICU's root collation when the
 * build has it (punctuation < digits < Latin < Cyrillic, like UCA), else code points.
 * See server/storage/README.md.
 */
import type { DriverName } from '../types.js';

export type CompareOp = '<' | '<=' | '>' | '>=';

/** Collects bound values and hands out placeholders in the dialect's style. */
export class Params {
  readonly values: unknown[] = [];
  constructor(private readonly style: 'dollar' | 'question') {}
  /** the placeholder for `value`; a dollar placeholder may be used more than once */
  add(value: unknown): string {
    this.values.push(value);
    return this.style === 'dollar' ? `$${this.values.length}` : '?';
  }
}

export interface Dialect {
  readonly name: DriverName;
  newParams(): Params;
  quote(identifier: string): string;
  textEq(expr: string, value: string, p: Params): string;
  textIn(expr: string, values: string[], p: Params): string;
  textCompare(expr: string, op: CompareOp, value: string, p: Params): string;
  textLike(expr: string, pattern: string, p: Params): string;
  regexp(expr: string, pattern: string, p: Params): string;
  /** expression to ORDER BY for a text value */
  textOrderKey(expr: string): string;
  /** the text itself under the order collation (for MIN/MAX, which must return the value, not a key) */
  textCollated(expr: string): string;
  /** the text as a number, MySQL style ('12abc' → 12, 'abc' → 0), never an error */
  number(expr: string): string;
  /** appended to an ORDER BY key so NULL sorts first ascending, as in MySQL */
  nullsOrder(desc: boolean): string;
  /** the largest value the integer columns hold (a bigger one in a WHERE can only match nothing) */
  readonly maxInt: number;
  /** after `FROM table r` of a page `t = ? AND up = ? ORDER BY id`: read it in id order from the (t, up) index */
  readonly idOrderFromTypeIndex: string;
  /** listPage returns its records and cells as two JSON texts instead of one row per cell (see SqlTenantStore.listPage) */
  readonly listPageAsJson: boolean;
}

/** the smallest value of the integer columns (ord is a signed INT) */
export const MIN_INT = -2147483648;

/** Safe integer literal for LIMIT/OFFSET (validated, then inlined). */
export function intLiteral(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`invalid limit/offset ${n}`);
  return String(n);
}

export const mysqlDialect: Dialect = {
  name: 'mysql',
  newParams: () => new Params('question'),
  quote: (identifier) => '`' + identifier.replace(/`/g, '``') + '`',
  textEq: (expr, value, p) => `${expr} = ${p.add(value)}`,
  textIn: (expr, values, p) =>
    values.length === 0 ? '1 = 0' : `${expr} IN (${values.map((v) => p.add(v)).join(', ')})`,
  textCompare: (expr, op, value, p) => `${expr} ${op} ${p.add(value)}`,
  textLike: (expr, pattern, p) => `${expr} LIKE ${p.add(pattern)}`,
  regexp: (expr, pattern, p) => `${expr} REGEXP ${p.add(pattern)}`,
  textOrderKey: (expr) => expr,
  textCollated: (expr) => expr,
  // string + 0 is MySQL's own text-to-number cast: leading number or 0, a warning at most
  number: (expr) => `(${expr} + 0)`,
  nullsOrder: () => '',
  maxInt: 4294967295,
  // InnoDB's t_up/up_t end in the primary key, so t = ? AND up = ? comes out in id order. Left
  // alone, MariaDB walks the primary key instead, guessing the type's records are spread evenly:
  // a type added after 60,000 other rows cost 60,000 index reads for a page of 20 (36 ms)
  idOrderFromTypeIndex: ' IGNORE INDEX FOR ORDER BY (PRIMARY)',
  // JSON_ARRAYAGG costs MariaDB more CPU than the joined rows cost node to parse
  listPageAsJson: false,
};

/** Prefix length of the t_val index, as in the PHP schema's val(191). */
export const VAL_PREFIX = 191;

export function pgDialect(orderCollation: string): Dialect {
  const quote = (identifier: string) => '"' + identifier.replace(/"/g, '""') + '"';
  const folded = (expr: string) => `lower(${expr})`;
  const foldedPrefix = (expr: string) => `lower(left(${expr}, ${VAL_PREFIX}))`;
  return {
    name: 'pglite',
    newParams: () => new Params('dollar'),
    quote,
    textEq: (expr, value, p) => {
      const ph = p.add(value);
      return `(${foldedPrefix(expr)} = ${foldedPrefix(ph + '::text')} AND ${folded(expr)} = ${folded(ph + '::text')})`;
    },
    textIn: (expr, values, p) => {
      if (values.length === 0) return '1 = 0';
      const phs = values.map((v) => p.add(v) + '::text');
      return `(${foldedPrefix(expr)} IN (${phs.map(foldedPrefix).join(', ')}) AND ${folded(expr)} IN (${phs.map(folded).join(', ')}))`;
    },
    textCompare: (expr, op, value, p) =>
      `${folded(expr)} COLLATE ${quote(orderCollation)} ${op} ${folded(p.add(value) + '::text')}`,
    textLike: (expr, pattern, p) => `${folded(expr)} LIKE ${folded(p.add(pattern) + '::text')}`,
    regexp: (expr, pattern, p) => `${expr} ~* ${p.add(pattern)}::text`,
    textOrderKey: (expr) => `${folded(expr)} COLLATE ${quote(orderCollation)}`,
    textCollated: (expr) => `${expr} COLLATE ${quote(orderCollation)}`,
    number: (expr) => `integram_num(${expr})`,
    nullsOrder: (desc) => (desc ? ' NULLS LAST' : ' NULLS FIRST'),
    maxInt: 2147483647,
    // the (t, up, id) index serves it; the planner finds that itself once the table is analyzed
    idOrderFromTypeIndex: '',
    // PGlite parses every field of a result in JavaScript: two JSON texts cost a fraction of the joined rows
    listPageAsJson: true,
  };
}
