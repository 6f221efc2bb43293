// The suites' ports: a server the harness restarts comes back on its port, so the port must not be
// one the OS hands to outgoing connections meanwhile (tests/support/net.mjs).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralPortStart, freePort } from '../../support/net.mjs';

const ephemeral = ephemeralPortStart();
const poolId = process.env.VITEST_POOL_ID;

describe.skipIf(ephemeral === null)('freePort', () => {
  afterEach(() => {
    if (poolId === undefined) delete process.env.VITEST_POOL_ID;
    else process.env.VITEST_POOL_ID = poolId;
  });

  it('hands out listenable ports below the ephemeral range, never twice', async () => {
    const ports = [];
    for (let i = 0; i < 20; i += 1) ports.push(await freePort());
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeLessThan(ephemeral ?? 0);
      // fetch and Chromium refuse 10080 and the ports below it that are on the fetch standard's list
      expect(port).toBeGreaterThan(10_080);
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives each test worker its own ports', async () => {
    const byWorker = new Map<number, number[]>();
    for (const worker of [1, 2]) {
      process.env.VITEST_POOL_ID = String(worker);
      const ports = [];
      for (let i = 0; i < 10; i += 1) ports.push(await freePort());
      byWorker.set(worker, ports);
    }
    const [one, two] = [byWorker.get(1) ?? [], byWorker.get(2) ?? []];
    expect(Math.max(...one)).toBeLessThan(Math.min(...two));
  });

  it('keeps away from a port an outgoing connection holds (why the range matters)', async () => {
    // a client connection's ephemeral local port cannot be listened on while it is open
    const target = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => target.once('listening', resolve));
    const address = target.address();
    const client = net.connect(typeof address === 'object' && address ? address.port : 0, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    const held = client.localPort ?? 0;
    expect(held).toBeGreaterThanOrEqual(ephemeral ?? 0);
    const blocked = net.createServer();
    const code = await new Promise<string>((resolve) => {
      blocked.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      blocked.listen(held, '127.0.0.1', () => blocked.close(() => resolve('listening')));
    });
    client.destroy();
    target.close();
    expect(code).toBe('EADDRINUSE');
  });
});
