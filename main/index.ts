/**
 * Electron main: lifecycle wiring only. Decisions live in plain modules (supervisor,
 * port-probe, settings-store, trusted-url, updater-policy, lan) that are tested under Node.
 */
import { app, BrowserWindow, dialog, session, shell, type WebContents } from 'electron';
import log from 'electron-log/main.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setLinuxAutostart } from './autostart-linux.js';
import { desktopServerEnv } from './server-env.js';
import { readEnvFile, resolveEndpoint, resolveUpdateFeed } from './env-file.js';
import { IPC_CHANNELS, type DesktopInfo, type DesktopLocale, type ServerStateSnapshot } from './ipc-contract.js';
import { broadcast, registerIpc } from './ipc.js';
import { isLanBind, lanUrls } from './lan.js';
import { RotatingLog } from './rotating-log.js';
import { DesktopSettingsSchema, SettingsStore } from './settings-store.js';
import { ElectronSpawner } from './spawner-electron.js';
import { ServerSupervisor } from './supervisor.js';
import { AppTray } from './tray.js';
import { desktopLocale, desktopTexts, problemDialogTexts } from './desktop-text.js';
import { classifyNavigation, consoleOrigin, consoleUrl, isConsoleUrl } from './trusted-url.js';
import { DesktopUpdater } from './updater.js';
import { detectPackageType, updatePolicy } from './updater-policy.js';

const APP_ID = 'ru.integram.appliance';
const PRODUCT_NAME = 'Integram Appliance';

// A separate profile (tests, a second office setup on one PC): set before the lock, which is
// per userData folder.
if (process.env.INTEGRAM_USER_DATA_DIR) app.setPath('userData', process.env.INTEGRAM_USER_DATA_DIR);

// 1. Single instance, before anything binds a port or starts a server. app.exit, not app.quit:
//    quit() lets startup continue and a second server would race the first for the port.
if (!app.requestSingleInstanceLock()) {
  app.exit(0);
} else {
  main();
}

function main(): void {
  log.initialize();
  log.transports.file.maxSize = 10 * 1024 * 1024;
  process.on('uncaughtException', (error) => log.error('uncaught exception in main', error));
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection in main', reason));

  const startHidden = process.argv.includes('--hidden');
  const userData = app.getPath('userData');
  const settingsStore = new SettingsStore(join(userData, 'desktop-settings.json'), DesktopSettingsSchema);
  const { settings, warnings } = settingsStore.load();
  for (const warning of warnings) log.warn(`desktop settings: ${warning}`);

  const dataDir = settings.dataDir ?? process.env.DATA_DIR ?? join(userData, 'data');
  const envFile = join(dataDir, '.env');
  const logsDir = app.getPath('logs');
  const endpoint = () => resolveEndpoint(readEnvFile(envFile));
  let port = endpoint().port;

  const packageType = detectPackageType({
    platform: process.platform,
    isPackaged: app.isPackaged,
    env: process.env,
    packageTypeFile: readOptional(join(process.resourcesPath, 'package-type')),
  });

  /** the tray's and dialogs' language: the console's choice, else the OS's */
  const shellLocale = (): DesktopLocale => desktopLocale(settingsStore.get().locale, app.getLocale());
  let window: BrowserWindow | undefined;
  let tray: AppTray | undefined;
  let quitting = false;
  let consoleLoadFailed = false;

  const serverOutput = new RotatingLog({ file: join(logsDir, 'server-output.log'), maxBytes: 5 * 1024 * 1024, keep: 3 });
  const supervisor = new ServerSupervisor({
    spawner: new ElectronSpawner(),
    entry: join(app.getAppPath(), 'dist', 'server', 'index.js'),
    cwd: dataDir,
    port,
    host: endpoint().host,
    endpoint,
    env: () => desktopServerEnv({ dataDir, appVersion: app.getVersion(), electronVersion: process.versions.electron }),
    healthPollMs: 5_000,
    // a server alive but answering nothing (an endless request on the event loop) is restarted
    livenessTimeoutMs: 20_000,
    // The server's exit-code contract (server/index.ts): 75 = restart requested from the console,
    // 2 = port in use / not allowed, 3 = LAN mode refused. Anything else non-zero is a crash.
    restartExitCodes: [75],
    fatalExitCodes: [2, 3],
    log: serverOutput,
  });

  const feed = resolveUpdateFeed(readEnvFile(envFile));
  const updater = new DesktopUpdater(
    updatePolicy(packageType, settings.updateUrl ?? feed.url, settings.updateChannel ?? feed.channel),
    app.getVersion(),
    log,
    (event) => broadcast(IPC_CHANNELS.updateEvent, event, port),
  );

  const desktopInfo = (): DesktopInfo => {
    const status = supervisor.status();
    return {
      appVersion: app.getVersion(),
      electronVersion: process.versions.electron,
      platform: process.platform,
      dataDir,
      logsDir,
      lanUrls: isLanBind(status.host) ? lanUrls(status.port) : [],
      startAtLogin: settingsStore.get().startAtLogin,
      packageType,
    };
  };

  const applyStartAtLogin = (enabled: boolean): void => {
    if (process.platform === 'linux') {
      setLinuxAutostart(enabled, {
        configHome: process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
        appId: APP_ID,
        name: PRODUCT_NAME,
        exec: process.env.APPIMAGE ?? process.execPath,
        args: ['--hidden'],
      });
    } else {
      app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
    }
  };

  const openConsole = (): void => {
    const status = supervisor.status();
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      return;
    }
    window = createConsoleWindow(port);
    consoleLoadFailed = false;
    window.webContents.on('did-fail-load', (_event, _code, _description, _url, isMainFrame) => {
      if (isMainFrame) consoleLoadFailed = true;
    });
    window.webContents.on('did-finish-load', () => {
      consoleLoadFailed = false;
    });
    if (status.state !== 'running' && status.state !== 'degraded') showServerProblem(window, status, shellLocale());
    window.on('closed', () => {
      window = undefined;
    });
  };

  const openDataFolder = async (): Promise<void> => {
    mkdirSync(dataDir, { recursive: true });
    const error = await shell.openPath(dataDir);
    if (error) log.warn(`could not open the data folder: ${error}`);
  };

  const quit = (): void => {
    app.quit(); // before-quit stops the server gracefully
  };

  registerIpc({
    consolePort: () => port,
    openDataFolder,
    openLogsFolder: async () => {
      const error = await shell.openPath(logsDir);
      if (error) log.warn(`could not open the logs folder: ${error}`);
    },
    restartServer: () => supervisor.restart(),
    quit: async () => quit(),
    getServerState: () => supervisor.status(),
    getDesktopInfo: desktopInfo,
    setStartAtLogin: (enabled) => {
      settingsStore.update({ startAtLogin: enabled });
      applyStartAtLogin(enabled);
      return desktopInfo();
    },
    checkForUpdates: () => updater.check(),
    downloadUpdate: () => updater.download(),
    setLocale: (locale) => {
      settingsStore.update({ locale });
      tray?.refresh();
    },
    installUpdate: async () => {
      if (!updater.isDownloaded()) throw new Error('no downloaded update to install');
      // Stop the server first so the installer can replace its files and the data is closed cleanly.
      quitting = true;
      await supervisor.stop('installing an update');
      updater.install();
    },
  });

  let lastProblem = '';
  supervisor.on('state', (status) => {
    port = status.port;
    log.info(`server: ${status.state}${status.reason ? ` (${status.reason.split('\n')[0]})` : ''}`);
    tray?.update(status);
    broadcast(IPC_CHANNELS.serverStateEvent, status, port);
    if (status.state === 'running') lastProblem = '';
    const showingConsole = window && !window.isDestroyed() && isConsoleUrl(window.webContents.getURL(), port) && !consoleLoadFailed;
    if (status.state === 'running' && window && !window.isDestroyed() && !showingConsole) {
      void window.loadURL(consoleUrl(port)); // back from the problem page (or a failed load) once the server serves again
    }
    if ((status.state === 'failed' || status.state === 'crash-loop') && !quitting && status.reason !== lastProblem) {
      lastProblem = status.reason ?? '';
      if (window && !window.isDestroyed()) showServerProblem(window, status, shellLocale());
      void notifyProblem(status);
    }
  });

  const notifyProblem = async (status: ServerStateSnapshot): Promise<void> => {
    const text = problemDialogTexts(shellLocale(), status.state);
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: PRODUCT_NAME,
      message: text.message,
      detail: status.reason ?? '',
      buttons: text.buttons,
      defaultId: 0,
      cancelId: 3,
    });
    if (response === 0) void supervisor.restart();
    if (response === 1) void openDataFolder();
    if (response === 2) void shell.openPath(logsDir);
  };

  app.on('second-instance', () => openConsole());
  // An appliance: the server keeps serving the office with no window open; the tray stays.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => {
    if (app.isReady()) openConsole();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, () => port));

  app.on('before-quit', (event) => {
    if (quitting && supervisor.status().state === 'stopped') return;
    event.preventDefault();
    if (quitting) return; // stop already under way
    quitting = true;
    log.info('quitting: stopping the server');
    void supervisor.stop('application quit').finally(() => {
      serverOutput.close();
      tray?.destroy();
      app.quit();
    });
  });

  void app.whenReady().then(async () => {
    mkdirSync(dataDir, { recursive: true });
    installContentSecurityPolicy(() => port);
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
    session.defaultSession.setPermissionCheckHandler((_contents, permission) => permission === 'clipboard-sanitized-write');

    tray = new AppTray(join(app.getAppPath(), 'resources', 'tray'), {
      openConsole,
      openDataFolder: () => void openDataFolder(),
      restartServer: () => void supervisor.restart(),
      quit,
    }, shellLocale);
    applyStartAtLogin(settingsStore.get().startAtLogin);

    const status = await supervisor.start();
    if (!startHidden && settingsStore.get().openConsoleOnStart) openConsole();
    else if (status.state !== 'running' && status.state !== 'degraded') openConsole();
  });
}

function createConsoleWindow(port: number): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: PRODUCT_NAME,
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(app.getAppPath(), 'dist', 'main', 'preload', 'index.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(consoleUrl(port)).catch((error: Error) => log.warn(`console did not load: ${error.message}`));
  return window;
}

/** Shown in the window while the server is not serving; the tray and the dialog offer the actions. */
function showServerProblem(window: BrowserWindow, status: ServerStateSnapshot, locale: DesktopLocale): void {
  const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const text = desktopTexts(locale);
  const html = `<!doctype html><meta charset="utf-8"><title>${PRODUCT_NAME}</title>
<body style="font:14px system-ui;margin:40px;color:#222"><h2>${escape(text.problemPageTitle(text.state[status.state]))}</h2>
<pre style="white-space:pre-wrap;background:#f4f4f4;padding:12px">${escape(status.reason ?? '')}</pre>
<p>${escape(text.problemPageHint)}</p></body>`;
  void window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
  window.show();
}

/** No navigation away from the console, no new windows, no webviews; web links open in the browser. */
function hardenWebContents(contents: WebContents, port: () => number): void {
  const route = (event: { preventDefault(): void }, url: string): void => {
    const verdict = classifyNavigation(url, port());
    if (verdict === 'allow') return;
    event.preventDefault();
    if (verdict === 'external') void shell.openExternal(url);
    else log.warn(`blocked navigation to ${url}`);
  };
  contents.on('will-navigate', route);
  contents.on('will-redirect', route);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // The console lives in its one window; web links go to the system browser.
    if (classifyNavigation(url, port()) === 'external') void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** A CSP on every response from our server, in addition to whatever the server itself sends. */
function installContentSecurityPolicy(port: () => number): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    if (!details.url.startsWith(`${consoleOrigin(port())}/`)) {
      callback({ responseHeaders: details.responseHeaders });
      return;
    }
    const policy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
    ].join('; ');
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
