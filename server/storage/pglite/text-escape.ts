/**
 * Postgres text cannot hold U+0000, MySQL text can (and the PHP engine stores whatever it is
 * given). So text crosses into PGlite escaped: U+0000 → U+FFFF '0', U+FFFF → U+FFFF U+FFFF.
 * The mapping is injective and applied to every string parameter, so equality, IN and LIKE
 * still compare correctly; results are unescaped.
 */
const ESCAPE = '\uFFFF';
const NUL = '\u0000';

export function escapePgText(value: string): string {
  if (!value.includes(NUL) && !value.includes(ESCAPE)) return value;
  return value.replaceAll(ESCAPE, ESCAPE + ESCAPE).replaceAll(NUL, `${ESCAPE}0`);
}

export function unescapePgText(value: string): string {
  if (!value.includes(ESCAPE)) return value;
  return value.replace(/\uFFFF([0\uFFFF])/g, (_, c: string) => (c === '0' ? NUL : ESCAPE));
}

export function escapeParams(params: readonly unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'string' ? escapePgText(p) : p));
}

export function unescapeRow<T extends Record<string, unknown>>(row: T): T {
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (typeof value === 'string' && value.includes(ESCAPE)) (row as Record<string, unknown>)[key] = unescapePgText(value);
  }
  return row;
}
