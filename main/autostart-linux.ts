import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

/**
 * Start at login on Linux, where app.setLoginItemSettings does nothing: an XDG autostart
 * entry (~/.config/autostart/<id>.desktop). `exec` is the AppImage path when running from
 * one (process.execPath points inside the temporary mount).
 */
export interface LinuxAutostartOptions {
  configHome: string;
  appId: string;
  name: string;
  exec: string;
  args?: string[];
}

export function autostartFile(options: Pick<LinuxAutostartOptions, 'configHome' | 'appId'>): string {
  return join(options.configHome, 'autostart', `${options.appId}.desktop`);
}

export function desktopEntry(options: LinuxAutostartOptions): string {
  const quote = (part: string): string => (/[\s"'\\$`]/.test(part) ? `"${part.replace(/(["\\$`])/g, '\\$1')}"` : part);
  const exec = [options.exec, ...(options.args ?? [])].map(quote).join(' ');
  return ['[Desktop Entry]', 'Type=Application', `Name=${options.name}`, `Exec=${exec}`, 'X-GNOME-Autostart-enabled=true', 'Terminal=false', ''].join('\n');
}

export function setLinuxAutostart(enabled: boolean, options: LinuxAutostartOptions): void {
  const file = autostartFile(options);
  if (enabled) writeFileAtomic(file, desktopEntry(options), 0o644);
  else rmSync(file, { force: true });
}

export function isLinuxAutostartEnabled(options: Pick<LinuxAutostartOptions, 'configHome' | 'appId'>): boolean {
  return existsSync(autostartFile(options));
}
