// The preload API (`window.integramDesktop`), typed by the desktop side's contract.
import type { IntegramDesktopApi } from '../../../main/ipc-contract.js';

export type {
  DesktopInfo, IntegramDesktopApi, ServerStateSnapshot, UpdateEvent, UpdateStatus as DesktopUpdateStatus,
} from '../../../main/ipc-contract.js';

declare global {
  interface Window {
    integramDesktop?: IntegramDesktopApi;
  }
}
