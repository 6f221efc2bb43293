// The workspace end to end in Chromium against the real server (in process, embedded PGlite):
// a browser opening /{db} gets the workspace; a user with a role sees only the tables granted to
// it, edits a record, and is refused on a READ table with the engine's message (RU and EN); the
// database's admin builds a table with a column of every base type, adds a record with a file,
// runs a report with a filter and sees its chart, and imports a CSV. Every request leaving the
// server's origin is blocked and must not happen. Screenshots: tests/artifacts/screenshots/ws-*.png.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { poll } from './support/console.js';
import { LegacyScript, chooseLocale, signInWorkspace, workspaceMissing, type DemoIds } from './support/workspace.js';
import { workspaceSuite } from './support/workspace-suite.js';
import type { InProcessServer } from '../support/server.js';

if (workspaceMissing) console.warn(`[e2e] workspace browser tests SKIPPED: ${workspaceMissing}`);

const DB = 'wsdemo';
const ADMIN = { login: 'admin', password: 'admin-pass-1' };
const USER = { login: 'ivan', password: 'ivan-pass-1' };

describe.skipIf(chromiumMissing || workspaceMissing !== null)('the workspace in a browser', { timeout: 180_000 }, () => {
  const suite = workspaceSuite({ db: DB, prefix: 'integram-ws-e2e-', admin: ADMIN, user: USER });
  let server: InProcessServer;
  let admin: LegacyScript;
  let ids: DemoIds;
  beforeAll(() => {
    ({ server, admin, ids } = suite);
  });
  const newPage = (viewport?: { width: number; height: number }) => suite.newPage(viewport);
  const blockedOf = (page: Page) => suite.blockedOf(page);

  it('a browser opening /{db} gets the workspace; scripts still get the legacy API', async () => {
    const page = await fetch(`${server.url}/${DB}`, { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/workspace/assets/');
    const json = await fetch(`${server.url}/${DB}/xsrf?JSON`, { headers: { Accept: 'text/html' } });
    expect(json.headers.get('content-type')).toContain('application/json');
    const script = await fetch(`${server.url}/${DB}?JSON`, { headers: { Accept: 'text/html' } });
    expect(await script.text()).not.toContain('/workspace/assets/');
  });

  for (const locale of ['en', 'ru'] as const) {
    it(`a user sees only the granted tables, edits a record and is refused on a READ table (${locale})`, async () => {
      const page = await newPage();
      await page.goto(`${server.url}/${DB}`);
      await chooseLocale(page, locale);
      await screenshot(page, `ws-${locale}-1-login`);
      await signInWorkspace(page, USER.login, USER.password);

      // the menu is the engine's dict for this user: Client (WRITE) and City (READ), nothing else
      const menu = page.getByTestId('ws-menu').locator('a');
      await poll(() => menu.allTextContents()).toEqual(['City', 'Client']);

      await page.getByTestId(`menu-table-${ids.client}`).click();
      await poll(() => page.getByTestId('ws-row').count()).toBe(3);
      await expect(page.getByTestId('ws-count').textContent()).resolves.toBe(locale === 'en' ? 'Records: 3' : 'Записей: 3');
      await screenshot(page, `ws-${locale}-2-grid`);
      // the role has EXPORT on Client only: the export links follow the engine's grant
      await expect(page.getByTestId('ws-export').count()).resolves.toBe(1);

      // keyboard: the second row, then Enter opens its card
      await page.getByTestId('ws-grid').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await poll(() => page.getByTestId('ws-card-title').textContent()).toBe('Bob');

      const phone = `555-${locale}-7`;
      await page.getByTestId(`input-${ids.phone}`).fill(phone);
      await page.getByTestId('ws-save').click();
      await poll(() => page.getByTestId('ws-notice').textContent()).toBe(locale === 'en' ? 'Saved' : 'Сохранено');
      const card = await admin.get<{ reqs: Record<string, { value: string }> }>(`edit_obj/${ids.bob}?JSON`);
      expect(card.reqs[String(ids.phone)].value).toBe(phone);
      await screenshot(page, `ws-${locale}-3-card-saved`);

      // City is READ for this role: the engine refuses the change, the workspace says so in the user's language
      await page.getByTestId(`menu-table-${ids.city}`).click();
      await poll(() => page.getByTestId('ws-row').count()).toBe(3);
      await expect(page.getByTestId('ws-export').count()).resolves.toBe(0);
      await page.getByRole('link', { name: 'Moscow' }).click();
      await page.getByTestId('ws-readonly').waitFor();
      await page.getByTestId(`input-${ids.city}`).fill('Moskva');
      await page.getByTestId('ws-save').click();
      await poll(() => page.getByTestId('ws-error').textContent()).toMatch(
        locale === 'en' ? /^You have no access to this field of record \d+/ : /^У вас нет доступа к реквизиту объекта:? \d+/,
      );
      // the English user reads it all in English
      if (locale === 'en') expect(await page.getByTestId('ws-error').textContent()).not.toMatch(/[А-Яа-яЁё]/);
      const city = await admin.get<{ obj: { val: string } }>(`edit_obj/${ids.moscow}?JSON`);
      expect(city.obj.val).toBe('Moscow');
      await screenshot(page, `ws-${locale}-4-read-refused`);

      // the choice of language is remembered
      await page.reload();
      await page.getByTestId('ws-menu').waitFor();
      await expect(page.getByTestId('ws-locale').inputValue()).resolves.toBe(locale);
      if (locale === 'en') {
        await page.getByTestId('ws-logout').click();
      } else {
        // logged out everywhere by another device: the next call shows the login again
        const elsewhere = new LegacyScript(server.url, DB);
        await elsewhere.login(USER.login, USER.password);
        await elsewhere.get('exit?JSON');
        await page.getByTestId(`menu-table-${ids.client}`).click();
      }
      await page.getByTestId('ws-login').waitFor();
      expect(blockedOf(page)).toEqual([]);
    });
  }

  it('the admin builds a table with every base type, adds a record with a file, runs a report with its chart and imports a CSV', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/${DB}/`);
    await chooseLocale(page, 'ru');
    await signInWorkspace(page, ADMIN.login, ADMIN.password);

    // --- structure: a new table and a column of every base type
    await page.getByTestId('nav-schema').click();
    await page.getByTestId('ws-new-table-name').fill('Товар');
    await page.getByTestId('ws-new-table-create').click();
    const editor = page.locator('[data-testid^="schema-edit-"]');
    await editor.waitFor();
    const product = Number((await editor.getAttribute('data-testid'))!.replace('schema-edit-', ''));
    const columns: Array<[string, number]> = [
      ['Цена', 14], ['Количество', 13], ['Поставка', 9], ['Обновлено', 4], ['В наличии', 11], ['Комментарий', 12], ['Паспорт', 10],
    ];
    for (const [i, [name, base]] of columns.entries()) {
      await page.getByTestId('ws-new-column-name').fill(name);
      await page.getByTestId('ws-new-column-base').selectOption(String(base));
      await page.getByTestId('ws-new-column-add').click();
      await poll(() => editor.locator('tr').count()).toBe(i + 1);
    }
    await page.getByTestId('ws-new-column-ref').selectOption(String(ids.city));
    await page.getByTestId('ws-new-column-add').click();
    await poll(() => editor.locator('tr').count()).toBe(columns.length + 1);
    await page.getByTestId('ws-new-column-ref').selectOption(String(ids.city));
    await page.getByTestId('ws-new-column-multi').check();
    await page.getByTestId('ws-new-column-add').click();
    await poll(() => editor.locator('tr').count()).toBe(columns.length + 2);
    // renamed and made unique through _d_save, then unique again taken off (the name stays)
    await page.getByTestId('ws-save-table-name').fill('Товары');
    await page.getByTestId('ws-save-table-unique').check();
    await page.getByTestId('ws-save-table-submit').click();
    await poll(async () => (await admin.get<{ val: string; unique: string }>(`metadata/${product}?JSON`))).toMatchObject({ val: 'Товары', unique: '1' });
    await page.getByTestId('ws-save-table-unique').uncheck();
    await page.getByTestId('ws-save-table-submit').click();
    await poll(async () => (await admin.get<{ val: string; unique: string }>(`metadata/${product}?JSON`))).toMatchObject({ val: 'Товары', unique: '0' });
    await poll(() => page.getByTestId(`schema-table-${product}`).textContent()).toBe('Товары');
    await screenshot(page, 'ws-ru-5-schema');

    const meta = await admin.get<{ reqs: Array<{ id: string; val: string; type: string; ref?: string; attrs?: string }> }>(`metadata/${product}?JSON`);
    expect(meta.reqs.map((r) => [r.val, r.type])).toEqual([
      ['Цена', '14'], ['Количество', '13'], ['Поставка', '9'], ['Обновлено', '4'], ['В наличии', '11'], ['Комментарий', '12'], ['Паспорт', '10'],
      ['City', '3'], ['City', '3'],
    ]);
    const col = Object.fromEntries(meta.reqs.slice(0, 7).map((r) => [r.val, r.id]));
    const [single, multi] = meta.reqs.slice(7).map((r) => r.id);
    expect(meta.reqs[8].attrs ?? '').toMatch(/multi/i);

    // --- a record with every type and a file
    await page.getByTestId(`menu-table-${product}`).click();
    await page.getByTestId('ws-new').click();
    await page.getByTestId(`input-${product}`).fill('Стол');
    await page.getByTestId(`input-${col['Цена']}`).fill('12.5');
    await page.getByTestId(`input-${col['Количество']}`).fill('7');
    await page.getByTestId(`input-${col['Поставка']}`).fill('2026-03-15');
    await page.getByTestId(`input-${col['Обновлено']}`).fill('2026-03-15T10:30:00');
    await page.getByTestId(`input-${col['В наличии']}`).check();
    await page.getByTestId(`input-${col['Комментарий']}`).fill('дуб\nдва ящика');
    await page.getByTestId(`input-${col['Паспорт']}`).setInputFiles({ name: 'passport.txt', mimeType: 'text/plain', buffer: Buffer.from('паспорт изделия') });
    await page.getByTestId(`input-${single}-search`).fill('Mos');
    await page.getByTestId(`input-${single}-option`).filter({ hasText: 'Moscow' }).click();
    await page.getByTestId(`input-${multi}-search`).fill('a');
    await page.getByTestId(`input-${multi}-option`).filter({ hasText: 'Paris' }).click();
    await page.getByTestId(`input-${multi}-search`).fill('Ber');
    await page.getByTestId(`input-${multi}-option`).filter({ hasText: 'Berlin' }).click();
    await screenshot(page, 'ws-ru-6-new-record');
    await page.getByTestId('ws-save').click();
    await poll(() => page.getByTestId('ws-card-title').textContent()).toBe('Стол');

    const recordId = Number(new URL(page.url()).hash.replace('#/rec/', ''));
    const card = await admin.get<{ reqs: Record<string, { value: string; ref?: string; multiselect?: { ref_val: string[] } }> }>(`edit_obj/${recordId}?JSON`);
    expect(card.reqs[col['Цена']].value).toBe('12.5');
    expect(card.reqs[col['Количество']].value).toBe('7');
    expect(card.reqs[col['Поставка']].value).toBe('15.03.2026');
    expect(card.reqs[col['Обновлено']].value).toBe(String(Date.UTC(2026, 2, 15, 10, 30) / 1000));
    expect(card.reqs[col['В наличии']].value).not.toBe('');
    // a multipart form (the file) carries line breaks as CRLF, as a browser's form to the PHP engine does
    expect(card.reqs[col['Комментарий']].value).toMatch(/^дуб\r?\nдва ящика$/);
    expect(card.reqs[col['Паспорт']].value).toContain('passport.txt');
    expect(card.reqs[single].ref).toBe('Moscow');
    expect(card.reqs[multi].multiselect?.ref_val.sort()).toEqual(['Berlin', 'Paris']);
    // the card shows the values again, and the file downloads with the session
    await expect(page.getByTestId(`input-${col['Поставка']}`).inputValue()).resolves.toBe('2026-03-15');
    await expect(page.getByTestId(`input-${col['Обновлено']}`).inputValue()).resolves.toMatch(/^2026-03-15T10:30(:00)?$/);
    const link = page.getByTestId(`file-${col['Паспорт']}`);
    const download = await page.request.get(new URL((await link.getAttribute('href'))!, server.url).href);
    expect(download.status()).toBe(200);
    expect(await download.text()).toBe('паспорт изделия');
    await screenshot(page, 'ws-ru-7-record-saved');

    // copy, then delete the copy
    await page.getByTestId('ws-copy').click();
    await poll(() => new URL(page.url()).hash).not.toBe(`#/rec/${recordId}`);
    await page.getByTestId('ws-delete').click();
    await page.getByTestId('ws-delete-confirm').click();
    await poll(() => page.getByTestId('ws-row').count()).toBe(1);

    // --- the grid: filter Amount ≥ 50 on Client, hide a column, sort
    await page.getByTestId(`menu-table-${ids.client}`).click();
    await poll(() => page.getByTestId('ws-row').count()).toBe(3);
    await page.getByTestId('ws-toggle-filters').click();
    await page.getByTestId('filter-add-column').selectOption(String(ids.amount));
    await page.getByTestId('filter-add').click();
    await page.getByTestId(`filter-${ids.amount}-from`).fill('50');
    await page.getByTestId('filter-apply').click();
    await poll(() => page.getByTestId('ws-row').count()).toBe(2);
    await page.getByTestId('filter-add-column').selectOption(String(ids.cityCol));
    await page.getByTestId('filter-add').click();
    await page.getByTestId(`filter-${ids.cityCol}-refs-search`).fill('Par');
    await page.getByTestId(`filter-${ids.cityCol}-refs-option`).filter({ hasText: 'Paris' }).click();
    await page.getByTestId('filter-apply').click();
    await poll(() => page.getByTestId('ws-row').locator('td.name').first().textContent()).toBe('Bob');
    await expect(page.getByTestId('ws-count').textContent()).resolves.toBe('Записей: 1');
    await screenshot(page, 'ws-ru-8-filtered');
    await page.getByTestId('filter-clear').click();
    await poll(() => page.getByTestId('ws-row').count()).toBe(3);
    await page.getByTestId('ws-toggle-columns').click();
    await page.getByTestId(`col-toggle-${ids.phone}`).uncheck();
    await poll(() => page.getByTestId('ws-grid').locator('th[data-col]').count()).toBe(3);
    await page.getByTestId(`sort-${ids.amount}`).click();
    await poll(() => page.getByTestId('ws-row').locator('td.name').allTextContents()).toEqual(['Carol', 'Bob', 'Alice']);

    // --- the report with a filter, its totals and its chart
    await page.getByTestId('nav-reports').click();
    await page.getByTestId(`report-${ids.report}`).click();
    await poll(() => page.getByTestId('ws-report-row').count()).toBe(2);
    await page.getByTestId(`rfrom-${ids.reportCity}`).fill('Moscow');
    await page.getByTestId('ws-report-run').click();
    await poll(() => page.getByTestId('ws-report-row').count()).toBe(1);
    await expect(page.getByTestId('ws-report-row').locator('td').allTextContents()).resolves.toEqual(['Moscow', '162.50']);
    await expect(page.getByTestId('ws-report-totals').textContent()).resolves.toContain('162.5');
    await page.getByTestId(`rfrom-${ids.reportCity}`).fill('');
    await page.getByTestId('ws-report-run').click();
    await poll(() => page.getByTestId('ws-report-row').count()).toBe(2);
    await page.getByTestId('ws-chart-kind').selectOption('bar');
    await page.getByTestId('ws-chart').locator('canvas').waitFor();
    await expect(page.getByTestId('ws-chart').getAttribute('data-kind')).resolves.toBe('bar');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ws-report-csv').click()]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)).toEqual(['city;total', 'Moscow;162.50', 'Paris;80.00', ';242.50']);
    await screenshot(page, 'ws-ru-9-report-chart');
    await page.getByTestId('ws-chart-kind').selectOption('line');
    await expect(page.getByTestId('ws-chart').getAttribute('data-kind')).resolves.toBe('line');

    // --- import a CSV into Client: preview, progress, the records arrive
    await page.getByTestId(`menu-table-${ids.client}`).click();
    await page.getByTestId('ws-import').click();
    const file = 'Client;Phone;Amount;City\nDora;555-10;10,5;Berlin\n"Eve; Jr.";555-11;20;Madrid\nFrank;;30;\n';
    await page.getByTestId('ws-import-file').setInputFiles({ name: 'clients.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await poll(() => page.getByTestId('ws-import-preview-count').textContent()).toContain('3');
    await expect(page.getByTestId('ws-import-preview').locator('tbody tr').count()).resolves.toBe(3);
    await screenshot(page, 'ws-ru-10-import-preview');
    await page.getByTestId('ws-import-start').click();
    await poll(() => page.getByTestId('ws-count').textContent()).toBe('Записей: 6');
    const imported = await admin.get<Array<{ r: string[] }>>(`object/${ids.client}?JSON_OBJ&F_${ids.client}=IN('Dora','Eve; Jr.','Frank')`);
    expect(imported.map((row) => row.r)).toEqual([
      ['Dora', '555-10', '10.50', expect.stringMatching(/^\d+:Berlin$/)],
      ['Eve; Jr.', '555-11', '20.00', expect.stringMatching(/^\d+:Madrid$/)],
      ['Frank', '', '30.00', ''],
    ]);

    // the table's export: the engine's CSV (Windows-1251, ';') with the grid's filter
    await page.getByTestId('ws-toggle-filters').click();
    await page.getByTestId('filter-add-column').selectOption(String(ids.client));
    await page.getByTestId('filter-add').click();
    await page.getByTestId(`filter-${ids.client}-value`).fill('o');
    await page.getByTestId('filter-apply').click();
    await poll(() => page.getByTestId('ws-row').count()).toBe(3);
    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ws-export').click()]);
    const exportedText = new TextDecoder('windows-1251').decode(readFileSync((await exported.path())!));
    expect(exportedText.split('\n')[0]).toContain('Client');
    for (const name of ['Bob', 'Carol', 'Dora']) expect(exportedText).toContain(name);
    for (const name of ['Alice', 'Frank']) expect(exportedText).not.toContain(name);

    // English at the end: the same report page in the other language
    await chooseLocale(page, 'en');
    await page.getByTestId('nav-reports').click();
    await page.getByTestId(`report-${ids.report}`).click();
    await poll(() => page.getByTestId('ws-report-rows').textContent()).toMatch(/^Rows: [1-9]\d*$/);
    await screenshot(page, 'ws-en-11-report');
    expect(blockedOf(page)).toEqual([]);
  });

  it('opens a record\'s subordinate table, adds a subordinate record and moves one to another parent', async () => {
    // Client gets a subordinate table "Line" (a table with a column of its own, attached as a column)
    const line = await admin.newType('Line', 3);
    const qty = await admin.addColumn(line, await admin.newType('Qty', 13));
    const linesCol = await admin.addColumn(ids.client, line);
    await admin.newRecord(line, { [`t${line}`]: 'bolt', [`t${qty}`]: 10 }, ids.alice);
    const nut = await admin.newRecord(line, { [`t${line}`]: 'nut', [`t${qty}`]: 5 }, ids.alice);

    const page = await newPage();
    await page.goto(`${server.url}/${DB}#/rec/${ids.alice}`);
    await chooseLocale(page, 'en');
    await signInWorkspace(page, ADMIN.login, ADMIN.password);
    await page.goto(`${server.url}/${DB}#/rec/${ids.alice}`);
    await poll(() => page.getByTestId(`sub-${linesCol}`).textContent()).toBe('Open (2)');
    await page.getByTestId(`sub-${linesCol}`).click();
    await poll(() => page.getByTestId('ws-row').locator('td.name').allTextContents()).toEqual(['bolt', 'nut']);
    await expect(page.getByTestId('ws-parent-link').textContent()).resolves.toBe('Alice');
    await page.getByTestId('ws-new').click();
    await page.getByTestId(`input-${line}`).fill('washer');
    await page.getByTestId(`input-${qty}`).fill('3');
    await page.getByTestId('ws-save').click();
    await poll(() => page.getByTestId('ws-card-title').textContent()).toBe('washer');
    const children = await admin.get<Array<{ r: string[] }>>(`object/${line}?JSON_OBJ&F_U=${ids.alice}`);
    expect(children.map((c) => c.r)).toEqual([['bolt', '10'], ['nut', '5'], ['washer', '3']]);
    await screenshot(page, 'ws-en-12-subordinate');

    // move "nut" under Bob, chosen from the searchable list of Client's records (the current parent not offered)
    await page.goto(`${server.url}/${DB}#/rec/${nut}`);
    await page.getByTestId('ws-move-to-search').fill('Bo');
    await poll(() => page.getByTestId('ws-move-to-option').allTextContents()).toEqual(['Bob']);
    await page.getByTestId('ws-move-to-option').filter({ hasText: 'Bob' }).click();
    await page.getByTestId('ws-move').click();
    await poll(() => page.getByTestId('ws-notice').textContent()).toBe('Moved');
    const bobs = await admin.get<Array<{ r: string[] }>>(`object/${line}?JSON_OBJ&F_U=${ids.bob}`);
    expect(bobs.map((c) => c.r[0])).toEqual(['nut']);
    await page.getByTestId('ws-back').click();
    await poll(() => page.getByTestId('ws-parent-link').textContent()).toBe('Bob');
    expect(blockedOf(page)).toEqual([]);
  });

  it('a CSV chosen before the table\'s columns have arrived is still matched and imported', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/${DB}`);
    await chooseLocale(page, 'en');
    await signInWorkspace(page, ADMIN.login, ADMIN.password);
    // the table's metadata is held back until the file has been read (a slow server, a busy machine)
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/${DB}/metadata/${ids.client}**`, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${server.url}/${DB}#/import/${ids.client}`);
    const file = 'Client;Phone\nGina;555-20\nHank;555-21\n';
    await page.getByTestId('ws-import-file').setInputFiles({ name: 'late.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await poll(() => page.getByTestId('ws-import-preview-count').textContent()).toContain('2');
    await expect(page.getByTestId('ws-import-start').isDisabled()).resolves.toBe(true);
    release();
    await poll(() => page.getByTestId('ws-import-start').isEnabled()).toBe(true);
    await expect(page.getByTestId(`map-${ids.client}`).inputValue()).resolves.toBe('0');
    await expect(page.getByTestId(`map-${ids.phone}`).inputValue()).resolves.toBe('1');
    await page.getByTestId('ws-import-start').click();
    await poll(() => page.getByTestId('ws-notice').textContent()).toMatch(/2/);
    const imported = await admin.get<Array<{ r: string[] }>>(`object/${ids.client}?JSON_OBJ&F_${ids.client}=IN('Gina','Hank')`);
    expect(imported.map((row) => row.r.slice(0, 2))).toEqual([['Gina', '555-20'], ['Hank', '555-21']]);

    // a file none of whose columns is the table's: nothing matched, nothing to start, and the reason shown
    await page.goto(`${server.url}/${DB}#/import/${ids.client}`);
    await page.getByTestId('ws-import-file').setInputFiles({ name: 'other.csv', mimeType: 'text/csv', buffer: Buffer.from('A;B;C;D;E\n1;2;3;4;5\n') });
    await poll(() => page.getByTestId('ws-import-preview-count').textContent()).toContain('1');
    // the table's columns have arrived (their pickers are shown), then none is chosen
    await page.getByTestId(`map-${ids.client}`).waitFor();
    const maps = page.locator('select[data-testid^="map-"]');
    for (let i = 0; i < (await maps.count()); i++) await maps.nth(i).selectOption('-1');
    await poll(() => page.getByTestId('ws-import-unmapped').isVisible()).toBe(true);
    await expect(page.getByTestId('ws-import-start').isDisabled()).resolves.toBe(true);
    expect(blockedOf(page)).toEqual([]);
  });

  it('fits a 10" tablet', async () => {
    const page = await newPage({ width: 800, height: 1280 });
    await page.goto(`${server.url}/${DB}`);
    await signInWorkspace(page, USER.login, USER.password);
    await page.getByTestId(`menu-table-${ids.client}`).click();
    await poll(() => page.getByTestId('ws-row').count()).toBeGreaterThanOrEqual(3);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'ws-tablet-grid');
    expect(blockedOf(page)).toEqual([]);
  });

  it('no page error, no request outside the origin', () => {
    expect(suite.pageErrors()).toEqual([]);
    expect(suite.foreign()).toEqual([]);
  });
});
