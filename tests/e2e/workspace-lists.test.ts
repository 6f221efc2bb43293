// The workspace's lists in Chromium against the real server (in process, embedded PGlite), RU and
// EN: every record of a filter deleted at once through the engine's `_m_del_select` (the count asked
// first, the referenced records kept and said, a user without the DELETE grant refused in the
// user's language); a parent's records put in order by dragging a row's handle and by typing a
// position (`_m_ord`), also across pages; an independent record moved under a record of a table
// that holds its table as subordinate records (`_m_move`), the engine's refusal shown; a file
// uploaded into a grid cell and downloaded back, a password set through the cell's dialog (never
// shown) and then signing in; the user's own menu from the role's menu records (table 151, the
// `MyRoleMenu` report the engine's pages use) with its first item as the start page. Every request
// leaving the origin is blocked and must not happen. Screenshots: tests/artifacts/screenshots/ws-lists-*.png.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { poll } from './support/console.js';
import { LegacyScript, workspaceMissing, type DemoIds } from './support/workspace.js';
import { workspaceSuite } from './support/workspace-suite.js';
import type { InProcessServer } from '../support/server.js';

if (workspaceMissing) console.warn(`[e2e] workspace list tests SKIPPED: ${workspaceMissing}`);

const DB = 'wslists';
const ADMIN = { login: 'admin', password: 'admin-pass-1' };
const USER = { login: 'ivan', password: 'ivan-pass-1' };
const CYRILLIC = /[А-Яа-яЁё]/;

type Card = { obj: { val: string; parent: string } };
type Rows = Array<{ i: number; r: string[] }>;

describe.skipIf(chromiumMissing || workspaceMissing !== null)('the workspace lists: delete the filter, order by drag and position, move an independent record', { timeout: 240_000 }, () => {
  const suite = workspaceSuite({ db: DB, prefix: 'integram-ws-lists-e2e-', admin: ADMIN, user: USER });
  let server: InProcessServer;
  let admin: LegacyScript;
  let ids: DemoIds;
  beforeAll(() => {
    ({ server, admin, ids } = suite);
  });

  const signedIn = (login: { login: string; password: string }, locale: 'en' | 'ru', hash = '') => suite.signIn(login, locale, hash);

  const names = (page: Page) => page.getByTestId('ws-row').locator('td.name').allTextContents();
  const namesOf = async (type: number, query = '') => (await admin.get<Rows>(`object/${type}?JSON_OBJ&LIMIT=0,200${query}`)).map((r) => r.r[0]);

  async function filterContains(page: Page, column: number, text: string): Promise<void> {
    await page.getByTestId('ws-toggle-filters').click();
    await page.getByTestId('filter-add-column').selectOption(String(column));
    await page.getByTestId('filter-add').click();
    await page.getByTestId(`filter-${column}-value`).fill(text);
    await page.getByTestId('filter-apply').click();
  }

  for (const locale of ['en', 'ru'] as const) {
    it(`deletes every record of the filter on every page with one _m_del_select after saying how many; referenced records are kept and said (${locale})`, async () => {
      const fruit = await admin.newType(`Fruit-${locale}`, 3);
      const basket = await admin.newType(`Basket-${locale}`, 3);
      const fruitCol = await admin.addColumn(basket, Number((await admin.cmd(`_d_ref/${fruit}`)).obj));
      const apples: number[] = [];
      for (let n = 1; n <= 24; n++) apples.push(await admin.newRecord(fruit, { [`t${fruit}`]: `apple ${n}` }));
      await admin.newRecord(fruit, { [`t${fruit}`]: 'pear 1' });
      await admin.newRecord(fruit, { [`t${fruit}`]: 'pear 2' });
      await admin.newRecord(basket, { [`t${basket}`]: 'lunch', [`t${fruitCol}`]: apples[4] });

      const { page, commands } = await signedIn(ADMIN, locale, `#/t/${fruit}`);
      await poll(() => page.getByTestId('ws-row').count()).toBe(20);
      // without a filter there is no "delete all"
      expect(await page.getByTestId('ws-delete-filtered').count()).toBe(0);
      await filterContains(page, fruit, 'apple');
      await poll(() => page.getByTestId('ws-count').textContent()).toBe(locale === 'en' ? 'Records: 24' : 'Записей: 24');
      await expect(page.getByTestId('ws-delete-filtered').textContent()).resolves.toBe(locale === 'en' ? 'Delete all filtered (24)' : 'Удалить все по фильтру (24)');

      // the question says how many, on every page; cancelling sends nothing
      await page.getByTestId('ws-delete-filtered').click();
      await poll(() => page.getByTestId('ws-filtered-confirm').textContent()).toContain(
        locale === 'en' ? 'Delete all 24 records matching the filter, on every page?' : 'Удалить все записи по фильтру (24) на всех страницах?',
      );
      await page.getByTestId('ws-filtered-cancel').click();
      expect(await page.getByTestId('ws-filtered-confirm').count()).toBe(0);
      await page.getByTestId('ws-delete-filtered').click();
      await screenshot(page, `ws-lists-${locale}-1-delete-filter-confirm`);
      expect(commands).toEqual([]);
      await page.getByTestId('ws-filtered-confirm-delete').click();

      await poll(() => page.getByTestId('ws-notice').textContent()).toBe(locale === 'en' ? 'Deleted records: 23' : 'Удалено записей: 23');
      await expect(page.getByTestId('ws-filtered-kept').textContent()).resolves.toBe(
        locale === 'en' ? 'Kept because other records refer to them: 1' : 'Не удалены, потому что на них ссылаются другие записи: 1',
      );
      await poll(() => names(page)).toEqual(['apple 5']);
      expect(commands).toEqual([`POST object/${fruit}?JSON&_m_del_select=1&F_${fruit}=%25apple%25`]);
      await expect(namesOf(fruit)).resolves.toEqual(['apple 5', 'pear 1', 'pear 2']);
      await screenshot(page, `ws-lists-${locale}-2-delete-filter-done`);

      // a user whose role writes Client but has no DELETE grant: the engine refuses, in the user's language
      const user = await signedIn(USER, locale, `#/t/${ids.client}`);
      await poll(() => user.page.getByTestId('ws-row').count()).toBe(3);
      await filterContains(user.page, ids.phone, '555');
      await user.page.getByTestId('ws-delete-filtered').click();
      await user.page.getByTestId('ws-filtered-confirm-delete').click();
      await poll(() => user.page.getByTestId('ws-error').textContent()).toBe(
        locale === 'en' ? 'You may not delete records of this table in bulk' : 'У вас нет прав на массовое удаление объектов этого типа',
      );
      if (locale === 'en') expect(await user.page.getByTestId('ws-error').textContent()).not.toMatch(CYRILLIC);
      await poll(() => user.page.getByTestId('ws-row').count()).toBe(3);
      await expect(namesOf(ids.client)).resolves.toEqual(['Alice', 'Bob', 'Carol']);
      await screenshot(user.page, `ws-lists-${locale}-3-delete-filter-refused`);
    });
  }

  /** a subordinate table of Client with a column of its own, one per test */
  async function stepsTable(name: string): Promise<number> {
    const step = await admin.newType(name, 3);
    await admin.addColumn(step, await admin.newType(`${name} note`, 3));
    await admin.addColumn(ids.client, step);
    return step;
  }

  for (const locale of ['en', 'ru'] as const) {
    it(`orders a parent's records by dragging a row's handle and by typing a position (_m_ord) (${locale})`, async () => {
      const step = await stepsTable(`Step-${locale}`);
      const parent = locale === 'en' ? ids.bob : ids.alice;
      const made = new Map<string, number>();
      for (const n of ['s1', 's2', 's3', 's4', 's5']) made.set(n, await admin.newRecord(step, { [`t${step}`]: n }, parent));
      const id = (n: string) => made.get(n) ?? 0;
      const inEngine = () => namesOf(step, `&F_U=${parent}`);
      const { page, commands } = await signedIn(ADMIN, locale, `#/t/${step}/${parent}`);
      await poll(() => names(page)).toEqual(['s1', 's2', 's3', 's4', 's5']);
      await expect(page.getByTestId(`ws-position-${id('s3')}`).inputValue()).resolves.toBe('3');
      await expect(page.getByTestId(`ws-position-${id('s3')}`).getAttribute('aria-label')).resolves.toBe(
        locale === 'en' ? 'Position of s3: type a number and press Enter' : 'Место s3: введите номер и нажмите Enter',
      );

      // a typed position: s5 to the 2nd place
      await page.getByTestId(`ws-position-${id('s5')}`).fill('2');
      await page.getByTestId(`ws-position-${id('s5')}`).press('Enter');
      await poll(() => names(page)).toEqual(['s1', 's5', 's2', 's3', 's4']);
      expect(commands).toEqual([`POST _m_ord/${id('s5')}?JSON`]);
      await expect(inEngine()).resolves.toEqual(['s1', 's5', 's2', 's3', 's4']);
      await poll(() => page.getByTestId('ws-notice').textContent()).toBe(locale === 'en' ? 's5 moved to position 2' : 's5: теперь на месте 2');

      // drag s1's handle onto s3's row: s1 takes s3's place
      await page.getByTestId(`ws-drag-${id('s1')}`).dragTo(page.locator(`tr[data-id="${id('s3')}"] td.name`));
      await poll(() => names(page)).toEqual(['s5', 's2', 's3', 's1', 's4']);
      await expect(inEngine()).resolves.toEqual(['s5', 's2', 's3', 's1', 's4']);
      // and back up: s4 dragged onto the first row
      await page.getByTestId(`ws-drag-${id('s4')}`).dragTo(page.locator(`tr[data-id="${id('s5')}"] td.name`));
      await poll(() => names(page)).toEqual(['s4', 's5', 's2', 's3', 's1']);
      await expect(inEngine()).resolves.toEqual(['s4', 's5', 's2', 's3', 's1']);
      expect(commands.slice(1)).toEqual([`POST _m_ord/${id('s1')}?JSON`, `POST _m_ord/${id('s4')}?JSON`]);
      await screenshot(page, `ws-lists-${locale}-4-order-drag`);

      // the keyboard only: a row's position field (focusable) takes a number; past the end means the last place
      const position = page.getByTestId(`ws-position-${id('s2')}`);
      await position.focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('99');
      await page.keyboard.press('Enter');
      await poll(() => names(page)).toEqual(['s4', 's5', 's3', 's1', 's2']);
      await expect(inEngine()).resolves.toEqual(['s4', 's5', 's3', 's1', 's2']);
      // the cursor follows the moved record
      await poll(() => page.locator('tr.cursor').getAttribute('data-id')).toBe(String(id('s2')));
      // on the grid, Alt+Home and Alt+End send the cursor's record to the first and the last place
      await page.getByTestId('ws-grid').focus();
      await page.keyboard.press('Alt+Home');
      await poll(() => names(page)).toEqual(['s2', 's4', 's5', 's3', 's1']);
      await poll(() => page.locator('tr.cursor').getAttribute('data-id')).toBe(String(id('s2')));
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Alt+End');
      await poll(() => names(page)).toEqual(['s2', 's5', 's3', 's1', 's4']);
      await expect(inEngine()).resolves.toEqual(['s2', 's5', 's3', 's1', 's4']);
      // the same position sends nothing
      const sent = commands.length;
      await page.getByTestId(`ws-position-${id('s2')}`).fill('1');
      await page.getByTestId(`ws-position-${id('s2')}`).press('Enter');
      expect(commands.length).toBe(sent);

      // sorted, there is no order to change
      await page.getByTestId(`sort-${step}`).click();
      await poll(() => page.locator('[data-testid^="ws-position-"]').count()).toBe(0);
      await poll(() => page.locator('[data-testid^="ws-drag-"]').count()).toBe(0);
    });
  }

  it('moves a record to a typed position on another page; the page follows it (en)', async () => {
    const step = await stepsTable('Step-pages');
    const dave = await admin.newRecord(ids.client, { [`t${ids.client}`]: 'Dave' });
    const made: number[] = [];
    for (let n = 1; n <= 22; n++) made.push(await admin.newRecord(step, { [`t${step}`]: `n${n}` }, dave));
    const { page, commands } = await signedIn(ADMIN, 'en', `#/t/${step}/${dave}`);
    await poll(() => page.getByTestId('ws-row').count()).toBe(20);
    await page.getByTestId(`ws-position-${made[0]}`).fill('21');
    await page.getByTestId(`ws-position-${made[0]}`).press('Enter');
    await poll(() => page.getByTestId('ws-page').textContent()).toBe('Page 2 of 2');
    await poll(() => names(page)).toEqual(['n1', 'n22']);
    await expect(page.locator('tr.cursor').getAttribute('data-id')).resolves.toBe(String(made[0]));
    expect(commands).toEqual([`POST _m_ord/${made[0]}?JSON`]);
    const order = await namesOf(step, `&F_U=${dave}`);
    expect(order.slice(0, 2)).toEqual(['n2', 'n3']);
    expect(order.slice(19)).toEqual(['n21', 'n1', 'n22']);
    // and back to the top from page 2
    await page.getByTestId(`ws-position-${made[0]}`).fill('1');
    await page.getByTestId(`ws-position-${made[0]}`).press('Enter');
    await poll(() => page.getByTestId('ws-page').textContent()).toBe('Page 1 of 2');
    await poll(() => page.locator('tr.cursor').getAttribute('data-id')).toBe(String(made[0]));
    expect((await namesOf(step, `&F_U=${dave}`)).slice(0, 2)).toEqual(['n1', 'n2']);
  });

  for (const locale of ['en', 'ru'] as const) {
    it(`moves an independent record under a record of the table that holds it; the engine's refusal is shown (${locale})`, async () => {
      // Errand: a table of its own (independent records) that Client also holds as subordinate records
      const errand = await stepsTable(`Errand-${locale}`);
      const call = await admin.newRecord(errand, { [`t${errand}`]: `call back ${locale}` });
      const visit = await admin.newRecord(errand, { [`t${errand}`]: `visit ${locale}` });
      const eve = await admin.newRecord(ids.client, { [`t${ids.client}`]: `Eve ${locale}` });
      const card = (id: number) => admin.get<Card>(`edit_obj/${id}?JSON`);
      expect((await card(call)).obj.parent).toBe('1');

      const { page, commands } = await signedIn(ADMIN, locale, `#/rec/${call}`);
      await poll(() => page.getByTestId('ws-card-title').textContent()).toBe(`call back ${locale}`);
      await page.getByTestId('ws-move-under').click();
      await poll(() => page.getByTestId('ws-move-table').locator('option').allTextContents()).toEqual(['Client']);
      await page.getByTestId('ws-move-to-search').fill('Bo');
      await poll(() => page.getByTestId('ws-move-to-option').allTextContents()).toEqual(['Bob']);
      await page.keyboard.press('Enter');
      await screenshot(page, `ws-lists-${locale}-5-move-independent`);
      await page.getByTestId('ws-move').click();
      await poll(() => page.getByTestId('ws-notice').textContent()).toBe(locale === 'en' ? 'Moved' : 'Перемещено');
      expect(commands).toEqual([`POST _m_move/${call}?JSON`]);
      expect((await card(call)).obj.parent).toBe(String(ids.bob));
      // now a subordinate record: the card offers the other Clients, and its list is Bob's
      await poll(() => page.getByTestId('ws-back').getAttribute('href')).toBe(`#/t/${errand}/${ids.bob}`);
      await expect(namesOf(errand, `&F_U=${ids.bob}`)).resolves.toEqual([`call back ${locale}`]);

      // a Client with no data of its own yet: the engine refuses the move, said in the user's language
      await page.goto(`${server.url}/${DB}#/rec/${visit}`);
      await poll(() => page.getByTestId('ws-card-title').textContent()).toBe(`visit ${locale}`);
      await page.getByTestId('ws-move-under').click();
      await page.getByTestId('ws-move-to-search').fill(`Eve ${locale}`);
      await poll(() => page.getByTestId('ws-move-to-option').allTextContents()).toEqual([`Eve ${locale}`]);
      await page.keyboard.press('Enter');
      await page.getByTestId('ws-move').click();
      await poll(() => page.getByTestId('ws-error').textContent()).toBe(
        locale === 'en'
          ? 'The engine refused the move: the chosen record has no data of its own yet (fill in one of its fields first).'
          : 'Перемещение отклонено: у выбранной записи ещё нет своих данных (сначала заполните одно из её полей).',
      );
      expect((await card(visit)).obj.parent).toBe('1');
      await screenshot(page, `ws-lists-${locale}-6-move-refused`);
      expect(eve).toBeGreaterThan(0);

      // a City is held by no table: nothing to move it under, said so
      await page.goto(`${server.url}/${DB}#/rec/${ids.paris}`);
      await poll(() => page.getByTestId('ws-card-title').textContent()).toBe('Paris');
      await page.getByTestId('ws-move-under').click();
      await poll(() => page.getByTestId('ws-move-none').count()).toBe(1);
      if (locale === 'en') expect(await page.getByTestId('ws-move-none').textContent()).not.toMatch(CYRILLIC);
    });
  }

  for (const locale of ['en', 'ru'] as const) {
    it(`uploads a file into a file cell and sets a password through a dialog, never showing it (${locale})`, async () => {
      const contract = await admin.newType(`Contract-${locale}`, 3);
      const scan = await admin.addColumn(contract, await admin.newType(`Scan-${locale}`, 10));
      const acme = await admin.newRecord(contract, { [`t${contract}`]: 'acme' });
      const login = `olga-${locale}`;
      const olga = await admin.newRecord(18, { t18: login, t20: 'olga-pass-1', t115: ids.role });
      const { page, commands } = await signedIn(ADMIN, locale, `#/t/${contract}`);
      await poll(() => names(page)).toEqual(['acme']);

      // a file: F2 on the file cell opens the browser's file chooser (a click on the cell's file input); the file goes up at once
      await page.getByTestId('ws-grid').focus();
      await page.keyboard.press('ArrowRight');
      await poll(() => page.locator('td.cell-cursor').getAttribute('data-col')).toBe(String(scan));
      const fileInput = page.getByTestId(`ws-cell-file-${acme}-${scan}`);
      await fileInput.evaluate((input) => input.addEventListener('click', () => input.setAttribute('data-chooser', 'opened')));
      await page.keyboard.press('F2');
      await poll(() => fileInput.getAttribute('data-chooser')).toBe('opened');
      await fileInput.setInputFiles({ name: 'scan.txt', mimeType: 'text/plain', buffer: Buffer.from(`signed ${locale}`) });
      await poll(() => page.getByTestId('ws-notice').textContent()).toBe(locale === 'en' ? 'Uploaded: scan.txt' : 'Загружен файл: scan.txt');
      const link = page.getByTestId(`ws-cell-file-link-${acme}-${scan}`);
      await poll(() => link.textContent()).toBe('scan.txt');
      expect(commands).toEqual([`POST _m_save/${acme}?JSON`]);
      const download = await page.request.get(new URL((await link.getAttribute('href'))!, server.url).href);
      expect(download.status()).toBe(200);
      await expect(download.text()).resolves.toBe(`signed ${locale}`);
      await screenshot(page, `ws-lists-${locale}-7-file-cell`);

      // a password: the users' table shows stars only; the dialog asks twice
      await page.getByTestId('menu-table-18').click();
      const shown = page.getByTestId(`ws-cell-password-${olga}-20`);
      await poll(() => shown.textContent()).toBe('••••••');
      expect(await page.getByTestId('ws-grid').textContent()).not.toContain('olga-pass-1');
      await page.getByTestId(`ws-cell-set-password-${olga}-20`).click();
      await page.getByTestId('ws-password-new').fill('olga-pass-2');
      await page.getByTestId('ws-password-again').fill('olga-pass-3');
      await page.getByTestId('ws-password-save').click();
      await expect(page.getByTestId('ws-password-problem').textContent()).resolves.toBe(locale === 'en' ? 'The two passwords differ.' : 'Пароли не совпадают.');
      await screenshot(page, `ws-lists-${locale}-8-password-dialog`);
      // Escape closes it without a word to the engine
      const sent = commands.length;
      await page.keyboard.press('Escape');
      await poll(() => page.getByTestId('ws-password-dialog').count()).toBe(0);
      expect(commands.length).toBe(sent);
      // the keyboard: F2 on the password cell opens it again
      await page.locator(`tr[data-id="${olga}"] td[data-col="20"]`).click({ position: { x: 3, y: 3 } });
      await page.getByTestId('ws-grid').focus();
      await page.keyboard.press('F2');
      await page.getByTestId('ws-password-new').fill('olga-pass-2');
      await page.getByTestId('ws-password-again').fill('olga-pass-2');
      await page.keyboard.press('Enter');
      await poll(() => page.getByTestId('ws-notice').textContent()).toBe(locale === 'en' ? 'Password set' : 'Пароль задан');
      expect(commands.slice(sent)).toEqual([`POST _m_save/${olga}?JSON`]);
      await poll(() => shown.textContent()).toBe('••••••');
      expect(await page.getByTestId('ws-grid').textContent()).not.toContain('olga-pass-2');

      // the engine took it: the new password signs in, the old one no longer does
      const olgaScript = new LegacyScript(admin.baseUrl, admin.db);
      await expect(olgaScript.login(login, 'olga-pass-1')).rejects.toThrow();
      await olgaScript.login(login, 'olga-pass-2');
      expect(olgaScript.token).not.toBe('');
    });
  }

  /**
   * The menu the PHP engine's pages show: menu records (table 151) under a role record (Меню made a
   * subordinate table of Роль, as in the engine's templates), read through the stored report
   * `MyRoleMenu`. This report keeps the admin role's items with a stored filter on the role.
   */
  let menuMade = false;
  async function roleMenuReport(): Promise<void> {
    if (menuMade) return;
    menuMade = true;
    await admin.cmd('_d_req/42', { t: 151 });
    const roles = await admin.get<Rows>('object/42?JSON_OBJ&LIMIT=0,100');
    const adminRole = roles.find((r) => r.r[0] === 'admin')?.i ?? 0;
    expect(adminRole).toBeGreaterThan(0);
    await admin.newRecord(151, { t151: 'Customers', t153: `object/${ids.client}` }, adminRole);
    await admin.newRecord(151, { t151: 'Sales report', t153: `report/${ids.report}` }, adminRole);
    await admin.newRecord(151, { t151: 'Help', t153: 'info' }, adminRole);
    await admin.newRecord(151, { t151: 'Sales only', t153: `object/${ids.city}` }, ids.role);
    const report = await admin.newRecord(22, { t22: 'MyRoleMenu' });
    const column = async (source: number, cells: Record<string, string | number>) => {
      const id = await admin.newRecord(28, { t28: source }, report);
      await admin.cmd(`_m_set/${id}`, cells);
    };
    await column(151, { t100: 'name' });
    await column(153, { t100: 'href' });
    await column(151, { t100: 'menu_id', t104: 85 /* abn_ID */ });
    await column(42, { t100: 'role', t102: 'admin' });
  }

  for (const locale of ['en', 'ru'] as const) {
    it(`shows the user's own menu from the role's menu records (MyRoleMenu) and starts on its first item (${locale})`, async () => {
      if (locale === 'en') {
        // without the report: no menu of one's own, the first table opens
        const before = await signedIn(ADMIN, locale);
        await poll(() => new URL(before.page.url()).hash).toMatch(/^#\/t\/\d+$/);
        expect(await before.page.getByTestId('ws-role-menu').count()).toBe(0);
      }
      await roleMenuReport();
      const { page } = await signedIn(ADMIN, locale);
      // the first item that opens in the workspace is the start page
      await poll(() => new URL(page.url()).hash).toBe(`#/t/${ids.client}`);
      const items = page.getByTestId('ws-role-menu-item');
      await poll(() => items.allTextContents()).toEqual(['Customers', 'Sales report', 'Help']);
      await expect(page.getByTestId('ws-role-menu').locator('h2').textContent()).resolves.toBe(locale === 'en' ? 'My menu' : 'Моё меню');
      await expect(items.nth(0).getAttribute('class')).resolves.toContain('active');
      await expect(items.nth(2).getAttribute('href')).resolves.toBe(`/${DB}/info`);
      await poll(async () => (await names(page)).slice(0, 3)).toEqual(['Alice', 'Bob', 'Carol']);
      await screenshot(page, `ws-lists-${locale}-9-role-menu`);
      await items.nth(1).click();
      await poll(() => new URL(page.url()).hash).toBe(`#/report/${ids.report}`);
      await expect(items.nth(1).getAttribute('class')).resolves.toContain('active');
      // the tables stay listed below it
      await expect(page.getByTestId(`menu-table-${ids.city}`).count()).resolves.toBe(1);
    });
  }

  it('no page error, no request outside the origin', () => {
    expect(suite.pageErrors()).toEqual([]);
    expect(suite.foreign()).toEqual([]);
  });
});
