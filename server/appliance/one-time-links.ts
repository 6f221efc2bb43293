/**
 * One-time links sent by mail (password reset, registration confirmation): a random token goes
 * into the link, only its SHA-256 is stored, in the appliance store (kind per purpose, id = the
 * digest, with an expiry), so every instance on one MySQL honours it and a leaked store does not
 * leak usable links. Consuming deletes the document: of two uses, one wins (the delete is atomic).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApplianceStore } from '../storage/types.js';

interface LinkDoc<T> {
  body: T;
  expiresAt: string;
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token as links carry it: 32 random bytes, base64url (43 characters). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class OneTimeLinks<T> {
  constructor(
    private readonly appliance: () => ApplianceStore,
    /** the appliance store's kind, e.g. 'password-reset' */
    private readonly kind: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores a new link's digest with `body`; returns the token for the link (never stored). */
  async issue(body: T, ref?: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now() + this.ttlSeconds * 1000);
    const doc: LinkDoc<T> = { body, expiresAt: expiresAt.toISOString() };
    await this.appliance().put(this.kind, tokenDigest(token), doc, { ref: ref ?? null, expiresAt });
    return { token, expiresAt };
  }

  /** The link's body while it is valid (not used, not expired), without using it up. */
  async peek(token: string): Promise<T | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const doc = await this.appliance().get<LinkDoc<T>>(this.kind, tokenDigest(token));
    if (!doc || Date.parse(doc.body.expiresAt) <= this.now()) return null;
    return doc.body.body;
  }

  /** Uses the link up: its body once, null for an unknown, expired or already used token. */
  async consume(token: string): Promise<T | null> {
    const body = await this.peek(token);
    if (body === null) return null;
    // the delete decides: only one of two simultaneous uses removes the document
    return (await this.appliance().delete(this.kind, tokenDigest(token))) ? body : null;
  }

  /** Whether a valid link exists under `ref` (e.g. a registration waiting for its confirmation). */
  async pending(ref: string): Promise<boolean> {
    const docs = await this.appliance().list<LinkDoc<T>>(this.kind, { ref, limit: 20 });
    return docs.some((doc) => Date.parse(doc.body.expiresAt) > this.now());
  }

  /** Drops every link under `ref` (a newer link replaces older ones). */
  async revoke(ref: string): Promise<number> {
    return this.appliance().deleteByRef(this.kind, ref);
  }
}
