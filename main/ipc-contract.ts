/**
 * The desktop bridge between the console (renderer) and main: channel names and payload
 * types in one place. No Electron or Node import, so the renderer can import the types.
 * Only desktop things travel over IPC; admin features go over HTTP (/api/admin).
 */
export const IPC_CHANNELS = {
  openDataFolder: 'integram:open-data-folder',
  openLogsFolder: 'integram:open-logs-folder',
  restartServer: 'integram:restart-server',
  quit: 'integram:quit',
  getServerState: 'integram:get-server-state',
  getDesktopInfo: 'integram:get-desktop-info',
  setStartAtLogin: 'integram:set-start-at-login',
  checkForUpdates: 'integram:check-for-updates',
  downloadUpdate: 'integram:download-update',
  installUpdate: 'integram:install-update',
  setLocale: 'integram:set-locale',
  /** main → renderer events */
  serverStateEvent: 'integram:server-state',
  updateEvent: 'integram:update-event',
} as const;

export type IpcChannelMap = typeof IPC_CHANNELS;

/** window.integramDesktop: present only inside the desktop app. */
export const DESKTOP_BRIDGE_KEY = 'integramDesktop';

export type ServerStateName = 'idle' | 'starting' | 'running' | 'degraded' | 'restarting' | 'stopping' | 'stopped' | 'failed' | 'crash-loop';

export interface ServerStateSnapshot {
  state: ServerStateName;
  reason?: string;
  pid?: number;
  url?: string;
  port: number;
  host: string;
  since: string;
  restarts: number;
  lastExit?: { code: number | null; signal: string | null };
  recentStderr: string[];
}

export interface DesktopInfo {
  appVersion: string;
  electronVersion: string;
  platform: string;
  dataDir: string;
  logsDir: string;
  /** URLs for other PCs when the server listens on the LAN (HOST=0.0.0.0); empty otherwise. */
  lanUrls: string[];
  startAtLogin: boolean;
  packageType: string;
}

export type UpdateEvent =
  | { kind: 'checking' }
  | { kind: 'available'; version: string; releaseNotes?: string }
  | { kind: 'not-available'; version: string }
  | { kind: 'progress'; percent: number; transferred: number; total: number; bytesPerSecond: number }
  | { kind: 'downloaded'; version: string }
  | { kind: 'error'; message: string };

export interface UpdateStatus {
  enabled: boolean;
  /** Why updates are off (package type, no UPDATE_URL ...). */
  reason?: string;
  currentVersion: string;
  packageType: string;
  feedUrl?: string;
  channel?: string;
  /** The newest event seen, so a console opened later can show the state. */
  last?: UpdateEvent;
}

export interface IntegramDesktopApi {
  openDataFolder(): Promise<void>;
  openLogsFolder(): Promise<void>;
  restartServer(): Promise<ServerStateSnapshot>;
  quit(): Promise<void>;
  getServerState(): Promise<ServerStateSnapshot>;
  /** Returns an unsubscribe function. */
  onServerState(listener: (state: ServerStateSnapshot) => void): () => void;
  getDesktopInfo(): Promise<DesktopInfo>;
  setStartAtLogin(enabled: boolean): Promise<DesktopInfo>;
  checkForUpdates(): Promise<UpdateStatus>;
  downloadUpdate(): Promise<UpdateStatus>;
  /** Stops the server gracefully, then quits and installs the downloaded update. */
  installUpdate(): Promise<void>;
  onUpdateProgress(listener: (event: UpdateEvent) => void): () => void;
  /** The console's chosen language, for the tray and the shell's dialogs (optional: older shells lack it). */
  setLocale?(locale: DesktopLocale): Promise<void>;
}

/** The languages of the shell's own texts (main/desktop-text.ts). */
export type DesktopLocale = 'en' | 'ru';
