import { describe, expect, it } from 'vitest';
import { detectPackageType, updatePolicy, type PackageEnvironment } from '../../../main/updater-policy.js';

const base: PackageEnvironment = { platform: 'linux', isPackaged: true, env: {} };

describe('detectPackageType', () => {
  it('names each installation kind', () => {
    expect(detectPackageType({ ...base, isPackaged: false })).toBe('dev');
    expect(detectPackageType({ ...base, env: { APPIMAGE: '/home/u/Integram.AppImage' } })).toBe('AppImage');
    expect(detectPackageType({ ...base, packageTypeFile: 'deb\n' })).toBe('deb');
    expect(detectPackageType({ ...base, packageTypeFile: 'rpm' })).toBe('rpm');
    expect(detectPackageType({ ...base, env: { FLATPAK_ID: 'x' } })).toBe('flatpak');
    expect(detectPackageType(base)).toBe('unknown');
    expect(detectPackageType({ ...base, platform: 'win32' })).toBe('nsis');
    expect(detectPackageType({ ...base, platform: 'win32', env: { PORTABLE_EXECUTABLE_DIR: 'C:\\x' } })).toBe('portable');
    expect(detectPackageType({ ...base, platform: 'darwin' })).toBe('dmg');
  });
});

describe('updatePolicy', () => {
  it('enables the generic provider for NSIS, AppImage and dmg', () => {
    for (const type of ['nsis', 'AppImage', 'dmg'] as const) {
      const policy = updatePolicy(type, 'http://updates.office.lan/integram/', 'beta');
      expect(policy).toEqual({ enabled: true, packageType: type, feed: { provider: 'generic', url: 'http://updates.office.lan/integram/', channel: 'beta' } });
    }
  });
  it('refuses deb, rpm, portable and dev with a reason', () => {
    for (const type of ['deb', 'rpm', 'portable', 'dev', 'unknown', 'snap', 'flatpak'] as const) {
      const policy = updatePolicy(type, 'https://updates.example.com/');
      expect(policy.enabled, type).toBe(false);
      if (!policy.enabled) expect(policy.reason.length).toBeGreaterThan(10);
    }
    const deb = updatePolicy('deb', 'https://u.example/');
    expect(!deb.enabled && deb.reason).toMatch(/package manager/);
  });
  it('needs a valid http(s) UPDATE_URL and channel', () => {
    const none = updatePolicy('nsis', undefined);
    expect(!none.enabled && none.reason).toMatch(/UPDATE_URL/);
    const bad = updatePolicy('nsis', 'ftp://x/');
    expect(!bad.enabled && bad.reason).toMatch(/http or https/);
    const garbage = updatePolicy('nsis', 'not a url');
    expect(!garbage.enabled && garbage.reason).toMatch(/not a valid URL/);
    const channel = updatePolicy('nsis', 'https://u.example/', '../x');
    expect(!channel.enabled && channel.reason).toMatch(/channel/);
  });
});
