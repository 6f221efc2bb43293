/**
 * The workspace's address (workspace/src/routes.ts): the views a hash names, and where a sign-in
 * lands. A link followed while the tables were loading has changed the address before its
 * `hashchange` ran; the start page is chosen from the address as it is, so it never replaces it.
 */
import { describe, expect, it } from 'vitest';
import { parseRoute, startPage } from '../../../workspace/src/routes.js';

const menu = [
  { id: '1', name: 'Heading', link: '', depth: 0 },
  { id: '2', name: 'Home', link: '#/', depth: 0 },
  { id: '3', name: 'Engine page', link: '/shop/dict', depth: 0 },
  { id: '4', name: 'Baskets', link: '#/t/820', depth: 1 },
];
const tables = [{ id: '700' }, { id: '820' }];

describe('the workspace address', () => {
  it('reads each view, and anything else as home', () => {
    expect(parseRoute('#/t/42')).toEqual({ view: 'table', table: '42' });
    expect(parseRoute('#/t/42/7')).toEqual({ view: 'table', table: '42', parent: 7 });
    expect(parseRoute('#/new/42')).toEqual({ view: 'new', table: '42', parent: 1 });
    expect(parseRoute('#/rec/9')).toEqual({ view: 'record', id: '9' });
    expect(parseRoute('#/report/5')).toEqual({ view: 'report', id: '5' });
    expect(parseRoute('#/schema')).toEqual({ view: 'schema' });
    for (const other of ['', '#', '#/', '#/t/x', '#/nowhere']) expect(parseRoute(other)).toEqual({ view: 'home' });
  });

  it('starts on the first menu item that opens in the workspace, else the first table, else nowhere', () => {
    expect(startPage('', menu, tables)).toBe('#/t/820');
    expect(startPage('#/', [], tables)).toBe('#/t/700');
    expect(startPage('', [], [])).toBeNull();
  });

  it('keeps an address that names a view (a deep link, a link followed while the tables loaded)', () => {
    for (const address of ['#/t/700/3', '#/rec/9', '#/schema', '#/reports']) expect(startPage(address, menu, tables)).toBeNull();
  });
});
