// ConsoleBridge inside the Electron app: desktop-only actions (data folder, quit, restarting the
// server process, updates) go over the preload API; admin data still goes over HTTP to the local
// server, because the admin API lives in the server (a headless install has the same features).
import type { UpdateStatus } from '../contract.js';
import type { IntegramDesktopApi } from './desktop-api.js';
import { HttpBridge } from './http.js';
import type { DesktopActions, Unsubscribe } from './types.js';

export class IpcBridge extends HttpBridge {
  override readonly kind = 'ipc' as const;
  override readonly desktop: DesktopActions;

  constructor(private readonly api: IntegramDesktopApi, origin = '') {
    super(origin);
    this.desktop = {
      openDataFolder: () => api.openDataFolder(),
      quit: () => api.quit(),
    };
  }

  /** The supervisor restarts the server process; this works even when the server is unhealthy. */
  override restartServer(): Promise<void> {
    return this.api.restartServer();
  }

  /** The updater lives in the desktop main process; the server only knows its own version. */
  override async getUpdateStatus(): Promise<UpdateStatus> {
    const status = await this.getStatus();
    return { supported: true, currentVersion: status.version, state: 'idle' };
  }

  override checkForUpdates(): Promise<UpdateStatus> {
    return this.api.checkForUpdates();
  }

  override downloadUpdate(): Promise<void> {
    return this.api.downloadUpdate();
  }

  override installUpdate(): Promise<void> {
    return this.api.installUpdate();
  }

  override onUpdateProgress(listener: (status: UpdateStatus) => void): Unsubscribe {
    return this.api.onUpdateProgress(listener);
  }
}
