/**
 * Who is connected: the users whose requests were authenticated (a legacy engine session or a
 * modern-API access token) in the last 15 minutes, by user, database and client address. Kept in
 * memory from the `res.locals.actor` the adapters set (server/log/request-context.ts); no token is
 * ever kept. Each server instance knows the requests it answered.
 */
import type { RequestHandler } from 'express';
import type { RequestActor } from '../../log/request-context.js';

export const ACTIVE_WINDOW_MS = 15 * 60_000;
/** more distinct user/database/address combinations than this in 15 minutes: the oldest are dropped */
const MAX_ENTRIES = 5000;

export interface ActiveSession {
  kind: RequestActor['kind'];
  user: string;
  db: string;
  /** the client's address as the server sees it (TRUST_PROXY decides whether a proxy's header counts) */
  address: string;
  firstSeen: string;
  lastSeen: string;
  /** requests in the window since firstSeen */
  requests: number;
}

interface Entry { kind: RequestActor['kind']; user: string; db: string; address: string; firstSeen: number; lastSeen: number; requests: number }

export class ActiveSessions {
  /** by kind, database, user and address; a Map keeps insertion order, so the first is the least recently seen */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now, private readonly windowMs = ACTIVE_WINDOW_MS) {}

  record(actor: RequestActor, address: string): void {
    const at = this.now();
    const key = `${actor.kind}\u0000${actor.db}\u0000${actor.user}\u0000${address}`;
    const known = this.entries.get(key);
    const stale = known !== undefined && at - known.lastSeen > this.windowMs;
    this.entries.delete(key);
    this.entries.set(key, {
      kind: actor.kind, user: actor.user, db: actor.db, address,
      firstSeen: known && !stale ? known.firstSeen : at,
      lastSeen: at,
      requests: known && !stale ? known.requests + 1 : 1,
    });
    if (this.entries.size > MAX_ENTRIES) this.prune(at, true);
  }

  private prune(at: number, overfull = false): void {
    for (const [key, entry] of this.entries) {
      if (at - entry.lastSeen <= this.windowMs && !(overfull && this.entries.size > MAX_ENTRIES)) break;
      this.entries.delete(key);
    }
  }

  /** The sessions seen in the window, most recent first. */
  list(): ActiveSession[] {
    const at = this.now();
    this.prune(at);
    return [...this.entries.values()].reverse().map((e) => ({
      kind: e.kind, user: e.user, db: e.db, address: e.address,
      firstSeen: new Date(e.firstSeen).toISOString(), lastSeen: new Date(e.lastSeen).toISOString(), requests: e.requests,
    }));
  }

  /** Records every answered request whose adapter said who made it. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      res.on('finish', () => {
        const actor = res.locals.actor;
        if (actor) this.record(actor, (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''));
      });
      next();
    };
  }
}
