/**
 * The pure pieces of the sign-in by QR code (views/QrSignIn.vue, docs/workspace.md): the code's
 * picture as one SVG path, whether the address in it can be reached from a phone, the countdown,
 * and what the screen does with each answer of the engine's `qrpoll`.
 */
import qrcode from 'qrcode-generator';
import type { QrPollAnswer } from './api/legacy.js';

/** the light margin around the code that readers need, in modules (ISO/IEC 18004: four) */
export const QUIET_ZONE = 4;

export interface QrPicture {
  /** modules per side, the quiet zone included: the SVG's viewBox is `0 0 size size` */
  size: number;
  /** one path of unit squares, one per dark module */
  path: string;
}

/** The QR code of `text` (byte mode, error correction M, the smallest version that holds it). */
export function qrPicture(text: string): QrPicture {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const count = code.getModuleCount();
  const parts: string[] = [];
  for (let row = 0; row < count; row += 1) {
    // a run of dark modules in a row is one rectangle
    let col = 0;
    while (col < count) {
      if (!code.isDark(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < count && code.isDark(row, col)) col += 1;
      parts.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h${start - col}z`);
    }
  }
  return { size: count + 2 * QUIET_ZONE, path: parts.join('') };
}

/**
 * Whether a phone cannot reach `url` because its host is this computer's own loopback name
 * (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`, `0.0.0.0`): the engine builds the QR's address
 * from the page's own address, so the page must be opened by the computer's LAN address.
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || host === '0.0.0.0';
}

/** seconds left of a code of `ttlSeconds` asked at `startedMs`, at `nowMs` (never below 0) */
export function secondsLeft(ttlSeconds: number, startedMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil(ttlSeconds - (nowMs - startedMs) / 1000));
}

/**
 * The QR confirmation page a phone returns to after signing in: the engine sends a phone without a
 * session from `/{db}/qrlogin?c=…` to its login page with that address as `uri` (the server sends
 * that on to the workspace, docs/workspace.md). Only that page of this database: any other `uri` is
 * ignored, so the login is no redirector. Null when there is none.
 */
export function qrReturnAddress(uri: string | null, db: string): string | null {
  if (uri === null) return null;
  const match = /^\/([^/?#]+)\/qrlogin\?c=([0-9a-f]{32,64})$/i.exec(uri);
  return match && match[1].toLowerCase() === db.toLowerCase() ? `/${match[1]}/qrlogin?c=${match[2]}` : null;
}

/** `m:ss` */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** the pair number as it is read aloud: `123 456` */
export function pairGroups(pair: string): string {
  return pair.length === 6 ? `${pair.slice(0, 3)} ${pair.slice(3)}` : pair;
}

/** the screen's states: asking for a code, showing it, and the ends */
export type QrState = 'starting' | 'showing' | 'signing-in' | 'expired' | 'denied' | 'too-many' | 'failed';

/**
 * What the screen shows after a poll: the code stays while `pending` and its time is not over (the
 * engine's clock decides in the end: an `expired` answer ends it even when the countdown has time
 * left); `confirmed` signs in; `denied` (another screen's secret) ends it.
 */
export function nextState(answer: QrPollAnswer, secondsLeftNow: number): QrState {
  if (answer.status === 'confirmed') return 'signing-in';
  if (answer.status === 'denied') return 'denied';
  if (answer.status === 'expired') return 'expired';
  return secondsLeftNow > 0 ? 'showing' : 'expired';
}
