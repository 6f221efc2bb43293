/**
 * The workspace's shared state: the database (the page's first path segment), the one legacy
 * client, the session, the user's tables, and the view in the address's hash
 * (`#/t/{table}`, `#/t/{table}/{parent}`, `#/rec/{id}`, `#/new/{table}/{parent}`, `#/reports`,
 * `#/report/{id}`, `#/import/{table}`, `#/schema`).
 */
import { reactive, ref } from 'vue';
import { LegacyClient, type Session } from './api/legacy.js';
import { menuEntries, type MenuEntry } from './values.js';
import { parseRoute, type Route } from './routes.js';
import { engineText } from './i18n.js';

/** the page's first path segment (`/{db}`); under the dev server (`/workspace/?db=…`) the `db` parameter */
export const db = (() => {
  const first = (location.pathname.split('/')[1] ?? '').toLowerCase();
  return first === 'workspace' ? (new URLSearchParams(location.search).get('db') ?? 'my').toLowerCase() : first;
})();
export const client = new LegacyClient(db);

export const session = ref<Session | null>(null);
// the session ended elsewhere (logout on another device, the token deleted): back to the login
client.onSignedOut = () => {
  session.value = null;
};
export const tables = ref<Array<{ id: string; name: string }>>([]);

/** the user's own menu (the role's menu records, through the `MyRoleMenu` report), [] when there is none */
export const roleMenu = ref<MenuEntry[]>([]);

export async function loadTables(): Promise<void> {
  const [dict, menu] = await Promise.all([client.dict(), client.roleMenu()]);
  tables.value = Object.entries(dict)
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  roleMenu.value = menuEntries(menu ?? [], db);
}

export const route = ref<Route>(parseRoute(location.hash));
window.addEventListener('hashchange', () => {
  route.value = parseRoute(location.hash);
  // a note belongs to the view it was said in, unless it was said while going to this one
  if (Date.now() - notice.at > 1500) notice.text = '';
});

export function go(hash: string): void {
  if (location.hash === hash) route.value = parseRoute(hash);
  else location.hash = hash;
}

/** a short note shown at the top (saved, deleted …) or an error */
export const notice = reactive({ text: '', error: false, seq: 0, at: 0 });

export function say(text: string, error = false): void {
  notice.text = text;
  notice.error = error;
  notice.seq += 1;
  notice.at = Date.now();
  const seq = notice.seq;
  // a note of success goes away by itself; an error stays until the next one or a navigation
  if (!error) setTimeout(() => { if (notice.seq === seq) notice.text = ''; }, 8000);
}

/** the engine's warnings after a save (`Данные сохранены. Необходимо заполнить …`), in the user's language */
export function sayWarnings(text: string | undefined): void {
  if (!text) return;
  const plain = text.replace(/<br\s*\/?>/gi, ' ').trim();
  if (plain) say(engineText(plain), true);
}
