/** Facts about report expressions that both the engine (validation) and the SQL compiler need. */
import { REPORT_AGGREGATES, type ReportExpr } from './types.js';

/** whether an aggregate (SUM, COUNT(*) …) appears anywhere in the expression */
export function containsAggregate(e: ReportExpr): boolean {
  switch (e.kind) {
    case 'countAll': return true;
    case 'call': return REPORT_AGGREGATES.has(e.fn) || e.args.some(containsAggregate);
    case 'neg': case 'not': return containsAggregate(e.arg);
    case 'binary': return containsAggregate(e.left) || containsAggregate(e.right);
    case 'like': return containsAggregate(e.arg) || containsAggregate(e.pattern);
    case 'in': return containsAggregate(e.arg) || e.list.some(containsAggregate);
    case 'isNull': return containsAggregate(e.arg);
    case 'between': return containsAggregate(e.arg) || containsAggregate(e.low) || containsAggregate(e.high);
    default: return false;
  }
}

/** whether an aggregate has another aggregate inside it (SUM(COUNT(x))), which no database computes */
export function nestsAggregates(e: ReportExpr): boolean {
  switch (e.kind) {
    case 'call':
      if (REPORT_AGGREGATES.has(e.fn) && e.args.some(containsAggregate)) return true;
      return e.args.some(nestsAggregates);
    case 'neg': case 'not': return nestsAggregates(e.arg);
    case 'binary': return nestsAggregates(e.left) || nestsAggregates(e.right);
    case 'like': return nestsAggregates(e.arg) || nestsAggregates(e.pattern);
    case 'in': return nestsAggregates(e.arg) || e.list.some(nestsAggregates);
    case 'isNull': return nestsAggregates(e.arg);
    case 'between': return nestsAggregates(e.arg) || nestsAggregates(e.low) || nestsAggregates(e.high);
    default: return false;
  }
}

/**
 * whether a row value (a record's or a cell's) appears outside any aggregate: in an expression
 * that also aggregates (SUM(a) + b) it has no single value per group, and Postgres refuses it
 */
export function usesRowValueOutsideAggregate(e: ReportExpr): boolean {
  switch (e.kind) {
    case 'record': case 'cell': return true;
    case 'call': return !REPORT_AGGREGATES.has(e.fn) && e.args.some(usesRowValueOutsideAggregate);
    case 'neg': case 'not': return usesRowValueOutsideAggregate(e.arg);
    case 'binary': return usesRowValueOutsideAggregate(e.left) || usesRowValueOutsideAggregate(e.right);
    case 'like': return usesRowValueOutsideAggregate(e.arg) || usesRowValueOutsideAggregate(e.pattern);
    case 'in': return usesRowValueOutsideAggregate(e.arg) || e.list.some(usesRowValueOutsideAggregate);
    case 'isNull': return usesRowValueOutsideAggregate(e.arg);
    case 'between': return usesRowValueOutsideAggregate(e.arg) || usesRowValueOutsideAggregate(e.low) || usesRowValueOutsideAggregate(e.high);
    default: return false;
  }
}
