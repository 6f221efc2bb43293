/**
 * Reading and changing a `.env` file without losing what the admin wrote by hand: comments,
 * blank lines and the order of keys stay as they are; only the changed assignments are rewritten,
 * new keys are appended at the end.
 *
 * Writes are atomic (temp file in the same folder, fsync, rename, fsync of the folder): a crash
 * leaves either the old file or the new one, never a half-written file. The previous version is
 * kept as `<file>.bak` so a bad edit can be undone by hand.
 */
import { promises as fs } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { writeFileAtomic } from '../storage/atomic-file.js';

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;
const KEY_RULE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The values a `.env` file defines, parsed exactly the way the server's loader (dotenv) does. */
export async function readEnvFile(file: string): Promise<Record<string, string>> {
  const text = await readTextIfExists(file);
  return text === null ? {} : parseDotenv(text);
}

/** Quotes a value so dotenv reads back exactly the same string. */
export function formatEnvValue(value: string): string {
  if (value === '') return '';
  if (/^[A-Za-z0-9_./:@%+,-]+$/.test(value)) return value;
  if (!value.includes("'") && !value.includes('\n') && !value.includes('\r')) return `'${value}'`;
  if (!value.includes('`') && !value.includes('\n') && !value.includes('\r')) return `\`${value}\``;
  if (!value.includes('"') && !value.includes('\\')) {
    // dotenv turns \n inside double quotes back into a newline
    return `"${value.replace(/\r?\n/g, '\\n')}"`;
  }
  throw new Error('the value contains a combination of quotes and line breaks a .env file cannot hold');
}

/**
 * Applies `changes` to the text of a `.env` file: a string sets the key (in place when it is
 * already assigned, else appended), `null` removes its assignment. Everything else is kept.
 */
export function applyEnvChanges(text: string, changes: Record<string, string | null>): string {
  for (const key of Object.keys(changes)) {
    if (!KEY_RULE.test(key)) throw new Error(`not a valid setting name: ${key}`);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  // a file ending with a newline splits into a trailing empty string; keep it out of the way
  const hadFinalNewline = lines.length > 0 && lines[lines.length - 1] === '';
  if (hadFinalNewline) lines.pop();

  const pending = new Map(Object.entries(changes));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const match = ASSIGNMENT.exec(line);
    const key = match?.[1];
    // a quoted value may run over several lines; find where this assignment ends
    const end = match ? assignmentEnd(lines, i, match[0].length) : i;
    if (key !== undefined && changes[key] !== undefined) {
      const value = changes[key];
      if (pending.has(key) && value !== null) out.push(`${key}=${formatEnvValue(value)}`);
      pending.delete(key); // a repeated key: only its first assignment is rewritten, later ones removed
    } else {
      for (let j = i; j <= end; j++) out.push(lines[j]);
    }
    i = end;
  }
  for (const [key, value] of pending) {
    if (value !== null) out.push(`${key}=${formatEnvValue(value)}`);
  }
  return out.length === 0 ? '' : out.join(eol) + eol;
}

/** Index of the last line of an assignment that starts on line `start` (multi-line quoted values). */
function assignmentEnd(lines: string[], start: number, valueOffset: number): number {
  const rest = lines[start].slice(valueOffset).trimStart();
  const quote = rest[0];
  if (quote !== '"' && quote !== "'" && quote !== '`') return start;
  if (closesQuote(rest.slice(1), quote)) return start;
  for (let j = start + 1; j < lines.length; j++) {
    if (closesQuote(lines[j], quote)) return j;
  }
  return start; // unterminated: dotenv treats it as a single line, so do we
}

function closesQuote(text: string, quote: string): boolean {
  for (let k = 0; k < text.length; k++) {
    if (text[k] === '\\' && quote === '"') { k++; continue; }
    if (text[k] === quote) return true;
  }
  return false;
}

/**
 * Changes keys of a `.env` file atomically, keeping comments and order, and keeps the previous
 * version as `<file>.bak`. Returns the keys whose value actually changed.
 */
export async function updateEnvFile(file: string, changes: Record<string, string | null>): Promise<string[]> {
  const before = (await readTextIfExists(file)) ?? '';
  const next = applyEnvChanges(before, changes);
  const oldValues = parseDotenv(before);
  const newValues = parseDotenv(next);
  const changed = Object.keys(changes).filter((key) => oldValues[key] !== newValues[key]);
  if (next === before) return changed;
  if (before !== '') await writeFileAtomic(`${file}.bak`, before, { mode: 0o600 });
  await writeFileAtomic(file, next);
  return changed;
}

async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
