import { describe, expect, it } from 'vitest';
import {
  checkImportDbName, checkNewDbName, isRoutableDbName, MYSQL_RESERVED_WORDS, RESERVED_TENANT_NAMES, tenantTableName,
} from '../../../server/storage/db-names.js';

describe('database names', () => {
  it('routing rule is the PHP /^[a-z0-9_]{1,15}$/i', () => {
    for (const ok of ['my', 'a', 'My_DB', '123', 'abcdefghijklmno']) expect(isRoutableDbName(ok)).toBe(true);
    for (const bad of ['', 'abcdefghijklmnop', 'a-b', 'a.b', 'тест', 'a b', '../x', 'a`b']) expect(isRoutableDbName(bad)).toBe(false);
  });

  it('creation rule: letter first, 3 to 15 word characters, lower-cased', () => {
    expect(checkNewDbName('Shop_1')).toEqual({ ok: true, name: 'shop_1' });
    expect(checkNewDbName('abc')).toEqual({ ok: true, name: 'abc' });
    for (const bad of ['ab', '1abc', '_abc', 'abcdefghijklmnop', 'a-bc', 'ёжик']) {
      const check = checkNewDbName(bad);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(/invalid database name/);
    }
  });

  it('refuses MySQL reserved words and the appliance route names, case-insensitively', () => {
    for (const word of ['select', 'SELECT', 'Table', 'database', 'window', 'recursive', 'offset']) {
      const check = checkNewDbName(word);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(/MySQL reserved word/);
    }
    for (const name of ['api', 'health', 'console', 'docs', 'download', 'assets', 'static', 'admin', 'auth', 'v2', 'workspace']) {
      expect(RESERVED_TENANT_NAMES.has(name)).toBe(true);
      const check = checkImportDbName(name.toUpperCase());
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(/reserved by the appliance/);
    }
    expect(MYSQL_RESERVED_WORDS.size).toBeGreaterThan(200);
    expect(checkNewDbName('users').ok).toBe(true);
  });

  it('import allows the short system names my, ru, en', () => {
    expect(checkImportDbName('my')).toEqual({ ok: true, name: 'my' });
    expect(checkImportDbName('RU')).toEqual({ ok: true, name: 'ru' });
    expect(checkImportDbName('a-b').ok).toBe(false);
  });

  it('tenantTableName lower-cases routable names and throws on anything else', () => {
    expect(tenantTableName('My')).toBe('my');
    expect(() => tenantTableName('x; DROP TABLE y')).toThrow(/invalid database name/);
  });
});
