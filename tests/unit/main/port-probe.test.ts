import { describe, expect, it } from 'vitest';
import { describeConflict, listeningInodes, parseNetstatListener } from '../../../main/port-probe.js';

describe('port owner parsing', () => {
  it('finds LISTEN inodes for a port in /proc/net/tcp', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:1F91 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 20 4 30 10 -1',
      '   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    expect(listeningInodes(table, 8081)).toEqual(['123456']);
    expect(listeningInodes(table, 80)).toEqual(['999']);
    expect(listeningInodes(table, 443)).toEqual([]);
  });

  it('finds the listening pid in netstat -ano output', () => {
    const out = [
      'Active Connections',
      '  Proto  Local Address          Foreign Address        State           PID',
      '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1000',
      '  TCP    127.0.0.1:8081         127.0.0.1:50000        ESTABLISHED     4321',
      '  TCP    127.0.0.1:8081         0.0.0.0:0              LISTENING       4321',
      '  TCP    [::]:8081              [::]:0                 LISTENING       4321',
    ].join('\r\n');
    expect(parseNetstatListener(out, 8081)).toBe(4321);
    expect(parseNetstatListener(out, 8082)).toBeUndefined();
  });

  it('names the port, the owner and the way out', () => {
    expect(describeConflict(8081, '127.0.0.1', 'EADDRINUSE', { pid: 42, name: 'node', command: 'node metro' })).toBe(
      'Port 8081 on 127.0.0.1 is already in use by node (pid 42: node metro). Stop that program or choose another port in the settings.',
    );
    expect(describeConflict(8081, '127.0.0.1', 'EADDRINUSE')).toMatch(/did not say which/);
    expect(describeConflict(80, '0.0.0.0', 'EACCES')).toMatch(/permission denied.*excludedportrange/s);
  });
});
