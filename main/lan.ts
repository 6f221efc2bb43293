import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** Addresses that make the server listen on every interface (office LAN mode). */
export function isLanBind(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/**
 * URLs other PCs in the office can use to reach the server: IPv4, not loopback/internal,
 * not link-local (169.254.x.x, a DHCP failure address nobody else can reach).
 */
export function lanUrls(
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  const urls = new Set<string>();
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family !== 'IPv4' || entry.internal) continue;
      if (entry.address.startsWith('169.254.') || entry.address.startsWith('127.')) continue;
      urls.add(`http://${entry.address}:${port}/`);
    }
  }
  return [...urls].sort(compareIp);
}

function compareIp(a: string, b: string): number {
  const key = (url: string): number[] => (/\/\/([\d.]+):/.exec(url)?.[1] ?? '').split('.').map(Number);
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
