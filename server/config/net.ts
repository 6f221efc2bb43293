import { isIP } from 'node:net';
import os from 'node:os';

/** Host names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/** Addresses that bind every interface (LAN mode). */
export function isWildcardHost(host: string): boolean {
  const h = host.trim().replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

/** An IP address or a CIDR block such as 192.168.1.0/24 or fd00::/8. */
export function isIpOrCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address ?? '');
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  return n >= 0 && n <= (family === 4 ? 32 : 128);
}

export interface ListenAddress {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  /** the URL a person on this machine opens */
  url: string;
}

export function urlHost(host: string): string {
  if (isWildcardHost(host)) return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The addresses other machines can use: every external interface for 0.0.0.0 / ::, the host itself otherwise. */
export function lanUrls(address: ListenAddress): string[] {
  const { protocol, host, port } = address;
  if (isLoopbackHost(host)) return [];
  if (!isWildcardHost(host)) return [`${protocol}://${urlHost(host)}:${port}`];
  const withIpv6 = host.includes(':');
  const urls: string[] = [];
  for (const entries of Object.values(os.networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal) continue;
      if (entry.family === 'IPv4') urls.push(`${protocol}://${entry.address}:${port}`);
      else if (withIpv6 && entry.family === 'IPv6' && !entry.address.toLowerCase().startsWith('fe80')) {
        urls.push(`${protocol}://[${entry.address}]:${port}`);
      }
    }
  }
  return urls;
}
