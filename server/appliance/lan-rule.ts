/**
 * The one rule about LAN mode (docs/modern-api.md, "Configuration"): the server may listen on
 * anything other than loopback (0.0.0.0, ::, a LAN address) only once a console admin password
 * exists. Used by the settings write and by the server's start check.
 */
import { isLoopbackHost } from '../config/net.js';
import type { ApplianceStore } from '../storage/types.js';
import { adminExists } from './admin-account.js';

/** The reason a HOST is refused, or null when it is allowed. */
export function lanModeRefusal(host: string, adminPasswordExists: boolean): string | null {
  if (isLoopbackHost(host) || adminPasswordExists) return null;
  return `HOST=${host} opens the server to the network; set a console admin password first (first-run wizard or "npm run admin -- set-password")`;
}

/** Same rule, reading whether an admin exists from the store. */
export async function checkLanMode(host: string, appliance: ApplianceStore): Promise<string | null> {
  if (isLoopbackHost(host)) return null;
  return lanModeRefusal(host, await adminExists(appliance));
}
