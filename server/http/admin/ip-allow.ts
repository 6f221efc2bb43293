/**
 * ADMIN_ALLOWED_IPS: which client addresses may use the admin API (a comma list of addresses and
 * CIDR ranges, IPv4 and IPv6). IPv4 clients seen through an IPv6 socket (`::ffff:127.0.0.1`) are
 * matched as the IPv4 address they are.
 */
import net from 'node:net';

export const DEFAULT_ADMIN_ALLOWED_IPS = '127.0.0.0/8,::1';

export interface IpAllowList {
  /** the list as configured (normalised), for messages */
  readonly entries: string[];
  allows(address: string | undefined | null): boolean;
}

/** Strips the IPv4-mapped IPv6 prefix and an IPv6 zone id. */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) return mapped[1];
  return a;
}

/** Parses the list; throws with a readable message on the first invalid entry. */
export function parseIpAllowList(spec: string | undefined | null): IpAllowList {
  const text = spec === undefined || spec === null || spec.trim() === '' ? DEFAULT_ADMIN_ALLOWED_IPS : spec;
  const list = new net.BlockList();
  const entries: string[] = [];
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [addrPart, prefixPart, extra] = raw.split('/');
    if (extra !== undefined) throw new Error(`"${raw}" is not an address or CIDR range`);
    const address = normalizeAddress(addrPart);
    const family = net.isIP(address);
    if (family === 0) throw new Error(`"${raw}" is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefixPart === undefined) {
      list.addAddress(address, type);
    } else {
      const prefix = Number(prefixPart);
      const max = family === 4 ? 32 : 128;
      if (!/^\d+$/.test(prefixPart) || prefix > max) throw new Error(`"${raw}": the prefix length must be 0..${max}`);
      list.addSubnet(address, prefix, type);
    }
    entries.push(prefixPart === undefined ? address : `${address}/${prefixPart}`);
  }
  if (entries.length === 0) throw new Error('the list is empty');
  return {
    entries,
    allows(candidate) {
      if (!candidate) return false;
      const address = normalizeAddress(candidate);
      const family = net.isIP(address);
      if (family === 0) return false;
      return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined | null): boolean {
  return LOOPBACK.allows(address);
}

const LOOPBACK = parseIpAllowList(DEFAULT_ADMIN_ALLOWED_IPS);
