/**
 * The client address every API uses (login throttling per address, the admin IP list, the legacy
 * engine's REMOTE_ADDR): the socket peer, or with TRUST_PROXY the address a trusted proxy forwarded.
 */
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { toLegacyRequest } from '../../../server/http/legacy/index.js';
import { clientAddress } from '../../../server/http/security.js';
import { listen, type Listening } from '../../support/server.js';

let server: Listening | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function seen(trustProxy: boolean | string, headers: Record<string, string> = {}) {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use((req, res) => {
    res.json({ legacy: toLegacyRequest(req).remoteAddr, address: clientAddress(req) });
  });
  server = await listen(app);
  const res = await fetch(`${server.url}/my/xsrf?JSON`, { headers });
  return (await res.json()) as { legacy: string; address: string };
}

describe('client address', () => {
  it('is the socket peer without TRUST_PROXY, whatever X-Forwarded-For claims', async () => {
    expect(await seen(false, { 'X-Forwarded-For': '10.1.2.3' })).toEqual({ legacy: '127.0.0.1', address: '127.0.0.1' });
  });

  it('is the forwarded address behind a trusted proxy, for the legacy engine too', async () => {
    expect(await seen('loopback', { 'X-Forwarded-For': '10.1.2.3' })).toEqual({ legacy: '10.1.2.3', address: '10.1.2.3' });
  });
});
