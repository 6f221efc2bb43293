/**
 * The workspace (workspace/, built to dist/workspace): the place office users work, served by the
 * server itself. Its assets at /workspace/... (public, no database needed), and its page for a
 * browser that opens a database: `GET /{db}` or `GET /{db}/` asking for HTML (Accept contains
 * text/html) without a JSON flag in the query, and the engine's login page `/start.html?db=` sent
 * there. Only those paths: every other request, and any script's request to them, still reaches
 * the legacy URL API unchanged. The workspace itself talks
 * only to the legacy URL API (docs/workspace.md).
 */
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isRoutableDbName, RESERVED_TENANT_NAMES } from '../storage/db-names.js';

/** The first path segment of the workspace's assets (never a database's name to the legacy API). */
export const WORKSPACE_ROOT = 'workspace';

/** `/{db}` or `/{db}/` */
const DATABASE_PAGE = /^\/([^/]+)\/?$/;

/** Is this request a browser opening a database's page (the workspace's login)? */
export function wantsWorkspacePage(req: Pick<Request, 'method' | 'path' | 'headers' | 'originalUrl'>): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const match = DATABASE_PAGE.exec(req.path);
  // the server's own route names are never a database the workspace opens
  if (!match || !isRoutableDbName(match[1]) || RESERVED_TENANT_NAMES.has(match[1].toLowerCase())) return false;
  if (!String(req.headers.accept ?? '').toLowerCase().includes('text/html')) return false;
  const q = req.originalUrl.indexOf('?');
  if (q < 0) return true;
  // the engine's JSON mode: any parameter whose name begins with JSON
  for (const key of new URLSearchParams(req.originalUrl.slice(q + 1)).keys()) if (key.startsWith('JSON')) return false;
  return true;
}

/**
 * Where a browser asking for the engine's login page goes instead: `GET /start.html?db={db}&r=…&uri=…`
 * is where the engine sends a browser without a session (ctx.login: a guest opening a QR code's
 * `qrlogin`, a page without the cookie). That page is the PHP engine's web UI, which the appliance
 * does not serve; the workspace's login of `{db}` takes its place, with `uri` kept when it is an
 * address of that database (the workspace decides which it returns to). Null: not such a request.
 */
export function startPageRedirect(req: Pick<Request, 'method' | 'path' | 'headers' | 'originalUrl'>): string | null {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/start.html') return null;
  if (!String(req.headers.accept ?? '').toLowerCase().includes('text/html')) return null;
  const q = req.originalUrl.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1));
  const db = params.get('db') ?? '';
  if (!isRoutableDbName(db) || RESERVED_TENANT_NAMES.has(db.toLowerCase())) return null;
  const uri = params.get('uri') ?? '';
  return uri.startsWith(`/${db}/`) ? `/${db}?uri=${encodeURIComponent(uri)}` : `/${db}`;
}

/**
 * The workspace's routes, mounted before the legacy API: `dir` is the built workspace, or null
 * (not built: the assets answer 404 with a sentence, and database pages stay the legacy API's).
 */
export function workspaceRouter(dir: string | null): Router {
  const router = express.Router();
  if (!dir) {
    router.use(`/${WORKSPACE_ROOT}`, (_req: Request, res: Response) => {
      res.status(404).type('text/plain').send('The workspace is not built. Run `npm run build` and restart the server.');
    });
    return router;
  }
  const index = path.join(dir, 'index.html');
  router.use(`/${WORKSPACE_ROOT}`, express.static(dir, { index: false, fallthrough: false, immutable: true, maxAge: '30d' }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    const login = startPageRedirect(req);
    if (login !== null) {
      res.setHeader('Cache-Control', 'no-store');
      return res.redirect(302, login);
    }
    if (!wantsWorkspacePage(req)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
