/**
 * Preload for the console window. Sandboxed preloads run as classic scripts (no ESM), so this
 * folder is a CommonJS package (preload/package.json) and tsc emits require() here.
 * Exposes a narrow API; listeners never receive the IpcRendererEvent (it carries `sender`).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IntegramDesktopApi, IpcChannelMap, ServerStateSnapshot, UpdateEvent } from '../ipc-contract.js';

// The values must equal IPC_CHANNELS in ipc-contract.ts: the IpcChannelMap type enforces it
// (a sandboxed preload cannot require a sibling ESM module, so the constant is restated).
const IPC: IpcChannelMap = {
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
  serverStateEvent: 'integram:server-state',
  updateEvent: 'integram:update-event',
};

function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const wrapped = (_event: unknown, payload: T): void => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api: IntegramDesktopApi = {
  openDataFolder: () => ipcRenderer.invoke(IPC.openDataFolder),
  openLogsFolder: () => ipcRenderer.invoke(IPC.openLogsFolder),
  restartServer: () => ipcRenderer.invoke(IPC.restartServer),
  quit: () => ipcRenderer.invoke(IPC.quit),
  getServerState: () => ipcRenderer.invoke(IPC.getServerState),
  onServerState: (listener) => subscribe<ServerStateSnapshot>(IPC.serverStateEvent, listener),
  getDesktopInfo: () => ipcRenderer.invoke(IPC.getDesktopInfo),
  setStartAtLogin: (enabled) => ipcRenderer.invoke(IPC.setStartAtLogin, enabled === true),
  checkForUpdates: () => ipcRenderer.invoke(IPC.checkForUpdates),
  downloadUpdate: () => ipcRenderer.invoke(IPC.downloadUpdate),
  installUpdate: () => ipcRenderer.invoke(IPC.installUpdate),
  onUpdateProgress: (listener) => subscribe<UpdateEvent>(IPC.updateEvent, listener),
  setLocale: (locale) => ipcRenderer.invoke(IPC.setLocale, locale),
};

contextBridge.exposeInMainWorld('integramDesktop', api);
