import electronUpdater, { type AppUpdater, type ProgressInfo, type UpdateInfo } from 'electron-updater';
import type { UpdateEvent, UpdateStatus } from './ipc-contract.js';
import type { UpdatePolicy } from './updater-policy.js';

interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * electron-updater over the generic provider (an office can host latest.yml and the installers
 * on any HTTP server, also on the LAN). Manual download; a downloaded update installs on quit.
 * A failed check or download is reported and logged, never fatal to the running app.
 */
export class DesktopUpdater {
  private updater: AppUpdater | undefined;
  private last: UpdateEvent | undefined;

  constructor(
    private readonly policy: UpdatePolicy,
    private readonly currentVersion: string,
    private readonly log: Logger,
    private readonly onEvent: (event: UpdateEvent) => void,
  ) {
    if (!policy.enabled) {
      log.info(`auto-update off: ${policy.reason}`);
      return;
    }
    // electron-updater picks the platform updater lazily on first access; only touch it when allowed.
    const updater = electronUpdater.autoUpdater;
    updater.logger = log;
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = true;
    updater.allowDowngrade = false;
    updater.setFeedURL({ provider: 'generic', url: policy.feed.url, channel: policy.feed.channel });
    updater.on('checking-for-update', () => this.emit({ kind: 'checking' }));
    updater.on('update-available', (info: UpdateInfo) => this.emit({ kind: 'available', version: info.version, releaseNotes: notes(info) }));
    updater.on('update-not-available', (info: UpdateInfo) => this.emit({ kind: 'not-available', version: info.version }));
    updater.on('download-progress', (progress: ProgressInfo) =>
      this.emit({ kind: 'progress', percent: progress.percent, transferred: progress.transferred, total: progress.total, bytesPerSecond: progress.bytesPerSecond }),
    );
    updater.on('update-downloaded', (info: UpdateInfo) => this.emit({ kind: 'downloaded', version: info.version }));
    updater.on('error', (error: Error) => this.emit({ kind: 'error', message: error.message }));
    this.updater = updater;
  }

  status(): UpdateStatus {
    const base = { currentVersion: this.currentVersion, packageType: this.policy.packageType, last: this.last };
    if (!this.policy.enabled) return { ...base, enabled: false, reason: this.policy.reason };
    return { ...base, enabled: true, feedUrl: this.policy.feed.url, channel: this.policy.feed.channel };
  }

  async check(): Promise<UpdateStatus> {
    if (!this.updater) return this.status();
    try {
      await this.updater.checkForUpdates();
    } catch (error) {
      this.emit({ kind: 'error', message: `update check failed: ${(error as Error).message}` });
    }
    return this.status();
  }

  async download(): Promise<UpdateStatus> {
    if (!this.updater) return this.status();
    try {
      await this.updater.downloadUpdate();
    } catch (error) {
      this.emit({ kind: 'error', message: `download failed: ${(error as Error).message}` });
    }
    return this.status();
  }

  isDownloaded(): boolean {
    return this.last?.kind === 'downloaded';
  }

  /** Quits and runs the installer; the caller stops the server first. */
  install(): void {
    if (!this.updater || !this.isDownloaded()) throw new Error('no downloaded update to install');
    this.updater.quitAndInstall(false, true);
  }

  private emit(event: UpdateEvent): void {
    if (event.kind === 'error') this.log.warn(`updater: ${event.message}`);
    this.last = event;
    this.onEvent(event);
  }
}

function notes(info: UpdateInfo): string | undefined {
  if (typeof info.releaseNotes === 'string') return info.releaseNotes;
  if (Array.isArray(info.releaseNotes)) return info.releaseNotes.map((note) => note.note ?? '').join('\n');
  return undefined;
}
