// ConsoleBridge inside the Electron app: desktop-only actions (data folder, quit, restarting the
// server process, updates) go over the preload API; admin data still goes over HTTP to the local
// server, because the admin API lives in the server (a headless install has the same features).
import type { UpdateStatus } from '../contract.js';
import { applyUpdateEvent, fromDesktopStatus } from '../lib/desktop-update.js';
import type { IntegramDesktopApi } from './desktop-api.js';
import { HttpBridge } from './http.js';
import type { DesktopActions, Unsubscribe } from './types.js';

export class IpcBridge extends HttpBridge {
  override readonly kind = 'ipc' as const;
  override readonly desktop: DesktopActions;
  /** the last update state, so progress events (which carry only their own facts) can be merged */
  private update: UpdateStatus | null = null;

  constructor(private readonly api: IntegramDesktopApi, origin = '') {
    super(origin);
    this.desktop = {
      openDataFolder: () => api.openDataFolder(),
      openLogsFolder: () => api.openLogsFolder(),
      quit: () => api.quit(),
      info: () => api.getDesktopInfo(),
      serverState: () => api.getServerState(),
      setStartAtLogin: (enabled) => api.setStartAtLogin(enabled),
      // a shell from before this call has none: its tray keeps the OS language
      setLocale: async (locale) => { await api.setLocale?.(locale); },
    };
  }

  /** The supervisor restarts the server process; this works even when the server is unhealthy. */
  override async restartServer(): Promise<void> {
    await this.api.restartServer();
  }

  /**
   * The updater lives in the desktop main process, which offers no "status without a check";
   * until the admin checks, the page shows the running version and an idle updater.
   */
  override async getUpdateStatus(): Promise<UpdateStatus> {
    if (this.update) return this.update;
    const status = await this.getStatus();
    return { supported: true, currentVersion: status.version, state: 'idle' };
  }

  override async checkForUpdates(): Promise<UpdateStatus> {
    this.update = fromDesktopStatus(await this.api.checkForUpdates());
    return this.update;
  }

  override async downloadUpdate(): Promise<void> {
    this.update = fromDesktopStatus(await this.api.downloadUpdate());
  }

  override installUpdate(): Promise<void> {
    return this.api.installUpdate();
  }

  override onUpdateProgress(listener: (status: UpdateStatus) => void): Unsubscribe {
    return this.api.onUpdateProgress((event) => {
      const previous = this.update ?? { supported: true, currentVersion: '', state: 'idle' as const };
      this.update = applyUpdateEvent(previous, event);
      listener(this.update);
    });
  }
}
