/**
 * The filter syntax of lists (PHP Construct_WHERE): an F_ value, or a grant mask, turned into a
 * storage predicate on one column.
 */
import type { ListColumn, ValuePredicate } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { builtIn, formatVal } from './format.js';
import { isNumeric, toInt } from './php.js';

/** parse a filter value (PHP Construct_WHERE syntax) into a predicate */
export function parseFilter(raw: string, column: ListColumn, base: string, ctx: RequestContext, numeric: boolean): ValuePredicate | null {
  let value = raw;
  let not = false;
  let cmp: 'ge' | 'le' | 'gt' | 'lt' | null = null;
  if (value.startsWith('!')) {
    not = true;
    value = value.slice(1);
  } else {
    const lt = value.trimStart();
    if (lt.startsWith('>=') || lt.startsWith('<=')) {
      cmp = lt.startsWith('>=') ? 'ge' : 'le';
      value = lt.slice(2);
    } else if (value.trim().startsWith('>') || value.trim().startsWith('<')) {
      cmp = lt.startsWith('>') ? 'gt' : 'lt';
      value = lt.slice(1);
    }
  }
  value = builtIn(value, ctx.formatEnv());
  const upper = value.trim().toUpperCase();
  if (value === '%') return not ? { op: 'absent' } : { op: 'present' };
  if (upper.startsWith('@IN(') && value.trim().endsWith(')')) {
    const ids = value.trim().slice(4, -1).split(',').map((x) => x.trim());
    if (ids.some((x) => !isNumeric(x))) ctx.myDie('Недопустимы нечисловые ID');
    return { op: 'idIn', ids: ids.map(toInt), negate: not };
  }
  if (value.startsWith('@')) return { op: 'idIn', ids: [toInt(value.slice(1).replace(/ /g, ''))], negate: not };
  if (upper.startsWith('IN(') && value.trim().endsWith(')')) {
    const values = value.trim().slice(3, -1).split(',').map((x) => x.trim().replace(/^'(.*)'$/, '$1'));
    return { op: not ? 'notIn' : 'in', values, numeric };
  }
  if (upper.startsWith('REGEXP:')) return { op: 'regexp', pattern: value.trim().slice(7), negate: not };
  if (column.kind !== 'ref' && (base === 'DATE' || base === 'DATETIME') && value !== '' && !value.includes('%')) {
    value = formatVal(base, value, { ...ctx.formatEnv(), warn: () => undefined });
  }
  const between = /^(-?[\d.]+)\.\.(-?[\d.]+)$/.exec(value.trim());
  if (between && !cmp) return { op: 'between', low: between[1], high: between[2], numeric: true };
  if (cmp) return { op: cmp, value, numeric };
  if (value.includes('%')) return { op: not ? 'notLike' : 'like', pattern: value };
  return { op: not ? 'ne' : 'eq', value, numeric };
}
