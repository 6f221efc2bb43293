// The preload API (`window.integramDesktop`) as far as the console uses it.
// PROVISIONAL: main/ipc-contract.ts (written by the desktop side) is the source of truth; once it
// exists, this file should re-export its types instead of declaring them here.
import type { UpdateStatus } from '../contract.js';

export interface DesktopServerState {
  /** e.g. 'running' | 'starting' | 'stopped' | 'crash-loop' */
  state: string;
  /** the server's base URL, e.g. http://127.0.0.1:8081 */
  url?: string;
  reason?: string;
}

export interface IntegramDesktopApi {
  openDataFolder(): Promise<void>;
  restartServer(): Promise<void>;
  quit(): Promise<void>;
  getServerState(): Promise<DesktopServerState>;
  onServerState(listener: (state: DesktopServerState) => void): () => void;
  checkForUpdates(): Promise<UpdateStatus>;
  downloadUpdate(): Promise<void>;
  installUpdate(): Promise<void>;
  onUpdateProgress(listener: (status: UpdateStatus) => void): () => void;
}

declare global {
  interface Window {
    integramDesktop?: IntegramDesktopApi;
  }
}
