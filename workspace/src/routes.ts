/**
 * The workspace's views in the address's hash (`#/t/{table}`, `#/t/{table}/{parent}`, `#/rec/{id}`,
 * `#/new/{table}/{parent}`, `#/reports`, `#/report/{id}`, `#/import/{table}`, `#/schema`) and the
 * start page after a sign-in. No DOM here: the state module feeds it the address.
 */
import type { MenuEntry } from './values.js';

export type Route =
  | { view: 'home' }
  | { view: 'table'; table: string; parent?: number }
  | { view: 'record'; id: string }
  | { view: 'new'; table: string; parent: number }
  | { view: 'reports' }
  | { view: 'report'; id: string }
  | { view: 'import'; table: string }
  | { view: 'schema' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '');
  const [head, a, b] = parts;
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? v : null);
  if (head === 't' && num(a)) return { view: 'table', table: a, ...(num(b) ? { parent: Number(b) } : {}) };
  if (head === 'rec' && num(a)) return { view: 'record', id: a };
  if (head === 'new' && num(a)) return { view: 'new', table: a, parent: num(b) ? Number(b) : 1 };
  if (head === 'reports') return { view: 'reports' };
  if (head === 'report' && num(a)) return { view: 'report', id: a };
  if (head === 'import' && num(a)) return { view: 'import', table: a };
  if (head === 'schema') return { view: 'schema' };
  return { view: 'home' };
}

/**
 * Where a sign-in lands: the first item of the user's own menu that opens in the workspace, else the
 * first table; null when the address already names a view. The address is read as it is now
 * (`location.hash`), not from the route the last `hashchange` made: a link followed while the tables
 * were loading has changed the address before its event runs, and the start page must not replace it.
 */
export function startPage(address: string, menu: readonly MenuEntry[], tables: ReadonlyArray<{ id: string }>): string | null {
  if (parseRoute(address).view !== 'home') return null;
  const fromMenu = menu.find((entry) => entry.link.startsWith('#/') && entry.link !== '#/');
  if (fromMenu) return fromMenu.link;
  return tables.length > 0 ? `#/t/${tables[0].id}` : null;
}
