import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, maskSecret, type LoadConfigOptions, type LoadedConfig } from '../../../server/config/index.js';
import { EXAMPLE_SECRET_PLACEHOLDER, SETTINGS, SETTING_GROUPS, SETTING_KEYS, configSchema } from '../../../server/config/schema.js';
import { generateJwtSecret } from '../../../server/config/secrets.js';
import { fieldCodeOf } from '../../../server/config/field-codes.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'integram-config-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** loadConfig isolated from the machine: a temp cwd, no argv, only the given env. */
function load(env: Record<string, string>, options: Partial<LoadConfigOptions> = {}): LoadedConfig {
  const cwd = options.cwd ?? tempDir();
  return loadConfig({ env: { DATA_DIR: path.join(cwd, 'data'), ...env }, argv: [], cwd, ...options });
}

function item(loaded: LoadedConfig, key: string) {
  const found = loaded.report.find((entry) => entry.key === key);
  if (!found) throw new Error(`no report for ${key}`);
  return found;
}

const STRONG = generateJwtSecret();

describe('settings registry', () => {
  it('declares every implemented setting once, each with a group and a description', () => {
    const specKeys = [
      'PORT', 'HOST', 'PUBLIC_URL', 'SERVER_NAME', 'NODE_ENV', 'HTTPS_ENABLED', 'SSL_CERT_PATH', 'SSL_KEY_PATH', 'CORS_ORIGIN',
      'TRUST_PROXY', 'ENV_FILE', 'DATABASE_URL', 'DB_SOCKET', 'DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_CHARSET',
      'JWT_SECRET', 'JWT_ACCESS_TOKEN_EXPIRES_IN', 'JWT_REFRESH_TOKEN_EXPIRES_IN', 'BCRYPT_ROUNDS', 'AUTH_SALT',
      'AUTH_COOKIE_EXPIRE', 'TOKEN_TTL', 'INTEGRAM_MASTER_PASSWORD', 'AUTH_MODE', 'REGISTRATION_ENABLED', 'DEFAULT_DATABASE',
      'INTEGRAM_TEMPLATES', 'ADMIN_ALLOWED_IPS', 'DATA_DIR', 'LOG_LEVEL', 'LOG_FILE', 'DISABLE_LOGGING', 'BACKUP_SCHEDULE', 'BACKUP_KEEP', 'UPDATE_URL',
      'UPDATE_CHANNEL', 'POLZA_AI_API_KEY', 'DEEPSEEK_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY',
    ];
    for (const key of specKeys) expect(SETTING_KEYS, key).toContain(key);
    for (const key of SETTING_KEYS) {
      expect(SETTINGS[key].description.length, key).toBeGreaterThan(5);
      expect(SETTINGS[key].schema.description, key).toBe(SETTINGS[key].description);
    }
    for (const key of ['JWT_SECRET', 'AUTH_SALT', 'DB_PASSWORD', 'DATABASE_URL', 'INTEGRAM_MASTER_PASSWORD', 'POLZA_AI_API_KEY', 'DEEPSEEK_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY'] as const) {
      expect(SETTINGS[key].secret, key).toBe(true);
    }
    expect(SETTINGS.HOST.secret).toBe(false);
  });

  it('holds no setting that nothing implements yet (each returns with the issue that implements it)', () => {
    const notYet = [
      'TEMP_DIR', 'WORKSPACE_ROOT', 'SESSION_SECRET', 'HTTPS_PROXY',
    ];
    for (const key of notYet) expect(SETTING_KEYS, key).not.toContain(key);
    // mail, the AI chat's keys and the upstream link came back with their implementations
    for (const group of ['mail', 'ai', 'upstream']) expect(SETTING_GROUPS, group).toContain(group);
  });

  it('the link to the main Integram server (group upstream, read by the pull): an address is checked, the token and password are secrets', () => {
    expect(SETTINGS.INTEGRAM_API_BASE_URL.group).toBe('upstream');
    expect(SETTINGS.INTEGRAM_AUTH_TOKEN.secret).toBe(true);
    expect(SETTINGS.INTEGRAM_REGISTRATION_PASSWORD.secret).toBe(true);
    expect(SETTINGS.INTEGRAM_REGISTRATION_USERNAME.secret).toBe(false);
    expect(load({ INTEGRAM_API_BASE_URL: 'nonsense' }).errors).toEqual(['INTEGRAM_API_BASE_URL: expected an absolute http:// or https:// URL']);
    const good = load({ INTEGRAM_API_BASE_URL: 'https://integram.example.com', INTEGRAM_REGISTRATION_USERNAME: 'boss', INTEGRAM_REGISTRATION_PASSWORD: 'pw' });
    expect(good.ok).toBe(true);
    if (good.ok) expect(good.config.INTEGRAM_API_BASE_URL).toBe('https://integram.example.com');
  });

  it('has the documented defaults', () => {
    const cwd = tempDir();
    const loaded = loadConfig({ env: {}, argv: [], cwd });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const c = loaded.config;
    expect(c.PORT).toBe(8081);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.DATA_DIR).toBe(path.join(cwd, 'data'));
    expect(c.LOG_FILE).toBe(path.join(cwd, 'data', 'logs', 'server.log'));
    expect(c.HEAP_KEEPER).toBe(true);
    expect(c.DB_PORT).toBe(3306);
    expect(c.DB_NAME).toBe('integram');
    expect(c.DB_CHARSET).toBe('utf8mb4');
    expect(c.JWT_ACCESS_TOKEN_EXPIRES_IN).toBe('15m');
    expect(c.JWT_REFRESH_TOKEN_EXPIRES_IN).toBe('7d');
    expect(c.BCRYPT_ROUNDS).toBe(10);
    expect(c.AUTH_COOKIE_EXPIRE).toBe(2592000);
    expect(c.TOKEN_TTL).toBeUndefined();
    expect(c.AUTH_MODE).toBe('real');
    expect(c.REGISTRATION_ENABLED).toBe(false);
    expect(c.DEFAULT_DATABASE).toBe('my');
    expect(c.INTEGRAM_TEMPLATES).toBe(':ru:en:');
    expect(c.ADMIN_ALLOWED_IPS).toEqual(['127.0.0.1', '::1']);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.DISABLE_LOGGING).toBe(false);
    expect(c.UPDATE_CHANNEL).toBe('latest');
    expect(c.UPLOAD_DIR).toBe(path.join(cwd, 'data', 'uploads'));
    expect(c.UPLOAD_MAX_SIZE).toBe('16mb');
    expect(c.UPLOAD_MAX_BYTES).toBe(16 * 1024 * 1024);
    expect(item(loaded, 'PORT')).toMatchObject({ status: 'default', source: 'default', display: '8081' });
  });
});

describe('sources and precedence', () => {
  it('the environment wins over the .env file named by ENV_FILE', () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'custom.env');
    writeFileSync(file, 'PORT=9001\nHOST=127.0.0.2\nLOG_LEVEL=debug\n');
    const loaded = load({ ENV_FILE: file, PORT: '9002' }, { cwd });
    expect(loaded.ok).toBe(true);
    expect(loaded.envFile).toBe(file);
    expect(item(loaded, 'PORT')).toMatchObject({ value: 9002, source: 'env', status: 'ok' });
    expect(item(loaded, 'HOST')).toMatchObject({ value: '127.0.0.2', source: 'file', status: 'ok' });
    expect(item(loaded, 'LOG_LEVEL')).toMatchObject({ value: 'debug', source: 'file' });
  });

  it('--env-file in argv wins over ENV_FILE, and ./.env is read when nothing is named', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'a.env'), 'PORT=9101\n');
    writeFileSync(path.join(cwd, 'b.env'), 'PORT=9102\n');
    writeFileSync(path.join(cwd, '.env'), 'PORT=9103\n');
    const both = load({ ENV_FILE: 'b.env' }, { cwd, argv: ['--env-file', 'a.env'] });
    expect(both.envFile).toBe(path.join(cwd, 'a.env'));
    expect(item(both, 'PORT').value).toBe(9101);
    const equalsForm = load({}, { cwd, argv: ['--env-file=b.env'] });
    expect(item(equalsForm, 'PORT').value).toBe(9102);
    const dotEnv = load({}, { cwd });
    expect(dotEnv.envFile).toBe(path.join(cwd, '.env'));
    expect(item(dotEnv, 'PORT')).toMatchObject({ value: 9103, source: 'file' });
  });

  it('a named .env file that does not exist is an error; unknown keys in the file are listed', () => {
    const cwd = tempDir();
    const missing = load({ ENV_FILE: path.join(cwd, 'nope.env') }, { cwd });
    expect(missing.ok).toBe(false);
    expect(missing.errors.join('\n')).toMatch(/ENV_FILE: the file .*nope\.env does not exist/);
    writeFileSync(path.join(cwd, '.env'), 'PORTT=1\nPORT=9000\n');
    const typo = load({}, { cwd });
    expect(typo.unknownFileKeys).toEqual(['PORTT']);
  });

  it('an older .env that still names a setting taken out of the schema loads; the key is ignored and listed as unknown', () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, '.env'),
      'PORT=9004\nTEMP_DIR=/tmp/old\nSESSION_SECRET=not-a-secret-now\nHTTPS_PROXY=nonsense\n',
    );
    const loaded = load({}, { cwd });
    expect(loaded.errors).toEqual([]);
    expect(loaded.ok).toBe(true);
    expect(item(loaded, 'PORT').value).toBe(9004);
    expect(loaded.unknownFileKeys).toEqual(['TEMP_DIR', 'SESSION_SECRET', 'HTTPS_PROXY']);
    expect(loaded.report.map((entry) => entry.key)).not.toContain('TEMP_DIR');
    if (loaded.ok) expect(Object.keys(loaded.config)).not.toContain('TEMP_DIR');
  });

  it('empty values count as unset', () => {
    const loaded = load({ PORT: '', DB_HOST: '' });
    expect(loaded.ok).toBe(true);
    expect(item(loaded, 'PORT')).toMatchObject({ value: 8081, status: 'default' });
    expect(item(loaded, 'DB_HOST').value).toBeUndefined();
  });

  it('reads AUTH_SALT from its alias INTEGRAM_SALT; AUTH_SALT itself wins', () => {
    const alias = load({ INTEGRAM_SALT: 'php-salt' });
    expect(alias.ok && alias.config.AUTH_SALT).toBe('php-salt');
    expect(item(alias, 'AUTH_SALT')).toMatchObject({ source: 'env', readAs: 'INTEGRAM_SALT', message: 'read from INTEGRAM_SALT' });
    const both = load({ INTEGRAM_SALT: 'php-salt', AUTH_SALT: 'own' });
    expect(both.ok && both.config.AUTH_SALT).toBe('own');
  });
});

describe('value parsing', () => {
  it('booleans from true/false/1/0/yes/no, and a clear error otherwise', () => {
    for (const [text, value] of [['true', true], ['1', true], ['yes', true], ['YES', true], ['false', false], ['0', false], ['no', false]] as const) {
      const loaded = load({ REGISTRATION_ENABLED: text });
      expect(loaded.ok && loaded.config.REGISTRATION_ENABLED, text).toBe(value);
    }
    const bad = load({ REGISTRATION_ENABLED: 'maybe' });
    expect(bad.ok).toBe(false);
    expect(item(bad, 'REGISTRATION_ENABLED')).toMatchObject({ status: 'error', message: expect.stringMatching(/true or false/) });
  });

  it('numbers, enums, lists, durations and cron expressions are validated', () => {
    expect(load({ PORT: 'abc' }).errors.join()).toMatch(/PORT: expected a whole number/);
    expect(load({ PORT: '70000' }).errors.join()).toMatch(/PORT: must be at most 65535/);
    expect(load({ LOG_LEVEL: 'loud' }).ok).toBe(false);
    expect(load({ JWT_ACCESS_TOKEN_EXPIRES_IN: 'soon' }).errors.join()).toMatch(/JWT_ACCESS_TOKEN_EXPIRES_IN/);
    expect(load({ BACKUP_SCHEDULE: 'every day' }).errors.join()).toMatch(/BACKUP_SCHEDULE: expected a cron expression/);
    expect(load({ ADMIN_ALLOWED_IPS: '127.0.0.1, banana' }).ok).toBe(false);
    const ok = load({ ADMIN_ALLOWED_IPS: '127.0.0.1, 192.168.1.0/24', CORS_ORIGIN: 'http://a.example, http://b.example', TOKEN_TTL: '30d', TRUST_PROXY: 'loopback' });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.config.ADMIN_ALLOWED_IPS).toEqual(['127.0.0.1', '192.168.1.0/24']);
    expect(ok.config.CORS_ORIGIN).toEqual(['http://a.example', 'http://b.example']);
    expect(ok.config.TOKEN_TTL).toBe(30 * 86400);
    expect(ok.config.TRUST_PROXY).toBe('loopback');
    const hops = load({ TRUST_PROXY: '2' });
    expect(hops.ok && hops.config.TRUST_PROXY).toBe(2);
  });

  it('a postgresql:// DATABASE_URL is a clear "not supported yet" error; mysql:// is accepted', () => {
    const pg = load({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db' });
    expect(pg.ok).toBe(false);
    expect(pg.errors.join()).toMatch(/DATABASE_URL: PostgreSQL servers are not supported yet/);
    expect(load({ DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/db' }).ok).toBe(true);
    expect(load({ DATABASE_URL: 'ftp://x' }).ok).toBe(false);
  });

  it('DB_SOCKET and ?socket= in DATABASE_URL take an absolute path, with a clear message and field code otherwise', () => {
    const ok = load({ DB_SOCKET: ' /run/mysqld/mysqld.sock ' });
    expect(ok.ok).toBe(true);
    expect(ok.ok && ok.config.DB_SOCKET).toBe('/run/mysqld/mysqld.sock');
    expect(load({ DATABASE_URL: 'mysql://u:p@localhost/db?socket=/run/mysqld/mysqld.sock' }).ok).toBe(true);
    expect(load({ DATABASE_URL: 'mysql://u:p@localhost/db?unix_socket=/tmp/mysql.sock' }).ok).toBe(true);

    const relative = load({ DB_SOCKET: 'mysqld.sock' });
    expect(relative.ok).toBe(false);
    expect(relative.errors.join()).toMatch(/DB_SOCKET: expected the absolute path of the MySQL\/MariaDB unix socket/);
    expect(fieldCodeOf(item(relative, 'DB_SOCKET').message ?? '')).toEqual({ code: 'expected_socket_path' });
    const inUrl = load({ DATABASE_URL: 'mysql://u:p@localhost/db?socket=run/mysqld.sock' });
    expect(inUrl.ok).toBe(false);
    expect(inUrl.errors.join()).toMatch(/DATABASE_URL: expected the absolute path .*\(socket=run\/mysqld\.sock\)/);
  });
});

describe('cross-field rules', () => {
  it('refuses a weak JWT secret in production, accepts it in development', () => {
    for (const weak of ['secret', 'changeme', EXAMPLE_SECRET_PLACEHOLDER, 'short-but-random-Zq81', 'a'.repeat(80)]) {
      const loaded = load({ NODE_ENV: 'production', JWT_SECRET: weak });
      expect(loaded.ok, weak).toBe(false);
      expect(item(loaded, 'JWT_SECRET').status).toBe('error');
    }
    expect(load({ NODE_ENV: 'production', JWT_SECRET: STRONG }).ok).toBe(true);
    expect(load({ NODE_ENV: 'development', JWT_SECRET: 'secret' }).ok).toBe(true);
  });

  it('allows AUTH_MODE=mock only in development on a loopback HOST', () => {
    expect(load({ AUTH_MODE: 'mock', NODE_ENV: 'production' }).errors.join()).toMatch(/AUTH_MODE: mock is allowed only with NODE_ENV=development/);
    expect(load({ AUTH_MODE: 'mock', NODE_ENV: 'development', HOST: '0.0.0.0' }).errors.join()).toMatch(/AUTH_MODE: mock is allowed only on a loopback HOST/);
    expect(load({ AUTH_MODE: 'mock', NODE_ENV: 'development', HOST: '127.0.0.1' }).ok).toBe(true);
  });

  it('HTTPS_ENABLED needs readable SSL_CERT_PATH and SSL_KEY_PATH', () => {
    const cwd = tempDir();
    const missing = load({ HTTPS_ENABLED: 'true' }, { cwd });
    expect(missing.errors).toEqual(expect.arrayContaining([
      'SSL_CERT_PATH: required when HTTPS_ENABLED=true',
      'SSL_KEY_PATH: required when HTTPS_ENABLED=true',
    ]));
    const unreadable = load({ HTTPS_ENABLED: 'true', SSL_CERT_PATH: 'cert.pem', SSL_KEY_PATH: 'key.pem' }, { cwd });
    expect(unreadable.errors.join()).toMatch(/SSL_CERT_PATH: cannot read .*cert\.pem/);
    writeFileSync(path.join(cwd, 'cert.pem'), 'x');
    writeFileSync(path.join(cwd, 'key.pem'), 'x');
    expect(load({ HTTPS_ENABLED: 'true', SSL_CERT_PATH: 'cert.pem', SSL_KEY_PATH: 'key.pem' }, { cwd }).ok).toBe(true);
  });
});

describe('generated secrets', () => {
  it('creates the JWT secret and the salt with mode 0600 in a 0700 folder, and reuses them', () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, 'data');
    const first = load({ DATA_DIR: dataDir }, { cwd });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const jwtFile = path.join(dataDir, 'secrets', 'jwt-secret');
    const saltFile = path.join(dataDir, 'secrets', 'auth-salt');
    expect(statSync(jwtFile).mode & 0o777).toBe(0o600);
    expect(statSync(saltFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dataDir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(first.config.JWT_SECRET.length).toBeGreaterThanOrEqual(64);
    expect(first.config.AUTH_SALT).toMatch(/^[0-9a-f]{32}$/);
    expect(readFileSync(jwtFile, 'utf8').trim()).toBe(first.config.JWT_SECRET);
    expect(item(first, 'JWT_SECRET')).toMatchObject({ source: 'generated', status: 'ok', message: `generated into ${jwtFile}` });

    const second = load({ DATA_DIR: dataDir, NODE_ENV: 'production' }, { cwd });
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.config.JWT_SECRET).toBe(first.config.JWT_SECRET);
    expect(second.config.AUTH_SALT).toBe(first.config.AUTH_SALT);
    expect(item(second, 'AUTH_SALT').message).toBe(`read from ${saltFile}`);
  });

  it('a secret given in the environment is used and nothing is written; persistSecrets=false writes nothing', () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, 'data');
    const given = load({ DATA_DIR: dataDir, JWT_SECRET: STRONG, AUTH_SALT: 'abc' }, { cwd });
    expect(given.ok && given.config.JWT_SECRET).toBe(STRONG);
    expect(existsSync(path.join(dataDir, 'secrets'))).toBe(false);
    const dry = load({ DATA_DIR: dataDir }, { cwd, persistSecrets: false });
    expect(dry.ok).toBe(true);
    expect(existsSync(path.join(dataDir, 'secrets'))).toBe(false);
    expect(item(dry, 'JWT_SECRET').message).toMatch(/will be generated into .*jwt-secret at first start/);
  });
});

describe('masking', () => {
  it('never shows a secret, keeps URLs readable without their password', () => {
    expect(maskSecret(STRONG)).toBe('******** (96 chars)');
    expect(maskSecret('pw')).toBe('********');
    expect(maskSecret('mysql://root:hunter2@127.0.0.1:3306/db')).toBe('mysql://root:********@127.0.0.1:3306/db');
    expect(maskSecret('')).toBe('');
    const loaded = load({ DB_PASSWORD: 'hunter2', JWT_SECRET: STRONG });
    const shown = loaded.report.map((entry) => entry.display).join('\n');
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain(STRONG);
  });

  it('the schema parses independently of the loader (types are derived from one place)', () => {
    const parsed = configSchema.safeParse({ DATA_DIR: '/tmp/x', JWT_SECRET: STRONG, AUTH_SALT: 's' });
    expect(parsed.success).toBe(true);
  });
});
