import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'dotenv';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEnvChanges, formatEnvValue, readEnvFile, updateEnvFile } from '../../../server/appliance/env-file.js';
import { writeFileAtomic } from '../../../server/storage/atomic-file.js';

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('.env editing', () => {
  it('changes values in place, appends new keys, removes keys, keeps comments, blank lines and order', () => {
    const text = '# header\n\nA=1\n# about B\nexport B="two words"\nC=3 # trailing comment\n';
    const next = applyEnvChanges(text, { B: 'changed', D: 'new value', C: null });
    expect(next).toBe("# header\n\nA=1\n# about B\nB=changed\nD='new value'\n");
    expect(parse(next)).toEqual({ A: '1', B: 'changed', D: 'new value' });
  });

  it('keeps CRLF line ends and replaces a multi-line quoted value as a whole', () => {
    const text = 'A=1\r\nKEY="line one\r\nline two"\r\nZ=9\r\n';
    const next = applyEnvChanges(text, { KEY: 'single' });
    expect(next).toBe('A=1\r\nKEY=single\r\nZ=9\r\n');
  });

  it('a repeated key is rewritten once and its later duplicates removed', () => {
    expect(applyEnvChanges('X=1\nY=2\nX=3\n', { X: '4' })).toBe('X=4\nY=2\n');
  });

  it('refuses invalid key names', () => {
    expect(() => applyEnvChanges('', { 'BAD KEY': 'x' })).toThrow(/not a valid setting name/);
  });

  it('any single-line value survives a write and a dotenv read unchanged', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !/[\r\n]/.test(s)), (value) => {
      let formatted: string;
      try {
        formatted = formatEnvValue(value);
      } catch {
        // only values holding all three quote kinds are refused, never silently changed
        expect(value.includes("'") && value.includes('`') && (value.includes('"') || value.includes('\\'))).toBe(true);
        return;
      }
      const parsed = parse(`K=${formatted}\n`);
      // dotenv trims unquoted whitespace; the formatter quotes anything with spaces
      expect(parsed.K).toBe(value);
    }), { numRuns: 500 });
  });

  it('writes atomically: new inode via rename, no temp files left, mode kept, previous version in .bak', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'env-file-'));
    const file = path.join(dir, '.env');
    writeFileSync(file, 'A=1\n', { mode: 0o640 });
    const before = statSync(file);
    const changed = await updateEnvFile(file, { A: '2', B: 'x' });
    expect(changed.sort()).toEqual(['A', 'B']);
    const after = statSync(file);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o640);
    expect(readFileSync(file, 'utf8')).toBe('A=2\nB=x\n');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('A=1\n');
    expect(readdirSync(dir).sort()).toEqual(['.env', '.env.bak']);
    expect(await readEnvFile(file)).toEqual({ A: '2', B: 'x' });
    // no change, no write
    expect(await updateEnvFile(file, { A: '2' })).toEqual([]);
    expect(statSync(file).ino).toBe(after.ino);
  });

  it('a new file is created with mode 0600 (it may hold passwords)', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'env-file-'));
    const file = path.join(dir, 'sub', '.env');
    await writeFileAtomic(file, 'X=1\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await readEnvFile(path.join(dir, 'missing.env'))).toEqual({});
  });
});
