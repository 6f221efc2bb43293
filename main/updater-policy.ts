/**
 * Whether electron-updater may update this installation, and from where. Self-update is
 * allowed where the app owns its files (NSIS, AppImage, dmg); deb/rpm belong to the system
 * package manager (and its update path needs root through pkexec), portable builds and dev
 * runs have nothing to replace.
 */
export type PackageType = 'nsis' | 'portable' | 'AppImage' | 'deb' | 'rpm' | 'pacman' | 'snap' | 'flatpak' | 'dmg' | 'dev' | 'unknown';

export interface PackageEnvironment {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
  /** Content of resources/package-type (electron-builder writes it for Linux packages). */
  packageTypeFile?: string;
}

export function detectPackageType(context: PackageEnvironment): PackageType {
  if (!context.isPackaged) return 'dev';
  const { env } = context;
  if (context.platform === 'win32') return env.PORTABLE_EXECUTABLE_DIR ? 'portable' : 'nsis';
  if (context.platform === 'darwin') return 'dmg';
  if (context.platform === 'linux') {
    if (env.APPIMAGE) return 'AppImage';
    if (env.SNAP) return 'snap';
    if (env.FLATPAK_ID) return 'flatpak';
    const written = context.packageTypeFile?.trim();
    if (written === 'deb' || written === 'rpm' || written === 'pacman') return written;
  }
  return 'unknown';
}

export interface UpdateFeed {
  provider: 'generic';
  url: string;
  channel: string;
}

export type UpdatePolicy = { enabled: true; packageType: PackageType; feed: UpdateFeed } | { enabled: false; packageType: PackageType; reason: string };

const REFUSALS: Partial<Record<PackageType, string>> = {
  dev: 'not a packaged build (development run); updates apply to installed builds only',
  deb: 'installed from a .deb package: update it with the system package manager (apt) or install the new .deb',
  rpm: 'installed from an .rpm package: update it with the system package manager (dnf/zypper) or install the new .rpm',
  pacman: 'installed with pacman: update it with the system package manager',
  snap: 'installed as a snap: snapd updates it',
  flatpak: 'installed as a flatpak: flatpak updates it',
  portable: 'portable build: download the new version and replace the file',
  unknown: 'the package type could not be determined, so automatic update is off',
};

export function updatePolicy(packageType: PackageType, updateUrl: string | undefined, channel = 'latest'): UpdatePolicy {
  const refusal = REFUSALS[packageType];
  if (refusal) return { enabled: false, packageType, reason: refusal };
  if (!updateUrl) return { enabled: false, packageType, reason: 'no update server configured (set UPDATE_URL in the settings)' };
  let parsed: URL;
  try {
    parsed = new URL(updateUrl);
  } catch {
    return { enabled: false, packageType, reason: `UPDATE_URL is not a valid URL: ${updateUrl}` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { enabled: false, packageType, reason: `UPDATE_URL must be http or https, got ${parsed.protocol}` };
  }
  if (!/^[a-z0-9-]+$/i.test(channel)) return { enabled: false, packageType, reason: `invalid update channel: ${channel}` };
  return { enabled: true, packageType, feed: { provider: 'generic', url: parsed.toString(), channel } };
}
