/**
 * The engine's session cookie `idb_{db}` (docs/legacy-api.md, "Cookies": path `/`, neither Secure
 * nor HttpOnly): the token the engine set at the login, read by the AI chat (./chat.ts), and written
 * by the workspace after a sign-in by QR code, whose token comes in `qrpoll`'s answer, not in a cookie.
 */

/** the token of the `idb_{db}` cookie, or null */
export function engineToken(db: string): string | null {
  const name = `idb_${db}=`;
  for (const part of document.cookie.split(';')) {
    const cookie = part.trim();
    if (cookie.startsWith(name)) return decodeURIComponent(cookie.slice(name.length));
  }
  return null;
}

/** the engine's cookie as `auth` leaves it (30 days, path `/`) and as the PHP engine's start page writes it after a QR sign-in */
export function storeEngineToken(db: string, token: string): void {
  document.cookie = `idb_${db}=${encodeURIComponent(token)}; path=/; max-age=${30 * 24 * 3600}; SameSite=Lax`;
}
