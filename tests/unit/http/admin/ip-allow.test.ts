import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, normalizeAddress, parseIpAllowList } from '../../../../server/http/admin/ip-allow.js';

describe('ADMIN_ALLOWED_IPS', () => {
  it('default: loopback only, IPv4-mapped forms included', () => {
    const list = parseIpAllowList(undefined);
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(list.allows(a), a).toBe(true);
    for (const a of ['10.0.0.1', '192.168.1.5', '::ffff:192.168.1.5', 'fe80::1', '', 'garbage']) expect(list.allows(a), a).toBe(false);
    expect(list.allows(undefined)).toBe(false);
  });

  it('CIDR ranges and single addresses, IPv4 and IPv6', () => {
    const list = parseIpAllowList('192.168.1.0/24, 10.1.2.3, fd00::/8');
    expect(list.entries).toEqual(['192.168.1.0/24', '10.1.2.3', 'fd00::/8']);
    expect(list.allows('192.168.1.200')).toBe(true);
    expect(list.allows('::ffff:192.168.1.7')).toBe(true);
    expect(list.allows('192.168.2.1')).toBe(false);
    expect(list.allows('10.1.2.3')).toBe(true);
    expect(list.allows('10.1.2.4')).toBe(false);
    expect(list.allows('fd12:3456::1')).toBe(true);
    expect(list.allows('127.0.0.1')).toBe(false);
  });

  it('rejects malformed entries with a readable message', () => {
    expect(() => parseIpAllowList('192.168.1.0/33')).toThrow(/prefix length/);
    expect(() => parseIpAllowList('localhost')).toThrow(/not an IP address/);
    expect(() => parseIpAllowList('1.2.3.4/8/9')).toThrow(/not an address/);
  });

  it('normalises mapped addresses and zone ids', () => {
    expect(normalizeAddress('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
  });
});
