import { existsSync, readFileSync, renameSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';

/**
 * Desktop-only preferences (userData/desktop-settings.json): things main needs before the
 * server runs. Server settings (PORT, HOST, database, UPDATE_URL ...) live in the server's
 * .env, edited through the console's admin API.
 */
export const DesktopSettingsSchema = z.object({
  /** Data folder handed to the server as DATA_DIR; default userData/data. */
  dataDir: z
    .string()
    .refine((value) => isAbsolute(value), 'must be an absolute path')
    .optional(),
  startAtLogin: z.boolean().default(false),
  openConsoleOnStart: z.boolean().default(true),
  /** Overrides UPDATE_URL from the server's .env for this PC. */
  updateUrl: z.url({ protocol: /^https?$/ }).optional(),
  updateChannel: z
    .string()
    .regex(/^[a-z0-9-]+$/i)
    .optional(),
  autoDownloadUpdates: z.boolean().default(false),
  /** The console's language for the tray and the shell's dialogs; unset = the OS language. */
  locale: z.enum(['en', 'ru']).optional(),
});

export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

export interface LoadResult<T> {
  settings: T;
  /** Why a stored value was not used (invalid JSON, a field that failed validation). */
  warnings: string[];
}

export class SettingsStore<Schema extends z.ZodObject> {
  private cached: z.infer<Schema> | undefined;

  constructor(
    readonly file: string,
    private readonly schema: Schema,
  ) {}

  /** Reads the file; a broken file is kept aside as `<file>.broken-<time>` and defaults are used. */
  load(): LoadResult<z.infer<Schema>> {
    const warnings: string[] = [];
    let raw: unknown = {};
    if (existsSync(this.file)) {
      const text = readFileSync(this.file, 'utf8');
      try {
        raw = JSON.parse(text);
      } catch (error) {
        const aside = `${this.file}.broken-${Date.now()}`;
        renameSync(this.file, aside);
        warnings.push(`settings file is not valid JSON (${(error as Error).message}); using defaults, the broken file was kept as ${aside}`);
        raw = {};
      }
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      warnings.push('settings file does not hold a JSON object; using defaults');
      raw = {};
    }
    const settings = this.parseKeepingValidFields(raw as Record<string, unknown>, warnings);
    this.cached = settings;
    return { settings, warnings };
  }

  get(): z.infer<Schema> {
    return this.cached ?? this.load().settings;
  }

  /** Validates the merged result and writes it atomically; throws (and keeps the old file) when invalid. */
  update(patch: Partial<z.input<Schema>>): z.infer<Schema> {
    const merged = { ...this.get(), ...patch };
    for (const [key, value] of Object.entries(merged)) if (value === undefined) delete (merged as Record<string, unknown>)[key];
    const result = this.schema.safeParse(merged);
    if (!result.success) {
      throw new Error(`invalid settings: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    writeFileAtomic(this.file, `${JSON.stringify(result.data, null, 2)}\n`);
    this.cached = result.data as z.infer<Schema>;
    return this.cached;
  }

  private parseKeepingValidFields(raw: Record<string, unknown>, warnings: string[]): z.infer<Schema> {
    const candidate: Record<string, unknown> = { ...raw };
    for (let round = 0; round < 2; round++) {
      const result = this.schema.safeParse(candidate);
      if (result.success) return result.data as z.infer<Schema>;
      for (const issue of result.error.issues) {
        const key = issue.path[0];
        if (typeof key === 'string' && key in candidate) {
          warnings.push(`setting "${key}" ignored (${issue.message}); using its default`);
          delete candidate[key];
        }
      }
    }
    warnings.push('settings could not be read; using defaults');
    return this.schema.parse({}) as z.infer<Schema>;
  }
}
