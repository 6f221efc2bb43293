/**
 * LAN mode (HOST other than loopback) is refused while no console admin password exists
 * (ARCHITECTURE.md, "Security model"). The account is the appliance document kind 'admin',
 * id 'console', body { passwordHash } (server/http/admin/account.ts owns it; set by the
 * first-run wizard on 127.0.0.1 or by `npm run admin -- set-password`).
 */
import { adminExists } from '../http/admin/account.js';
import { isLoopbackHost } from '../config/net.js';
import type { Store } from '../storage/types.js';

export { ADMIN_KIND as CONSOLE_ADMIN_KIND, ADMIN_ID as CONSOLE_ADMIN_ID } from '../http/admin/account.js';

export function lanModeRequested(host: string): boolean {
  return !isLoopbackHost(host);
}

export function lanRefusalMessage(host: string): string {
  return (
    `HOST=${host} (office LAN) is refused: no console admin password exists yet. ` +
    'Start once with HOST=127.0.0.1 and set it in the console (http://127.0.0.1:<PORT>/) or run `npm run admin -- set-password`, then start with the LAN address again.'
  );
}

/** null when LAN mode may go ahead, else the message to print. */
export async function checkLanMode(host: string, store: Store): Promise<string | null> {
  if (!lanModeRequested(host)) return null;
  return (await adminExists(store.appliance)) ? null : lanRefusalMessage(host);
}
