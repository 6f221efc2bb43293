import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import { join } from 'node:path';
import type { ServerStateSnapshot } from './ipc-contract.js';
import { trayTexts } from './desktop-text.js';
import type { DesktopLocale } from './ipc-contract.js';
import { trayLook, type TrayLook } from './tray-look.js';

export interface TrayActions {
  openConsole(): void;
  openDataFolder(): void;
  restartServer(): void;
  quit(): void;
}

export class AppTray {
  private readonly tray: Tray;
  private readonly images: Record<TrayLook, NativeImage>;
  private last: ServerStateSnapshot | undefined;

  constructor(
    iconsDir: string,
    private readonly actions: TrayActions,
    /** the language of the menu and tooltip, asked at every update (the console may change it) */
    private readonly locale: () => DesktopLocale,
  ) {
    const load = (name: TrayLook): NativeImage => nativeImage.createFromPath(join(iconsDir, `tray-${name}.png`));
    this.images = { running: load('running'), degraded: load('degraded'), stopped: load('stopped') };
    this.tray = new Tray(this.images.stopped);
    this.tray.on('click', () => actions.openConsole());
    this.update(undefined);
  }

  update(status: ServerStateSnapshot | undefined): void {
    this.last = status;
    const look = status ? trayLook(status.state) : 'stopped';
    this.tray.setImage(this.images[look]);
    const text = trayTexts(this.locale(), look, status);
    this.tray.setToolTip(text.tooltip);
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: text.header, enabled: false },
        { type: 'separator' },
        { label: text.openConsole, click: () => this.actions.openConsole(), enabled: look !== 'stopped' },
        { label: text.openDataFolder, click: () => this.actions.openDataFolder() },
        { label: text.restartServer, click: () => this.actions.restartServer() },
        { type: 'separator' },
        { label: text.quit, click: () => this.actions.quit() },
      ]),
    );
  }

  /** Redraws the texts after a change of language. */
  refresh(): void {
    this.update(this.last);
  }

  destroy(): void {
    this.tray.destroy();
  }
}
