/**
 * How the product composes its HTTP layers — in one place, so the server entry and the tests that
 * want "the real server" build exactly the same thing:
 *
 *   early   security headers; the workspace: /workspace/* assets and the page of a browser opening /{db}
 *   public  /api/openapi.json, /api/docs, /console (static, no database needed)
 *   admin   /api/admin/*   (console API; its own auth and IP allow list)
 *   api     /api/auth, /api/v2, /api/organizations (behind the store gate)
 *   legacy  /{db}/... and /api/{db}/...   (the PHP engine's URL API; mounted last)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import type { AppRouters } from '../http/app.js';
import { HttpError, sendError } from '../http/errors.js';
import { createAdminLayer, type AdminLayer } from './admin-layer.js';
import { createApiRouter } from '../http/api/index.js';
import { createDocsRouter } from '../http/docs/index.js';
import { createLegacyRouter } from '../http/legacy/index.js';
import { legacyLoginThrottle } from '../appliance/login-throttle.js';
import { newDatabasePort } from '../appliance/databases.js';
import { defaultTemplatesDir } from '../appliance/templates.js';
import { createMailer } from '../appliance/mail.js';
import { oauthPort } from '../appliance/oauth.js';
import { createEngine, type Engine } from '../engine/index.js';
import { MODERN_API_SEGMENTS, securityMiddleware } from '../http/security.js';
import { WORKSPACE_ROOT, workspaceRouter } from '../http/workspace.js';
import type { Store } from '../storage/types.js';
import { DiskFileStore } from '../storage/files.js';
import { DiskFolders, folderRoots } from '../storage/folders.js';
import type { BootOptions, ServerContext } from './boot.js';

/**
 * A built front end (Vite output) in dist/{name}: from dist/server/runtime/ or server/runtime/
 * (tsx) the project root is two levels up; `override` (an env setting) wins (packaged layouts).
 */
function builtDir(name: string, override: string | undefined): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    override,
    path.resolve(here, '..', name), // dist/server/runtime -> dist/{name}
    path.resolve(here, '..', '..', 'dist', name), // server/runtime -> dist/{name}
    path.resolve(here, '..', '..', '..', 'dist', name),
  ].filter((dir): dir is string => typeof dir === 'string' && dir !== '');
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? null;
}

/** The built console (dist/renderer; CONSOLE_DIR overrides it). */
export function consoleDir(): string | null {
  return builtDir('renderer', process.env.CONSOLE_DIR);
}

/** The built workspace (dist/workspace; WORKSPACE_DIR overrides it). */
export function workspaceDir(): string | null {
  return builtDir('workspace', process.env.WORKSPACE_DIR);
}

function consoleRouter(dir: string | null): Router {
  const router = express.Router();
  if (dir) {
    router.use('/console', express.static(dir, { index: 'index.html', fallthrough: true }));
    // hash routes only, but a reload of /console/anything still gets the app
    router.get(/^\/console(\/.*)?$/, (_req, res) => res.sendFile(path.join(dir, 'index.html')));
  } else {
    router.get(/^\/console(\/.*)?$/, (_req, res) => {
      sendError(res, 'plain', new HttpError(404, 'The console is not built. Run `npm run build` and restart the server.', 'console_not_built'));
    });
  }
  return router;
}

/** First path segments of the routes above that are not the legacy API's. */
const NON_LEGACY_ROOTS: ReadonlySet<string> = new Set(['', 'health', 'console', WORKSPACE_ROOT]);

/**
 * Whether no layer but the legacy URL API answers this path: `/{db}/...`, or `/api/{db}/...`
 * where `{db}` is not a modern API segment or `admin`. Case-insensitive like Express's routing.
 * A new top-level route must be added here (tests/integration/server/legacy-routing.test.ts).
 */
export function ownedByLegacy(path: string): boolean {
  const [, first = '', second = ''] = path.toLowerCase().split('/', 3);
  if (NON_LEGACY_ROOTS.has(first)) return false;
  if (first !== 'api') return true;
  return second !== '' && second !== 'admin' && !MODERN_API_SEGMENTS.has(second);
}

interface Product {
  engine: Engine;
  admin: AdminLayer;
}

const products = new WeakMap<ServerContext, Product>();

/** The engine and the admin layer of one server, built on first use and then shared by every hook. */
function productFor(context: ServerContext): Product {
  const built = products.get(context);
  if (built) return built;
  const { config, storeHandle, logs } = context;
  // One engine for the legacy and the modern API: one metadata and session cache. Its store
  // getter throws when the store is gone mid-request; the engine turns that into a 503.
  const requireStore = (): Store => {
    const store = storeHandle.current();
    if (!store) throw new Error('database unavailable');
    return store;
  };
  const legacyLogger = logs.logger.child({ component: 'legacy' });
  // one mailer per server: the engine's password reset, the console's test mail and alerts, /api/auth
  const mailer = createMailer(config);
  const engine = createEngine({
    store: requireStore,
    salt: config.AUTH_SALT,
    masterPassword: config.INTEGRAM_MASTER_PASSWORD,
    serverName: config.SERVER_NAME,
    cookieExpireSeconds: config.AUTH_COOKIE_EXPIRE,
    tokenTtlSeconds: config.TOKEN_TTL,
    loginThrottle: legacyLoginThrottle(requireStore),
    databases: newDatabasePort(
      () => ({ store: requireStore(), templatesDir: defaultTemplatesDir(), salt: config.AUTH_SALT, invalidate: (db) => engine.invalidate(db) }),
      config.INTEGRAM_TEMPLATES,
    ),
    files: new DiskFileStore(config.UPLOAD_DIR),
    // dir_admin: `templates` under the data folder, `download` is the FILE columns' folder itself (as in PHP)
    folders: new DiskFolders(folderRoots(config.DATA_DIR, config.UPLOAD_DIR)),
    mail: mailer.configured
      ? {
        send: async (message) => { await mailer.send(message); },
        // links as the PHP engine writes them: https://SERVER_NAME/..., or PUBLIC_URL when set
        origin: config.PUBLIC_URL ? config.PUBLIC_URL.replace(/\/+$/, '') : config.SERVER_NAME ? `https://${config.SERVER_NAME}` : null,
      }
      : undefined,
    // OAuth sign-in (Google, Yandex): the providers whose client id and secret are set
    oauth: oauthPort(config),
    logger: {
      info: (o, m) => legacyLogger.info(o, m),
      warn: (o, m) => legacyLogger.warn(o, m),
      error: (o, m) => legacyLogger.error(o, m),
    },
  });
  const admin = createAdminLayer(context, { invalidate: (db) => engine.invalidate(db), engine, mailer });
  context.onDrain(() => admin.router.closeStreams());
  context.onShutdown(() => admin.stop());
  const product = { engine, admin };
  products.set(context, product);
  return product;
}

/** The engine of a server this module composed (for tools and tests that reach past HTTP). */
export function productEngine(context: ServerContext): Engine {
  return productFor(context).engine;
}

export function productRouters(context: ServerContext): AppRouters {
  const { config, storeHandle, logs } = context;
  const { engine, admin } = productFor(context);
  const legacy = createLegacyRouter({ engine, bodyLimit: config.BODY_LIMIT, uploadLimitBytes: config.UPLOAD_MAX_BYTES, logger: logs.logger.child({ component: 'legacy' }) });

  const publicRouter = express.Router();
  publicRouter.use(createDocsRouter({ serverUrl: config.PUBLIC_URL }));
  publicRouter.use(consoleRouter(consoleDir()));
  publicRouter.get('/', (_req, res) => res.redirect(302, '/console/'));

  return {
    public: publicRouter,
    admin: admin.router,
    api: createApiRouter({
      config,
      getStore: () => storeHandle.current(),
      engine,
      logger: logs.logger.child({ component: 'api' }),
      mailer: admin.mailer,
    }),
    legacy,
    legacyOwns: ownedByLegacy,
  };
}

/** bootServer options of the product, minus the process-level callbacks the entry adds. */
export function productBootOptions(): Pick<BootOptions, 'routers' | 'earlyMiddleware' | 'isAdminRequest' | 'jobs'> {
  return {
    routers: productRouters,
    // the workspace's page for a browser opening /{db} is decided before the legacy API claims the path
    earlyMiddleware: (context) => [securityMiddleware(context.config), workspaceRouter(workspaceDir())],
    isAdminRequest: (context) => productFor(context).admin.isAdminRequest,
    jobs: (context) => productFor(context).admin.jobSummaries,
  };
}
