import { existsSync, readFileSync } from 'node:fs';

/**
 * Minimal .env reader for the few values main needs before the server runs (PORT, HOST,
 * UPDATE_URL, UPDATE_CHANNEL). The server owns the file and its full syntax; this handles
 * KEY=VALUE lines, comments, `export ` prefixes and single/double quotes.
 */
export function parseEnvText(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    values[match[1]] = value;
  }
  return values;
}

export function readEnvFile(file: string): Record<string, string> {
  return existsSync(file) ? parseEnvText(readFileSync(file, 'utf8')) : {};
}

export interface ServerEndpoint {
  port: number;
  host: string;
}

/** PORT/HOST the server will use: the process environment wins over the .env file (as in the server). */
export function resolveEndpoint(fileValues: Record<string, string>, env: NodeJS.ProcessEnv = process.env): ServerEndpoint {
  const portText = env.PORT ?? fileValues.PORT ?? '8081';
  const port = Number(portText);
  const host = (env.HOST ?? fileValues.HOST ?? '127.0.0.1').trim() || '127.0.0.1';
  return { port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 8081, host };
}

export interface UpdateFeedSettings {
  url?: string;
  channel: string;
}

/**
 * UPDATE_URL/UPDATE_CHANNEL as the server's settings page shows them: the process environment
 * wins over the .env file, an empty value counts as unset, the channel defaults to `latest`.
 * (The desktop's own per-PC settings override both; see main/index.ts.)
 */
export function resolveUpdateFeed(fileValues: Record<string, string>, env: NodeJS.ProcessEnv = process.env): UpdateFeedSettings {
  const pick = (key: string): string | undefined => {
    for (const value of [env[key], fileValues[key]]) {
      const text = value?.trim();
      if (text) return text;
    }
    return undefined;
  };
  return { url: pick('UPDATE_URL'), channel: pick('UPDATE_CHANNEL') ?? 'latest' };
}
