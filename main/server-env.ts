/**
 * The environment the desktop app gives the server process. The server's working directory is
 * the data folder, so its default `./.env` is `<data folder>/.env` (the file the console's
 * settings page edits). ENV_FILE is deliberately not set: the server treats an explicit
 * ENV_FILE that does not exist yet (first start) as a configuration error.
 */
export interface DesktopServerEnvInput {
  dataDir: string;
  appVersion: string;
  electronVersion?: string;
}

export function desktopServerEnv(input: DesktopServerEnvInput): Record<string, string> {
  const env: Record<string, string> = {
    DATA_DIR: input.dataDir,
    INTEGRAM_DESKTOP: '1',
    INTEGRAM_APP_VERSION: input.appVersion,
  };
  if (input.electronVersion) env.ELECTRON_VERSION = input.electronVersion;
  return env;
}
