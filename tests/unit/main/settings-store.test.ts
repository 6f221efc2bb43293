import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../main/atomic-write.js';
import { DesktopSettingsSchema, SettingsStore } from '../../../main/settings-store.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'settings-'));
  file = join(dir, 'desktop-settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('gives defaults when no file exists', () => {
    const { settings, warnings } = new SettingsStore(file, DesktopSettingsSchema).load();
    expect(settings).toEqual({ startAtLogin: false, openConsoleOnStart: true, autoDownloadUpdates: false });
    expect(warnings).toEqual([]);
  });

  it('writes atomically, leaves no temp file and reads back', () => {
    const store = new SettingsStore(file, DesktopSettingsSchema);
    store.update({ startAtLogin: true, updateUrl: 'http://updates.lan/integram/' });
    expect(readdirSync(dir)).toEqual(['desktop-settings.json']);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = new SettingsStore(file, DesktopSettingsSchema).load();
    expect(again.settings.startAtLogin).toBe(true);
    expect(again.settings.updateUrl).toBe('http://updates.lan/integram/');
  });

  it('refuses an invalid update and keeps the previous file', () => {
    const store = new SettingsStore(file, DesktopSettingsSchema);
    store.update({ startAtLogin: true });
    const before = readFileSync(file, 'utf8');
    expect(() => store.update({ dataDir: 'relative/path' })).toThrow(/dataDir: must be an absolute path/);
    expect(() => store.update({ updateUrl: 'file:///etc' })).toThrow(/updateUrl/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('recovers from invalid JSON with a reason and keeps the broken file aside', () => {
    writeFileSync(file, '{"startAtLogin": tru');
    const { settings, warnings } = new SettingsStore(file, DesktopSettingsSchema).load();
    expect(settings.startAtLogin).toBe(false);
    expect(warnings[0]).toMatch(/not valid JSON/);
    const aside = readdirSync(dir).find((name) => name.startsWith('desktop-settings.json.broken-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir, aside as string), 'utf8')).toBe('{"startAtLogin": tru');
    expect(existsSync(file)).toBe(false);
  });

  it('drops only the invalid fields and says which', () => {
    writeFileSync(file, JSON.stringify({ startAtLogin: true, openConsoleOnStart: 'yes', dataDir: 'rel' }));
    const { settings, warnings } = new SettingsStore(file, DesktopSettingsSchema).load();
    expect(settings.startAtLogin).toBe(true);
    expect(settings.openConsoleOnStart).toBe(true);
    expect(settings.dataDir).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/"openConsoleOnStart" ignored/);
    expect(warnings.join('\n')).toMatch(/"dataDir" ignored/);
  });

  it('treats a JSON array as unusable', () => {
    writeFileSync(file, '[1,2]');
    const { warnings } = new SettingsStore(file, DesktopSettingsSchema).load();
    expect(warnings[0]).toMatch(/not hold a JSON object/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content in one step', () => {
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['desktop-settings.json']);
  });
});
