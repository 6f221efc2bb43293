import { Ajv } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// ajv and yaml come with electron-builder's own dependency tree (node_modules/ajv, node_modules/yaml).
const require = createRequire(import.meta.url);
const schemaPath = require.resolve('app-builder-lib/scheme.json');
const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('is valid against the JSON schema electron-builder ships (app-builder-lib/scheme.json)', () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(valid, ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true);
  });

  it("passes electron-builder's own loader and validator (getConfig + validateConfiguration)", async () => {
    interface ConfigModule {
      getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, unknown>>;
      validateConfiguration(config: Record<string, unknown>, logger: unknown): Promise<void>;
    }
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as ConfigModule;
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(process.cwd(), null, null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
    expect(loaded.appId).toBe('ru.integram.appliance');
  });

  it('rejects a broken config, so the schema check is real', () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, appIdd: 'typo' })).toBe(false);
    expect(validate({ ...config, nsis: { oneClick: 'no' } })).toBe(false);
  });

  it('builds what the appliance needs', () => {
    expect(config.appId).toBe('ru.integram.appliance');
    expect(config.productName).toBe('Integram Appliance');
    expect(config.directories).toEqual({ output: 'release', buildResources: 'build' });
    const targets = (section: string): string[] =>
      ((config[section] as { target: Array<{ target: string } | string> }).target ?? []).map((t) => (typeof t === 'string' ? t : t.target));
    expect(targets('win')).toContain('nsis');
    expect(targets('linux')).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(targets('mac')).toEqual(expect.arrayContaining(['dmg', 'zip']));
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['dist/server/**', 'node_modules/@electric-sql/pglite/**', 'node_modules/bcrypt/**']));
    expect(config.publish).toMatchObject({ provider: 'generic' });
  });

  it('points at files that exist: icons, NSIS include, the main entry', () => {
    for (const file of ['build/icon.png', 'build/icon.ico', 'build/installer.nsh', 'resources/tray/tray-running.png']) expect(existsSync(file), file).toBe(true);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/index.js');
    // electron-builder derives .icns and the Linux sizes from a 512+ px PNG: check the size in the IHDR chunk.
    const png = readFileSync('build/icon.png');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
  });
});
