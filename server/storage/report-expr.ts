/** Facts about report expressions that both the engine (validation) and the SQL compiler need. */
import { REPORT_AGGREGATES, type ReportExpr } from './types.js';

/** the expressions directly inside `e` (none for a leaf) */
export function subExpressions(e: ReportExpr): ReportExpr[] {
  switch (e.kind) {
    case 'call': return e.args;
    case 'neg': case 'not': case 'isNull': return [e.arg];
    case 'binary': return [e.left, e.right];
    case 'like': return [e.arg, e.pattern];
    case 'regexp': return [e.arg];
    case 'in': return [e.arg, ...e.list];
    case 'between': return [e.arg, e.low, e.high];
    default: return [];
  }
}

const isAggregateCall = (e: ReportExpr): boolean => e.kind === 'call' && REPORT_AGGREGATES.has(e.fn);

/** whether an aggregate (SUM, COUNT(*) …) appears anywhere in the expression */
export function containsAggregate(e: ReportExpr): boolean {
  return e.kind === 'countAll' || isAggregateCall(e) || subExpressions(e).some(containsAggregate);
}

/** whether an aggregate has another aggregate inside it (SUM(COUNT(x))), which no database computes */
export function nestsAggregates(e: ReportExpr): boolean {
  if (isAggregateCall(e) && subExpressions(e).some(containsAggregate)) return true;
  return subExpressions(e).some(nestsAggregates);
}

/**
 * whether a row value (a record's or a cell's) appears outside any aggregate: in an expression
 * that also aggregates (SUM(a) + b) it has no single value per group, and Postgres refuses it
 */
export function usesRowValueOutsideAggregate(e: ReportExpr): boolean {
  if (e.kind === 'record' || e.kind === 'cell') return true;
  return !isAggregateCall(e) && subExpressions(e).some(usesRowValueOutsideAggregate);
}
