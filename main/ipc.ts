import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { IPC_CHANNELS, type DesktopInfo, type DesktopLocale, type ServerStateSnapshot, type UpdateEvent, type UpdateStatus } from './ipc-contract.js';
import { isConsoleUrl } from './trusted-url.js';

export interface IpcHandlers {
  consolePort(): number;
  openDataFolder(): Promise<void>;
  openLogsFolder(): Promise<void>;
  restartServer(): Promise<ServerStateSnapshot>;
  quit(): Promise<void>;
  getServerState(): ServerStateSnapshot;
  getDesktopInfo(): DesktopInfo;
  setStartAtLogin(enabled: boolean): DesktopInfo;
  checkForUpdates(): Promise<UpdateStatus>;
  downloadUpdate(): Promise<UpdateStatus>;
  installUpdate(): Promise<void>;
  setLocale(locale: DesktopLocale): void;
}

/**
 * Registers the desktop IPC handlers. Every call is checked to come from the console page on
 * our loopback origin (a navigated-away or injected frame gets nothing), and payloads are
 * validated with zod.
 */
export function registerIpc(handlers: IpcHandlers): void {
  const guarded = <A extends unknown[], R>(channel: string, schema: z.ZodType<A>, run: (...args: A) => R | Promise<R>): void => {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...raw: unknown[]) => {
      const url = event.senderFrame?.url ?? '';
      if (!isConsoleUrl(url, handlers.consolePort())) throw new Error(`IPC ${channel} refused: sender ${url || '(unknown)'} is not the console`);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new Error(`IPC ${channel}: invalid arguments`);
      return run(...parsed.data);
    });
  };
  const none = z.tuple([]);
  guarded(IPC_CHANNELS.openDataFolder, none, () => handlers.openDataFolder());
  guarded(IPC_CHANNELS.openLogsFolder, none, () => handlers.openLogsFolder());
  guarded(IPC_CHANNELS.restartServer, none, () => handlers.restartServer());
  guarded(IPC_CHANNELS.quit, none, () => handlers.quit());
  guarded(IPC_CHANNELS.getServerState, none, () => handlers.getServerState());
  guarded(IPC_CHANNELS.getDesktopInfo, none, () => handlers.getDesktopInfo());
  guarded(IPC_CHANNELS.setStartAtLogin, z.tuple([z.boolean()]), (enabled) => handlers.setStartAtLogin(enabled));
  guarded(IPC_CHANNELS.checkForUpdates, none, () => handlers.checkForUpdates());
  guarded(IPC_CHANNELS.downloadUpdate, none, () => handlers.downloadUpdate());
  guarded(IPC_CHANNELS.installUpdate, none, () => handlers.installUpdate());
  guarded(IPC_CHANNELS.setLocale, z.tuple([z.enum(['en', 'ru'])]), (locale) => handlers.setLocale(locale));
}

/** Pushes an event to every console window still showing the console. */
export function broadcast(channel: typeof IPC_CHANNELS.serverStateEvent, payload: ServerStateSnapshot, port: number): void;
export function broadcast(channel: typeof IPC_CHANNELS.updateEvent, payload: UpdateEvent, port: number): void;
export function broadcast(channel: string, payload: unknown, port: number): void {
  for (const window of BrowserWindow.getAllWindows()) {
    const contents = window.webContents;
    if (!contents.isDestroyed() && isConsoleUrl(contents.getURL(), port)) contents.send(channel, payload);
  }
}
