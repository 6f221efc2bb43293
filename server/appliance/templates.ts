/**
 * Database templates: the starter databases (`ru`, `en`) kept as rows files under
 * resources/templates/<name>.json (the PHP engine copies a template table instead).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowsFileSchema } from '../storage/rows-file.js';
import type { Row } from '../storage/types.js';

const TEMPLATE_NAME = /^[a-z0-9_]{1,32}$/i;

/** resources/templates, found by walking up from this module (works from server/ and from dist/server/). */
export function defaultTemplatesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'resources', 'templates');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve('resources', 'templates');
}

export class TemplateError extends Error {}

export async function loadTemplate(templatesDir: string, name: string): Promise<Row[]> {
  if (!TEMPLATE_NAME.test(name)) throw new TemplateError(`unknown template "${name}"`);
  let text: string;
  try {
    text = await fs.readFile(path.join(templatesDir, `${name.toLowerCase()}.json`), 'utf8');
  } catch {
    throw new TemplateError(`unknown template "${name}"`);
  }
  const parsed = rowsFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new TemplateError(`the template "${name}" is damaged`);
  return parsed.data.rows;
}

export async function listTemplates(templatesDir: string): Promise<string[]> {
  try {
    return (await fs.readdir(templatesDir)).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();
  } catch {
    return [];
  }
}
