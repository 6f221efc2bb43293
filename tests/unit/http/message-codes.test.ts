// Every error answer of the server carries a stable code: the sources are walked for each
// `new HttpError(...)` (its third argument is the code; a literal must be a listed code), and for an
// error body written by hand instead of through sendError. Every problem the settings schema can
// report has a field code.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { fieldCodeOf } from '../../../server/config/field-codes.js';
import { crossFieldIssues, parseLeniently, SETTING_KEYS, SETTINGS } from '../../../server/config/schema.js';
import { MESSAGE_CODES } from '../../../server/http/message-codes.js';

const SERVER = path.join(__dirname, '..', '..', '..', 'server');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Site { file: string; line: number; code: string | null; args: number }

function httpErrorSites(): Site[] {
  const sites: Site[] = [];
  for (const file of sources(SERVER)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('HttpError(')) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'HttpError') {
        const args = node.arguments ?? ts.factory.createNodeArray();
        const code = args[2];
        sites.push({
          file: path.relative(SERVER, file),
          line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
          code: code && ts.isStringLiteral(code) ? code.text : null,
          args: args.length,
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites;
}

describe('message codes on the server', () => {
  it('every HttpError names a code, and a literal code is one of the listed codes', () => {
    const sites = httpErrorSites();
    expect(sites.length).toBeGreaterThan(100);
    const listed: ReadonlySet<string> = new Set(MESSAGE_CODES);
    const withoutCode = sites.filter((s) => s.args < 3).map((s) => `${s.file}:${s.line}`);
    expect(withoutCode).toEqual([]);
    const unknown = sites.filter((s) => s.code !== null && !listed.has(s.code)).map((s) => `${s.file}:${s.line} ${s.code}`);
    expect(unknown).toEqual([]);
  });

  it('no admin or modern API route writes an error body by hand (they go through sendError)', () => {
    const handWritten: string[] = [];
    for (const file of sources(path.join(SERVER, 'http'))) {
      if (file.includes(`${path.sep}legacy${path.sep}`)) continue; // the PHP engine's answers, untouched
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (/\.status\((4|5)\d\d\)\.(json|send)\(/.test(line) || /json\(\{\s*error:/.test(line)) handWritten.push(`${path.relative(SERVER, file)}:${i + 1}`);
      });
    }
    expect(handWritten).toEqual([]);
  });

  it('every problem a setting can have maps to a field code', () => {
    const BAD = ['x', 'two words', '-5', '99999999999', '1.5', 'postgres://h/db', 'ftp://h/x', 'http://', ':', '::bad', 'off!'];
    const unmapped = new Set<string>();
    for (const key of SETTING_KEYS) {
      for (const value of BAD) {
        const parsed = SETTINGS[key].schema.safeParse(value);
        if (parsed.success) continue;
        for (const issue of parsed.error.issues) if (fieldCodeOf(issue.message) === null) unmapped.add(`${key}: ${issue.message}`);
      }
    }
    const cross = [
      ...crossFieldIssues(parseLeniently({ NODE_ENV: 'production', JWT_SECRET: 'secret', AUTH_MODE: 'mock', HTTPS_ENABLED: 'true' })),
      ...crossFieldIssues(parseLeniently({ NODE_ENV: 'development', AUTH_MODE: 'mock', HOST: '0.0.0.0', HTTPS_ENABLED: 'true', SSL_CERT_PATH: '/no/such.pem' })),
    ];
    expect(cross.length).toBeGreaterThan(3);
    for (const { key, message } of cross) if (fieldCodeOf(message) === null) unmapped.add(`${key}: ${message}`);
    expect([...unmapped]).toEqual([]);
  });

  it('reads the values a problem names as params', () => {
    expect(fieldCodeOf('must be at least 4')).toEqual({ code: 'value_too_small', params: { min: '4' } });
    expect(fieldCodeOf('cannot read /etc/x.pem')).toEqual({ code: 'cannot_read', params: { path: '/etc/x.pem' } });
    expect(fieldCodeOf('expected a whole number; must be at least 1')).toEqual({ code: 'expected_whole_number' });
    expect(fieldCodeOf('something nobody wrote')).toBeNull();
  });
});
