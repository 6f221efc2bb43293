/**
 * What the console window may load. Only the console on the loopback origin of our own
 * server; parsed strictly with URL (a substring test such as url.includes('127.0.0.1:8081')
 * would trust https://evil.example/?next=127.0.0.1:8081).
 */
export type NavigationVerdict = 'allow' | 'external' | 'block';

export const CONSOLE_PATH = '/console';

export function consoleOrigin(port: number): string {
  return `http://127.0.0.1:${port}`;
}

export function consoleUrl(port: number): string {
  return `${consoleOrigin(port)}${CONSOLE_PATH}`;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** True only for http://127.0.0.1:<port>/console and paths below it, without credentials. */
export function isConsoleUrl(url: string, port: number): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1' || parsed.port !== String(port)) return false;
  if (parsed.username || parsed.password) return false;
  return parsed.pathname === CONSOLE_PATH || parsed.pathname.startsWith(`${CONSOLE_PATH}/`);
}

/** Same origin as the console (the console's own API calls go there). */
export function isServerOrigin(url: string, port: number): boolean {
  const parsed = parse(url);
  return parsed !== undefined && parsed.origin === consoleOrigin(port) && !parsed.username && !parsed.password;
}

/**
 * allow: navigate in the window; external: hand to the system browser (http/https/mailto
 * links such as documentation or /api/docs); block: everything else (file:, javascript:,
 * data:, custom schemes, malformed).
 */
export function classifyNavigation(url: string, port: number): NavigationVerdict {
  if (isConsoleUrl(url, port)) return 'allow';
  const parsed = parse(url);
  if (!parsed || parsed.username || parsed.password) return 'block';
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'mailto:') return 'external';
  return 'block';
}
