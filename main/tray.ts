import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import { join } from 'node:path';
import type { ServerStateSnapshot } from './ipc-contract.js';
import { trayLook, type TrayLook } from './tray-look.js';

export interface TrayActions {
  openConsole(): void;
  openDataFolder(): void;
  restartServer(): void;
  quit(): void;
}

const LABELS: Record<TrayLook, string> = { running: 'running', degraded: 'needs attention', stopped: 'stopped' };

export class AppTray {
  private readonly tray: Tray;
  private readonly images: Record<TrayLook, NativeImage>;

  constructor(
    iconsDir: string,
    private readonly actions: TrayActions,
  ) {
    const load = (name: TrayLook): NativeImage => nativeImage.createFromPath(join(iconsDir, `tray-${name}.png`));
    this.images = { running: load('running'), degraded: load('degraded'), stopped: load('stopped') };
    this.tray = new Tray(this.images.stopped);
    this.tray.on('click', () => actions.openConsole());
    this.update(undefined);
  }

  update(status: ServerStateSnapshot | undefined): void {
    const look = status ? trayLook(status.state) : 'stopped';
    this.tray.setImage(this.images[look]);
    const detail = status ? `${status.state}${status.reason ? `: ${status.reason.split('\n')[0]}` : ''}` : 'starting';
    // Windows limits the tooltip to 127 characters.
    this.tray.setToolTip(`Integram Appliance — server ${LABELS[look]}\n${detail}`.slice(0, 127));
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: `Server: ${detail}`.slice(0, 80), enabled: false },
        { type: 'separator' },
        { label: 'Open console', click: () => this.actions.openConsole(), enabled: look !== 'stopped' },
        { label: 'Open data folder', click: () => this.actions.openDataFolder() },
        { label: 'Restart server', click: () => this.actions.restartServer() },
        { type: 'separator' },
        { label: 'Quit Integram Appliance', click: () => this.actions.quit() },
      ]),
    );
  }

  destroy(): void {
    this.tray.destroy();
  }
}
