import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isLanBind, lanUrls } from '../../../main/lan.js';

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24` };
}

describe('lanUrls', () => {
  it('lists external IPv4 addresses only, sorted, without loopback, link-local or IPv6', () => {
    const interfaces = {
      lo: [v4('127.0.0.1', true), { ...v4('::1', true), family: 'IPv6' as const, scopeid: 0 }],
      eth0: [v4('192.168.1.20'), { ...v4('fe80::1'), family: 'IPv6' as const, scopeid: 2 }],
      wlan0: [v4('10.0.0.5')],
      apipa: [v4('169.254.3.4')],
      dup: [v4('192.168.1.20')],
    };
    expect(lanUrls(8081, interfaces)).toEqual(['http://10.0.0.5:8081/', 'http://192.168.1.20:8081/']);
  });
  it('returns nothing on a machine without a network', () => {
    expect(lanUrls(8081, { lo: [v4('127.0.0.1', true)] })).toEqual([]);
  });
  it('works against the real interfaces of this machine', () => {
    for (const url of lanUrls(8081)) expect(url).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:8081\/$/);
  });
  it('knows which bind addresses mean LAN mode', () => {
    expect(isLanBind('0.0.0.0')).toBe(true);
    expect(isLanBind('::')).toBe(true);
    expect(isLanBind('127.0.0.1')).toBe(false);
  });
});
