// The workspace's structure editor in Chromium against the real server (in process, embedded
// PGlite), RU and EN: a column moved up and down with its ▲/▼ buttons, the keyboard (Enter on the
// focused button, Alt+↑/↓ in the row) and the engine's `_d_ord`; a table renamed (`_d_save` on the
// table) and a column renamed (`_d_save` on its term, shared terms renamed in every table that has
// them, as the editor says beforehand); a column's alias (`_d_alias`), the first column's alias
// (`_t_alias`) and the key flag (`_d_key`). Each effect is read back through the API
// (`metadata/{table}`); the engine's refusals (a taken name, a `:` in an alias, a user without the
// type-editor grant) are shown in the user's language. Screenshots:
// tests/artifacts/screenshots/ws-schema-*.png.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { poll } from './support/console.js';
import { LegacyScript, workspaceMissing } from './support/workspace.js';
import { workspaceSuite } from './support/workspace-suite.js';

if (workspaceMissing) console.warn(`[e2e] workspace structure tests SKIPPED: ${workspaceMissing}`);

const DB = 'wsschema';
const ADMIN = { login: 'admin', password: 'admin-pass-1' };
const USER = { login: 'ivan', password: 'ivan-pass-1' };
const CYRILLIC = /[А-Яа-яЁё]/;

interface Meta {
  val: string;
  unique: string;
  alias?: string;
  attrs?: string;
  reqs: Array<{ id: string; num: number; val: string; orig: string; attrs?: string }>;
}

/** a requisite's JSON attributes as the engine wrote them ({} for none) */
function attrsOf(attrs: string | undefined): Record<string, unknown> {
  return attrs ? (JSON.parse(attrs) as Record<string, unknown>) : {};
}

describe.skipIf(chromiumMissing || workspaceMissing !== null)('the workspace structure editor: column order, renames, aliases, key flag', { timeout: 240_000 }, () => {
  const suite = workspaceSuite({ db: DB, prefix: 'integram-ws-schema-e2e-', admin: ADMIN, user: USER });
  let admin: LegacyScript;
  beforeAll(() => {
    ({ admin } = suite);
  });

  const meta = (table: number) => admin.get<Meta>(`metadata/${table}?JSON`);
  const order = async (table: number) => (await meta(table)).reqs.map((r) => r.val);
  /** the structure commands a page sends, as `POST _d_ord/12?JSON` */
  const noteStructure = (method: string, url: URL) => (/\/(_d_|_t_alias)/.test(url.pathname) ? `${method} ${url.pathname.replace(`/${DB}/`, '')}${url.search}` : null);

  /** a table with three columns of their own terms; `tag` keeps the names apart per test */
  async function petTable(tag: string): Promise<{ table: number; color: number; weight: number; born: number }> {
    const table = await admin.newType(`Pet ${tag}`, 3);
    const color = await admin.addColumn(table, await admin.newType(`Color ${tag}`, 3));
    const weight = await admin.addColumn(table, await admin.newType(`Weight ${tag}`, 13));
    const born = await admin.addColumn(table, await admin.newType(`Born ${tag}`, 9));
    return { table, color, weight, born };
  }

  async function openTable(page: Page, table: number): Promise<void> {
    // through the menu: the start page chosen after the login may replace the address's hash
    await page.getByTestId('nav-schema').click();
    await page.getByTestId(`schema-table-${table}`).click();
    await page.getByTestId(`schema-edit-${table}`).waitFor();
  }
  /** the columns' names as the editor lists them (a rename field's value, or the reference's name) */
  async function shownOrder(page: Page, table: number): Promise<string[]> {
    const names: string[] = [];
    for (const cell of await page.getByTestId(`schema-edit-${table}`).locator('tr td:nth-child(2)').all()) {
      const field = cell.locator('input');
      names.push((await field.count()) ? await field.inputValue() : ((await cell.textContent()) ?? '').trim());
    }
    return names;
  }
  const focused = (page: Page) => page.evaluate<string>("document.activeElement?.getAttribute('data-testid') ?? ''");

  for (const locale of ['en', 'ru'] as const) {
    it(`moves a column up and down with its buttons and the keyboard (_d_ord), read back through metadata (${locale})`, async () => {
      const tag = `order-${locale}`;
      const { table, color, weight, born } = await petTable(tag);
      const { page, commands } = await suite.signIn(ADMIN, locale, '#/schema', noteStructure);
      await openTable(page, table);
      await poll(() => shownOrder(page, table)).toEqual([`Color ${tag}`, `Weight ${tag}`, `Born ${tag}`]);
      // the ends cannot move further; the buttons say what they do
      await expect(page.getByTestId(`schema-col-${color}-up`).isDisabled()).resolves.toBe(true);
      await expect(page.getByTestId(`schema-col-${born}-down`).isDisabled()).resolves.toBe(true);
      await expect(page.getByTestId(`schema-col-${born}-up`).getAttribute('aria-label')).resolves.toBe(
        locale === 'en' ? `Move column Born ${tag} up` : `Передвинуть колонку Born ${tag} выше`,
      );

      // a click: Born one place up
      await page.getByTestId(`schema-col-${born}-up`).click();
      await poll(() => order(table)).toEqual([`Color ${tag}`, `Born ${tag}`, `Weight ${tag}`]);
      await poll(() => shownOrder(page, table)).toEqual([`Color ${tag}`, `Born ${tag}`, `Weight ${tag}`]);
      expect(commands).toEqual([`POST _d_ord/${born}?JSON`]);
      // the focus stayed on the moved column's button: Enter moves it again, to the top, where
      // "up" is disabled and the focus goes to its "down"
      await poll(() => focused(page)).toBe(`schema-col-${born}-up`);
      await page.keyboard.press('Enter');
      await poll(() => order(table)).toEqual([`Born ${tag}`, `Color ${tag}`, `Weight ${tag}`]);
      await poll(() => focused(page)).toBe(`schema-col-${born}-down`);
      // Alt+↓ anywhere in the row: one place down, twice in a row (the second key pressed while the
      // first move is still being saved), to the end
      await page.keyboard.press('Alt+ArrowDown');
      await page.keyboard.press('Alt+ArrowDown');
      await poll(() => order(table)).toEqual([`Color ${tag}`, `Weight ${tag}`, `Born ${tag}`]);
      await poll(() => focused(page)).toBe(`schema-col-${born}-up`);
      await poll(() => shownOrder(page, table)).toEqual([`Color ${tag}`, `Weight ${tag}`, `Born ${tag}`]);
      // Alt+↑ in the row of another column, from its alias field
      await page.getByTestId(`schema-col-${weight}-alias`).focus();
      await page.keyboard.press('Alt+ArrowUp');
      await poll(() => order(table)).toEqual([`Weight ${tag}`, `Color ${tag}`, `Born ${tag}`]);
      // the engine keeps the positions 1…n
      expect((await meta(table)).reqs.map((r) => r.num)).toEqual([1, 2, 3]);
      expect(commands.filter((c) => !c.startsWith('POST _d_ord/'))).toEqual([]);
      expect(commands).toHaveLength(5);
      await screenshot(page, `ws-schema-${locale}-1-order`);

      // a user without the type-editor grant: the engine refuses, in the user's language
      const user = await suite.signIn(USER, locale, '#/schema', noteStructure);
      await openTable(user.page, table);
      await user.page.getByTestId(`schema-col-${color}-down`).click();
      // (the role has no grant on the type editor at all, so the engine says "view or edit"; it names the role in lower case)
      await poll(() => user.page.getByTestId('ws-error').textContent()).toBe(
        locale === 'en' ? 'sales: you may not view or edit the tables\' structure ().' : 'sales: У вас нет прав на редактирование и просмотр типов ().',
      );
      if (locale === 'en') expect(await user.page.getByTestId('ws-error').textContent()).not.toMatch(CYRILLIC);
      expect(user.commands).toEqual([`POST _d_ord/${color}?JSON`]);
      await expect(order(table)).resolves.toEqual([`Weight ${tag}`, `Color ${tag}`, `Born ${tag}`]);
      await screenshot(user.page, `ws-schema-${locale}-2-order-refused`);
    });
  }

  for (const locale of ['en', 'ru'] as const) {
    it(`renames a table and a column (_d_save), a shared column everywhere, and shows the refusal of a taken name (${locale})`, async () => {
      const tag = `rename-${locale}`;
      const { table, color, weight } = await petTable(tag);
      // another table with the same Color term as a column: renaming it renames it there too
      const other = await admin.newType(`Shelter ${tag}`, 3);
      const colorTerm = Number((await meta(table)).reqs[0].orig);
      await admin.addColumn(other, colorTerm);
      await admin.newType(`Taken ${tag}`, 3);

      const { page, commands } = await suite.signIn(ADMIN, locale, '#/schema', noteStructure);
      await openTable(page, table);
      // the table
      await page.getByTestId('ws-save-table-name').fill(`Animal ${tag}`);
      await page.getByTestId('ws-save-table-submit').click();
      await poll(async () => (await meta(table)).val).toBe(`Animal ${tag}`);
      await poll(() => page.getByTestId(`schema-table-${table}`).textContent()).toBe(`Animal ${tag}`);

      // a column: its term, base and unique flag kept
      await expect(page.getByTestId(`schema-col-${color}-shared`).textContent()).resolves.toBe(
        locale === 'en' ? `also renamed in: Shelter ${tag}` : `переименуется и в: Shelter ${tag}`,
      );
      expect(await page.getByTestId(`schema-col-${weight}-shared`).count()).toBe(0);
      await page.getByTestId(`schema-col-${color}-rename`).fill(`Colour ${tag}`);
      await page.getByTestId(`schema-col-${color}-rename-save`).click();
      await poll(async () => (await meta(table)).reqs.map((r) => r.val)).toEqual([`Colour ${tag}`, `Weight ${tag}`, `Born ${tag}`]);
      await expect(meta(other)).resolves.toMatchObject({ reqs: [{ val: `Colour ${tag}`, orig: String(colorTerm) }] });
      await expect(admin.get<{ type: string; unique: string }>(`metadata/${colorTerm}?JSON`)).resolves.toMatchObject({ type: '3', unique: '0' });
      // Enter in the field renames too
      await page.getByTestId(`schema-col-${weight}-rename`).fill(`Mass ${tag}`);
      await page.getByTestId(`schema-col-${weight}-rename`).press('Enter');
      await poll(async () => (await meta(table)).reqs[1].val).toBe(`Mass ${tag}`);
      await screenshot(page, `ws-schema-${locale}-3-renamed`);

      // a name another SHORT type has: the engine refuses, shown in the user's language
      await page.getByTestId(`schema-col-${color}-rename`).fill(`Taken ${tag}`);
      await page.getByTestId(`schema-col-${color}-rename-save`).click();
      await poll(() => page.getByTestId('ws-error').textContent()).toBe(
        locale === 'en' ? `A table or column Taken ${tag} of type SHORT already exists` : `Тип Taken ${tag} с базовым типом SHORT уже существует.`,
      );
      if (locale === 'en') expect(await page.getByTestId('ws-error').textContent()).not.toMatch(CYRILLIC);
      await expect(meta(table)).resolves.toMatchObject({ val: `Animal ${tag}`, reqs: [{ val: `Colour ${tag}` }, { val: `Mass ${tag}` }, { val: `Born ${tag}` }] });
      await screenshot(page, `ws-schema-${locale}-4-rename-refused`);
      expect(commands).toEqual([`POST _d_save/${table}?JSON`, `POST _d_save/${colorTerm}?JSON`, `POST _d_save/${(await meta(table)).reqs[1].orig}?JSON`, `POST _d_save/${colorTerm}?JSON`]);
    });
  }

  for (const locale of ['en', 'ru'] as const) {
    it(`changes a column's base type (_d_save on its term, name and unique kept) (${locale})`, async () => {
      const tag = `base-${locale}`;
      const { table, weight } = await petTable(tag);
      const weightTerm = Number((await meta(table)).reqs[1].orig);
      const { page, commands } = await suite.signIn(ADMIN, locale, '#/schema', noteStructure);
      await openTable(page, table);
      const select = page.getByTestId(`schema-col-${weight}-base`);
      await expect(select.getAttribute('aria-label')).resolves.toBe(locale === 'en' ? `Type of column Weight ${tag}` : `Тип колонки Weight ${tag}`);
      await expect(select.inputValue()).resolves.toBe('13');
      await select.selectOption('14');
      await poll(async () => (await admin.get<{ type: string; val: string; unique: string }>(`metadata/${weightTerm}?JSON`))).toMatchObject({ type: '14', val: `Weight ${tag}`, unique: '0' });
      await poll(() => select.inputValue()).toBe('14');
      await screenshot(page, `ws-schema-${locale}-7-base-changed`);
      expect(commands).toEqual([`POST _d_save/${weightTerm}?JSON`]);
    });
  }

  for (const locale of ['en', 'ru'] as const) {
    it(`sets a column's alias (_d_alias), the first column's alias (_t_alias) and the key flag (_d_key) (${locale})`, async () => {
      const tag = `alias-${locale}`;
      const { table, color, weight } = await petTable(tag);
      const { page, commands } = await suite.signIn(ADMIN, locale, '#/schema', noteStructure);
      await openTable(page, table);

      // a column's alias: shown in the field afterwards, in the engine's attributes, and as the column's name
      await page.getByTestId(`schema-col-${weight}-alias`).fill('Kilograms');
      await page.getByTestId(`schema-col-${weight}-alias-set`).click();
      await poll(async () => attrsOf((await meta(table)).reqs[1].attrs)).toEqual({ alias: 'Kilograms' });
      await expect(page.getByTestId(`schema-col-${weight}-alias`).inputValue()).resolves.toBe('Kilograms');
      // the editor shows it once it has reloaded the table, which may be after the engine has it
      await poll(() => page.getByTestId(`schema-col-${weight}-down`).getAttribute('aria-label')).toContain('Kilograms');
      await expect(page.getByTestId(`schema-col-${color}-down`).getAttribute('aria-label')).resolves.toContain(`Color ${tag}`);

      // the first column's alias
      await page.getByTestId('ws-first-alias-value').fill('Nickname');
      await page.getByTestId('ws-first-alias-set').click();
      await poll(async () => (await meta(table)).alias).toBe('Nickname');
      await expect(page.getByTestId('ws-first-alias-value').inputValue()).resolves.toBe('Nickname');

      // the key flag, on and off again
      await page.getByTestId(`schema-col-${color}-key`).check();
      await poll(async () => attrsOf((await meta(table)).reqs[0].attrs)).toEqual({ key: true });
      await poll(() => page.getByTestId(`schema-col-${color}-key`).isChecked()).toBe(true);
      await page.getByTestId(`schema-col-${weight}-key`).check();
      await poll(async () => attrsOf((await meta(table)).reqs[1].attrs)).toEqual({ key: true, alias: 'Kilograms' });
      await screenshot(page, `ws-schema-${locale}-5-aliases-key`);
      await page.getByTestId(`schema-col-${color}-key`).uncheck();
      await poll(async () => (await meta(table)).reqs[0].attrs ?? '').toBe('');

      // the table's grid shows the aliases as the column names
      await page.goto(`${suite.server.url}/${DB}#/t/${table}`);
      await poll(() => page.locator('th').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Nickname'), expect.stringContaining('Kilograms')]));
      await page.goto(`${suite.server.url}/${DB}#/schema`);
      await openTable(page, table);

      // clearing an alias gives the term's name back
      await page.getByTestId(`schema-col-${weight}-alias`).fill('');
      await page.getByTestId(`schema-col-${weight}-alias-set`).click();
      await poll(async () => attrsOf((await meta(table)).reqs[1].attrs)).toEqual({ key: true });

      // an alias with ":" is the engine's refusal, in the user's language
      await page.getByTestId(`schema-col-${color}-alias`).fill('a:b');
      await page.getByTestId(`schema-col-${color}-alias-set`).click();
      await poll(() => page.getByTestId('ws-error').textContent()).toBe(
        locale === 'en' ? 'An alias cannot contain «:» (a:b)' : 'Недопустимый символ «:» в псевдониме a:b',
      );
      if (locale === 'en') expect(await page.getByTestId('ws-error').textContent()).not.toMatch(CYRILLIC);
      await page.getByTestId('ws-first-alias-value').fill('x:y');
      await page.getByTestId('ws-first-alias-set').click();
      await poll(() => page.getByTestId('ws-error').textContent()).toBe(
        locale === 'en' ? 'An alias cannot contain «:» (x:y)' : 'Недопустимый символ «:» в псевдониме x:y',
      );
      await expect(meta(table)).resolves.toMatchObject({ alias: 'Nickname', reqs: [{ val: `Color ${tag}` }, { val: `Weight ${tag}`, attrs: '{"key":true}' }, {}] });
      await screenshot(page, `ws-schema-${locale}-6-alias-refused`);
      expect(commands).toEqual([
        `POST _d_alias/${weight}?JSON`, `POST _t_alias/${table}?JSON`, `POST _d_key/${color}?JSON`, `POST _d_key/${weight}?JSON`, `POST _d_key/${color}?JSON`,
        `POST _d_alias/${weight}?JSON`, `POST _d_alias/${color}?JSON`, `POST _t_alias/${table}?JSON`,
      ]);
    });
  }

  it('keeps what is typed into one field while another field\'s save reloads the table', async () => {
    const { table, color, weight } = await petTable('drafts');
    const { page } = await suite.signIn(ADMIN, 'en', '#/schema', noteStructure);
    await openTable(page, table);
    // the alias's answer is held until the other fields have been typed into
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/_d_alias/${weight}*`, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByTestId(`schema-col-${weight}-alias`).fill('Kilograms');
    await page.getByTestId(`schema-col-${weight}-alias-set`).click();
    await page.getByTestId(`schema-col-${color}-alias`).fill('Shade');
    await page.getByTestId('ws-first-alias-value').fill('Nickname');
    await page.getByTestId('ws-save-table-name').fill(`Pet drafts renamed`);
    release();
    await poll(() => page.getByTestId('ws-notice').textContent()).toBe('Saved');
    await poll(() => page.getByTestId(`schema-col-${weight}-down`).getAttribute('aria-label')).toContain('Kilograms');
    expect(await page.getByTestId(`schema-col-${color}-alias`).inputValue()).toBe('Shade');
    expect(await page.getByTestId('ws-first-alias-value').inputValue()).toBe('Nickname');
    expect(await page.getByTestId('ws-save-table-name').inputValue()).toBe('Pet drafts renamed');
    // nothing of it was saved: only the weight's alias
    await expect(meta(table)).resolves.toMatchObject({ val: 'Pet drafts', reqs: [{ val: 'Color drafts' }, { attrs: '{"alias":"Kilograms"}' }, {}] });
  });

  it('no page error and no request outside the origin', () => {
    expect(suite.pageErrors()).toEqual([]);
    expect(suite.foreign()).toEqual([]);
  });
});
