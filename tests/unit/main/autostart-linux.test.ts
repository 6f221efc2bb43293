import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autostartFile, desktopEntry, isLinuxAutostartEnabled, setLinuxAutostart } from '../../../main/autostart-linux.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Linux start at login (XDG autostart)', () => {
  it('writes and removes the autostart entry', () => {
    const configHome = mkdtempSync(join(tmpdir(), 'xdg-'));
    dirs.push(configHome);
    const options = { configHome, appId: 'ru.integram.appliance', name: 'Integram Appliance', exec: '/opt/Integram Appliance/integram', args: ['--hidden'] };
    expect(isLinuxAutostartEnabled(options)).toBe(false);
    setLinuxAutostart(true, options);
    const file = autostartFile(options);
    expect(file).toBe(join(configHome, 'autostart', 'ru.integram.appliance.desktop'));
    expect(readFileSync(file, 'utf8')).toContain('Exec="/opt/Integram Appliance/integram" --hidden');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    setLinuxAutostart(false, options);
    expect(isLinuxAutostartEnabled(options)).toBe(false);
  });

  it('quotes what the Exec key needs quoted', () => {
    const entry = desktopEntry({ configHome: '/x', appId: 'a', name: 'N', exec: '/a/$b"c' });
    expect(entry).toContain('Exec="/a/\\$b\\"c"');
    expect(entry.startsWith('[Desktop Entry]\nType=Application\nName=N\n')).toBe(true);
  });
});
