/**
 * The console's first steps against a server process, as the suites that start real processes need
 * them: the first-run setup (embedded store, this PC only) and a restart asked for from the console.
 */
import { getJson } from './http.js';

/** the headers the console sends (JSON body, the admin API's CSRF header) */
export const CONSOLE_HEADERS = { 'Content-Type': 'application/json', 'X-Requested-With': 'integram-console' };

/** waits for the store, runs the first-run setup with this admin password; the console session's token */
export async function firstRunSetup(url: string, adminPassword: string): Promise<string> {
  for (let i = 0; i < 600 && (await fetch(`${url}/health/ready`).then((r) => r.status, () => 0)) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  const setup = await getJson<{ token?: string }>(`${url}/api/admin/setup`, {
    method: 'POST', headers: CONSOLE_HEADERS,
    body: JSON.stringify({ adminPassword, database: { kind: 'embedded' }, access: 'local' }),
  });
  if (setup.status !== 200 || !setup.body.token) throw new Error(`first-run setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  return setup.body.token;
}

interface Health { uptimeSeconds: number; database: { connected: boolean } }

/** asks for the restart, then waits for a process younger than the request with its store open; ms it took */
export async function restartAndWaitBack(url: string, token: string, timeoutMs = 60_000): Promise<number> {
  const requested = Date.now();
  const answer = await getJson(`${url}/api/admin/restart`, { method: 'POST', headers: { ...CONSOLE_HEADERS, Authorization: `Bearer ${token}` } });
  if (answer.status !== 202) throw new Error(`restart refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  for (;;) {
    const seconds = (Date.now() - requested) / 1000;
    if (seconds * 1000 > timeoutMs) throw new Error(`the server did not come back within ${timeoutMs / 1000} s`);
    const health = await getJson<Health>(`${url}/api/health`).catch(() => null);
    // the old process answers while it drains: only a process younger than the request counts
    if (health?.status === 200 && health.body.uptimeSeconds + 1 < seconds && health.body.database.connected) return Date.now() - requested;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
