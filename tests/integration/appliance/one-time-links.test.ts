/**
 * One-time links (server/appliance/one-time-links.ts) on both stores: only the token's SHA-256 is
 * stored, a link stops working at its expiry, two simultaneous uses give it to exactly one, a newer
 * link under the same ref revokes the older, and tokens of the wrong shape are refused unread.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OneTimeLinks } from '../../../server/appliance/one-time-links.js';
import { TEST_STORES, type TestStore } from '../../support/stores.js';

for (const kind of TEST_STORES) {
  describe.skipIf(!kind.enabled)(`one-time links on ${kind.name}`, () => {
    let s: TestStore;
    // the test's clock starts at the real time: the store hides documents past their expiry by the real clock
    let clock = Date.now();
    const now = () => clock;
    beforeAll(async () => { s = await kind.open(); }, 60_000);
    afterAll(async () => { await s?.cleanup(); });

    it('stores only the digest and expires after its lifetime', async () => {
      const links = new OneTimeLinks<{ user: number }>(() => s.store.appliance, 'test-link', 3600, now);
      const { token, expiresAt } = await links.issue({ user: 7 });
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(expiresAt.getTime()).toBe(clock + 3600_000);
      expect(await s.store.appliance.get('test-link', token)).toBeNull();
      expect((await s.store.appliance.get('test-link', createHash('sha256').update(token).digest('hex')))?.body).toMatchObject({ body: { user: 7 } });
      clock += 3599_000;
      expect(await links.peek(token)).toEqual({ user: 7 });
      clock += 2000;
      expect(await links.peek(token)).toBeNull();
      expect(await links.consume(token)).toBeNull();
    });

    it('two simultaneous uses: exactly one gets the body', async () => {
      const links = new OneTimeLinks<{ user: number }>(() => s.store.appliance, 'test-link', 3600, now);
      const { token } = await links.issue({ user: 8 });
      const results = await Promise.all([links.consume(token), links.consume(token), links.consume(token)]);
      expect(results.filter((r) => r !== null)).toEqual([{ user: 8 }]);
      expect(await links.consume(token)).toBeNull();
    });

    it('revoke drops the links of a ref; pending sees a live one; malformed tokens are refused', async () => {
      const links = new OneTimeLinks<{ user: number }>(() => s.store.appliance, 'test-link-ref', 60, now);
      const first = await links.issue({ user: 1 }, 'my:1');
      expect(await links.pending('my:1')).toBe(true);
      expect(await links.revoke('my:1')).toBe(1);
      expect(await links.pending('my:1')).toBe(false);
      expect(await links.peek(first.token)).toBeNull();
      expect(await links.peek('')).toBeNull();
      expect(await links.peek(`${first.token}x`)).toBeNull();
      expect(await links.peek('../../etc/passwd')).toBeNull();
    });
  });
}
