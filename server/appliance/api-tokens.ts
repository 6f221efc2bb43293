/**
 * API tokens (JWT, HS256, JWT_SECRET) and their sessions.
 *
 * - An access token (15 min) and a refresh token (7 days) differ by the `typ` claim; each is
 *   refused where the other is expected.
 * - A login starts a session family (`fam`). The family lives in the appliance store
 *   (kind 'api-session', id `family:<fam>`, ref = fam), so every instance sees a logout.
 * - Refresh rotates: each refresh token has a `jti`; using it records `used:<jti>` atomically
 *   (ApplianceStore.create). A second use of the same refresh token means it leaked: the whole
 *   family is revoked (deleteByRef), so the thief's new tokens die with it.
 * - Mock tokens (AUTH_MODE=mock, development only) carry `mock: true` and no family.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { durationToSeconds } from '../config/schema.js';
import type { ApplianceStore } from '../storage/types.js';

export const SESSION_KIND = 'api-session';
const ISSUER = 'integram-appliance';

export type TokenType = 'access' | 'refresh';

const claimsSchema = z.object({
  typ: z.enum(['access', 'refresh']),
  fam: z.string().min(1),
  jti: z.string().min(1),
  db: z.string().min(1),
  uid: z.number().int().min(0),
  login: z.string(),
  role: z.string(),
  mock: z.boolean().optional(),
  exp: z.number(),
  iat: z.number(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

export interface SessionIdentity {
  db: string;
  userId: number;
  login: string;
  role: string;
}

/** What the family document holds: the user and the legacy credentials the login produced. */
export interface SessionFamily extends SessionIdentity {
  legacyToken: string;
  xsrf: string;
  createdAt: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** access token lifetime, seconds */
  expiresIn: number;
  refreshExpiresIn: number;
}

export type TokenErrorCode = 'token_invalid' | 'token_expired' | 'wrong_token_type' | 'session_revoked' | 'refresh_token_reused';

export class TokenError extends Error {
  constructor(message: string, readonly code: TokenErrorCode) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface TokenServiceOptions {
  secret: string;
  accessTtl: string;
  refreshTtl: string;
  appliance: () => ApplianceStore;
  now?: () => number;
}

function newId(): string {
  return randomBytes(16).toString('hex');
}

export class TokenService {
  readonly accessSeconds: number;
  readonly refreshSeconds: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenServiceOptions) {
    if (options.secret.length === 0) throw new Error('TokenService: JWT_SECRET is empty');
    this.accessSeconds = durationToSeconds(options.accessTtl);
    this.refreshSeconds = durationToSeconds(options.refreshTtl);
    this.now = options.now ?? Date.now;
  }

  private sign(typ: TokenType, fam: string, who: SessionIdentity, mock: boolean): string {
    const payload: Record<string, unknown> = {
      typ, fam, jti: newId(), db: who.db, uid: who.userId, login: who.login, role: who.role,
      iat: Math.floor(this.now() / 1000),
    };
    if (mock) payload.mock = true;
    return jwt.sign(payload, this.options.secret, {
      algorithm: 'HS256',
      expiresIn: typ === 'access' ? this.accessSeconds : this.refreshSeconds,
      issuer: ISSUER,
      subject: `${who.db}:${who.userId}`,
    });
  }

  private pair(fam: string, who: SessionIdentity, mock: boolean): TokenPair {
    return {
      accessToken: this.sign('access', fam, who, mock),
      refreshToken: this.sign('refresh', fam, who, mock),
      expiresIn: this.accessSeconds,
      refreshExpiresIn: this.refreshSeconds,
    };
  }

  /** Signature, expiry, issuer and the expected `typ`; no store access. */
  verify(token: string, expected: TokenType): TokenClaims {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.options.secret, { algorithms: ['HS256'], issuer: ISSUER, clockTimestamp: Math.floor(this.now() / 1000) });
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new TokenError(`The ${expected} token has expired`, 'token_expired');
      throw new TokenError(`The ${expected} token is not valid`, 'token_invalid');
    }
    const parsed = claimsSchema.safeParse(decoded);
    if (!parsed.success) throw new TokenError(`The ${expected} token is not valid`, 'token_invalid');
    if (parsed.data.typ !== expected) {
      throw new TokenError(`A ${parsed.data.typ} token cannot be used as a ${expected} token`, 'wrong_token_type');
    }
    return parsed.data;
  }

  /** A new session family for a successful login. */
  async start(family: Omit<SessionFamily, 'createdAt'>): Promise<TokenPair & { family: string }> {
    const fam = newId();
    const body: SessionFamily = { ...family, createdAt: new Date(this.now()).toISOString() };
    await this.options.appliance().put(SESSION_KIND, `family:${fam}`, body, { ref: fam, expiresAt: this.refreshExpiry() });
    return { ...this.pair(fam, family, false), family: fam };
  }

  /** Mock tokens: no session in the store (AUTH_MODE=mock only). */
  mockPair(who: SessionIdentity): TokenPair {
    return this.pair(`mock-${newId()}`, who, true);
  }

  private refreshExpiry(): Date {
    return new Date(this.now() + this.refreshSeconds * 1000);
  }

  /** The live family of an access token (throws when logged out or revoked). */
  async session(claims: TokenClaims): Promise<SessionFamily | null> {
    if (claims.mock) return null;
    const doc = await this.options.appliance().get<SessionFamily>(SESSION_KIND, `family:${claims.fam}`);
    if (!doc) throw new TokenError('The session has ended (logged out or revoked)', 'session_revoked');
    return doc.body;
  }

  /** Rotation: the presented refresh token is spent; reuse of a spent one revokes the family. */
  async refresh(refreshToken: string): Promise<TokenPair & { claims: TokenClaims; family: SessionFamily | null }> {
    const claims = this.verify(refreshToken, 'refresh');
    if (claims.mock) {
      const who = { db: claims.db, userId: claims.uid, login: claims.login, role: claims.role };
      return { ...this.pair(claims.fam, who, true), claims, family: null };
    }
    const store = this.options.appliance();
    const familyDoc = await store.get<SessionFamily>(SESSION_KIND, `family:${claims.fam}`);
    if (!familyDoc) throw new TokenError('The session has ended (logged out or revoked)', 'session_revoked');
    const firstUse = await store.create(SESSION_KIND, `used:${claims.jti}`, { at: new Date(this.now()).toISOString() }, {
      ref: claims.fam,
      expiresAt: new Date(claims.exp * 1000 + 60_000),
    });
    if (!firstUse) {
      await this.revokeFamily(claims.fam);
      throw new TokenError('This refresh token was already used; the session has been revoked for safety', 'refresh_token_reused');
    }
    await store.put(SESSION_KIND, `family:${claims.fam}`, familyDoc.body, { ref: claims.fam, expiresAt: this.refreshExpiry() });
    const family = familyDoc.body;
    return { ...this.pair(claims.fam, family, false), claims, family };
  }

  async revokeFamily(fam: string): Promise<number> {
    return this.options.appliance().deleteByRef(SESSION_KIND, fam);
  }
}
