// The workspace's grid in Chromium against the real server (in process, embedded PGlite), RU and
// EN: several records deleted with one confirmation through the engine's batch command
// (`_m_del_batch`), each refusal in the user's language; cells edited in place (text, number,
// date, yes/no, a reference through the picker) with Enter and Escape, the keyboard still
// working; a subordinate record moved under a parent chosen from a searchable list (`_m_move`);
// a parent's records put in order with buttons and Alt+arrows (`_m_up`). Every request leaving
// the origin is blocked and must not happen. Screenshots: tests/artifacts/screenshots/ws-grid-*.png.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { poll } from './support/console.js';
import { workspaceMissing, type DemoIds, type LegacyScript } from './support/workspace.js';
import { workspaceSuite } from './support/workspace-suite.js';

if (workspaceMissing) console.warn(`[e2e] workspace grid tests SKIPPED: ${workspaceMissing}`);

const DB = 'wsgrid';
const ADMIN = { login: 'admin', password: 'admin-pass-1' };
const USER = { login: 'ivan', password: 'ivan-pass-1' };
const CYRILLIC = /[А-Яа-яЁё]/;

type Card = { obj: { val: string; parent: string }; reqs: Record<string, { value: string; ref?: string }> };

describe.skipIf(chromiumMissing || workspaceMissing !== null)('the workspace grid: bulk delete, editing in place, move, order', { timeout: 180_000 }, () => {
  const suite = workspaceSuite({ db: DB, prefix: 'integram-ws-grid-e2e-', admin: ADMIN, user: USER });
  let admin: LegacyScript;
  let ids: DemoIds;
  beforeAll(() => {
    ({ admin, ids } = suite);
  });

  /** a signed-in page and the engine commands it posted (`_m_…` paths) */
  const signedIn = (login: { login: string; password: string }, locale: 'en' | 'ru', hash = '') =>
    suite.signIn(login, locale, hash, (method, url) => {
      const m = /\/(_m_[a-z_]+\/\d+)/.exec(url.pathname);
      return m ? `${method} ${m[1]}` : null;
    });

  const row = (page: Page, id: number) => page.locator(`tr[data-id="${id}"]`);
  const cell = (page: Page, id: number, column: number) => row(page, id).locator(`td[data-col="${column}"]`);
  const names = (page: Page) => page.getByTestId('ws-row').locator('td.name').allTextContents();

  for (const locale of ['en', 'ru'] as const) {
    it(`deletes the chosen records with one confirmation through _m_del_batch, each refusal in the user's language (${locale})`, async () => {
      const oslo = await admin.newRecord(ids.city, { [`t${ids.city}`]: `Oslo-${locale}` });
      const rome = await admin.newRecord(ids.city, { [`t${ids.city}`]: `Rome-${locale}` });
      const { page, commands } = await signedIn(ADMIN, locale, `#/t/${ids.city}`);
      await poll(() => page.getByTestId('ws-row').count()).toBe(5);
      expect(await page.getByTestId('ws-delete-selected').count()).toBe(0);

      // all on the page, then none again
      await page.getByTestId('ws-select-page').check();
      await poll(() => page.locator('[data-testid^="ws-select-"]:checked').count()).toBe(6);
      await expect(page.getByTestId('ws-delete-selected').textContent()).resolves.toBe(locale === 'en' ? 'Delete selected (5)' : 'Удалить выбранные (5)');
      await page.getByTestId('ws-select-page').uncheck();
      await poll(() => page.locator('[data-testid^="ws-select-"]:checked').count()).toBe(0);

      // two free cities and Moscow, which clients refer to; Space on the grid chooses the cursor's row
      await page.getByTestId(`ws-select-${oslo}`).check();
      await page.getByTestId(`ws-select-${rome}`).check();
      await row(page, ids.moscow).locator('td.name').click({ position: { x: 2, y: 2 } });
      await page.getByTestId('ws-grid').focus();
      await page.keyboard.press(' ');
      await poll(() => page.getByTestId(`ws-select-${ids.moscow}`).isChecked()).toBe(true);
      // the button asks, and so does the Delete key on the grid
      if (locale === 'en') await page.getByTestId('ws-delete-selected').click();
      else await page.keyboard.press('Delete');
      await expect(page.getByTestId('ws-bulk-confirm').textContent()).resolves.toContain(locale === 'en' ? 'Delete 3 records?' : 'Удалить записей: 3?');
      await screenshot(page, `ws-grid-${locale}-1-bulk-confirm`);
      expect(commands).toEqual([]);
      await page.getByTestId('ws-bulk-confirm-delete').click();

      await poll(() => page.getByTestId('ws-notice').textContent()).toBe(locale === 'en' ? 'Deleted records: 2' : 'Удалено записей: 2');
      const refusal = page.getByTestId('ws-bulk-error');
      await expect(refusal.count()).resolves.toBe(1);
      await expect(refusal.getAttribute('data-id')).resolves.toBe(String(ids.moscow));
      if (locale === 'en') {
        await expect(refusal.textContent()).resolves.toBe('Moscow: This record cannot be deleted: other records refer to it (2)');
        expect(await page.getByTestId('ws-bulk-errors').textContent()).not.toMatch(CYRILLIC);
      } else {
        await expect(refusal.textContent()).resolves.toBe('Moscow: Нельзя удалить объект, на который существуют ссылки (всего: 2)');
      }
      await poll(() => names(page)).toEqual(['Moscow', 'Paris', 'Berlin']);
      // the refused record stays chosen; one batch command, no single deletes
      await expect(page.getByTestId(`ws-select-${ids.moscow}`).isChecked()).resolves.toBe(true);
      expect(commands).toEqual([`POST _m_del_batch/${ids.city}`]);
      const left = await admin.get<Array<{ r: string[] }>>(`object/${ids.city}?JSON_OBJ`);
      expect(left.map((r) => r.r[0])).toEqual(['Moscow', 'Paris', 'Berlin']);
      await screenshot(page, `ws-grid-${locale}-2-bulk-refusal`);

      // a user whose role only reads City: the engine refuses the whole batch, said in the user's language
      const user = await signedIn(USER, locale, `#/t/${ids.city}`);
      await poll(() => user.page.getByTestId('ws-row').count()).toBe(3);
      await user.page.getByTestId(`ws-select-${ids.paris}`).check();
      await user.page.getByTestId('ws-delete-selected').click();
      await user.page.getByTestId('ws-bulk-confirm-delete').click();
      await poll(() => user.page.getByTestId('ws-error').textContent()).toBe(
        locale === 'en' ? 'You may not delete records of this table in bulk' : 'У вас нет прав на массовое удаление объектов этого типа',
      );
      await poll(() => user.page.getByTestId('ws-row').count()).toBe(3);
    });
  }

  it('edits cells in place: text, number, date, yes/no and a reference, Enter saves, Escape cancels, the keyboard keeps working (ru)', async () => {
    const task = await admin.newType('Task', 3);
    const hours = await admin.addColumn(task, await admin.newType('Hours', 13));
    const due = await admin.addColumn(task, await admin.newType('Due', 9));
    const done = await admin.addColumn(task, await admin.newType('Done', 11));
    const place = await admin.addColumn(task, Number((await admin.cmd(`_d_ref/${ids.city}`)).obj));
    const paint = await admin.newRecord(task, { [`t${task}`]: 'Paint', [`t${hours}`]: 3, [`t${due}`]: '01.04.2026', [`t${place}`]: ids.moscow });
    const sweep = await admin.newRecord(task, { [`t${task}`]: 'Sweep', [`t${hours}`]: 1 });
    const card = (id: number) => admin.get<Card>(`edit_obj/${id}?JSON`);

    const { page, commands } = await signedIn(ADMIN, 'ru', `#/t/${task}`);
    await poll(() => names(page)).toEqual(['Paint', 'Sweep']);
    const grid = page.getByTestId('ws-grid');

    // the keyboard: F2 edits the cursor's cell (the first column), Enter saves it
    await grid.focus();
    await page.keyboard.press('F2');
    const input = page.getByTestId('ws-cell-input');
    await expect(input.inputValue()).resolves.toBe('Paint');
    await input.fill('Paint walls');
    await screenshot(page, 'ws-grid-ru-3-edit-text');
    await page.keyboard.press('Enter');
    await poll(() => cell(page, paint, task).textContent()).toBe('Paint walls');
    await poll(() => page.getByTestId('ws-notice').textContent()).toBe('Сохранено');
    expect((await card(paint)).obj.val).toBe('Paint walls');

    // → to Hours, F2, a number; Escape first leaves it as it was and sends nothing
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('F2');
    await expect(input.inputValue()).resolves.toBe('3');
    await input.fill('99');
    await page.keyboard.press('Escape');
    await poll(() => input.count()).toBe(0);
    await expect(cell(page, paint, hours).textContent()).resolves.toBe('3');
    const sent = commands.length;
    await page.keyboard.press('F2');
    await input.fill('8');
    await page.keyboard.press('Enter');
    await poll(() => cell(page, paint, hours).textContent()).toBe('8');
    expect(commands.slice(sent)).toEqual([`POST _m_save/${paint}`]);
    expect((await card(paint)).reqs[hours].value).toBe('8');

    // a date (double click), yes/no, a reference through the searchable picker
    await cell(page, paint, due).dblclick();
    await expect(input.inputValue()).resolves.toBe('2026-04-01');
    await input.fill('2026-05-17');
    await input.press('Enter');
    await poll(() => cell(page, paint, due).textContent()).toBe('17.05.2026');
    expect((await card(paint)).reqs[due].value).toBe('17.05.2026');

    await cell(page, sweep, done).dblclick();
    await input.check();
    await input.press('Enter');
    await poll(() => cell(page, sweep, done).textContent()).toBe('✓');
    expect((await card(sweep)).reqs[done].value).not.toBe('');

    await cell(page, paint, place).dblclick();
    await page.getByTestId('ws-cell-ref-search').fill('Par');
    await screenshot(page, 'ws-grid-ru-4-edit-reference');
    await page.getByTestId('ws-cell-ref-option').filter({ hasText: 'Paris' }).click();
    await poll(() => cell(page, paint, place).textContent()).toBe('Paris');
    expect((await card(paint)).reqs[place].ref).toBe('Paris');

    // after an edit the grid has the keyboard again: ↓ then Enter opens Sweep's card
    await poll(() => page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).toBe('ws-grid');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('ws-card-title').textContent()).toBe('Sweep');
  });

  it('a user edits a cell in place and is refused on a READ table in English (en)', async () => {
    const { page } = await signedIn(USER, 'en', `#/t/${ids.client}`);
    await poll(() => page.getByTestId('ws-row').count()).toBe(3);
    await cell(page, ids.carol, ids.phone).dblclick();
    await page.getByTestId('ws-cell-input').fill('555-99');
    await page.getByTestId('ws-cell-input').press('Enter');
    await poll(() => cell(page, ids.carol, ids.phone).textContent()).toBe('555-99');
    await poll(() => page.getByTestId('ws-notice').textContent()).toBe('Saved');
    expect((await admin.get<Card>(`edit_obj/${ids.carol}?JSON`)).reqs[ids.phone].value).toBe('555-99');

    await page.getByTestId(`menu-table-${ids.city}`).click();
    await poll(() => page.getByTestId('ws-row').count()).toBe(3);
    await page.getByTestId('ws-grid').focus();
    await page.keyboard.press('F2');
    await page.getByTestId('ws-cell-input').fill('Moskva');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('ws-error').textContent()).toMatch(/^You have no access to this field of record \d+/);
    expect(await page.getByTestId('ws-error').textContent()).not.toMatch(CYRILLIC);
    await poll(() => names(page)).toEqual(['Moscow', 'Paris', 'Berlin']);
    await screenshot(page, 'ws-grid-en-5-edit-refused');
  });

  /** Client gets a subordinate table "Line" (a column of its own, attached to Client as a column) */
  let line = 0;
  async function lines(): Promise<void> {
    if (line) return;
    line = await admin.newType('Line', 3);
    await admin.addColumn(line, await admin.newType('Qty', 13));
    await admin.addColumn(ids.client, line);
  }
  const linesOf = async (parent: number) => (await admin.get<Array<{ i: number; r: string[] }>>(`object/${line}?JSON_OBJ&LIMIT=0,100&F_U=${parent}`)).map((r) => r.r[0]);

  it('moves a subordinate record under a parent chosen from a searchable list (ru)', async () => {
    await lines();
    const bolt = await admin.newRecord(line, { [`t${line}`]: 'bolt' }, ids.alice);
    const { page, commands } = await signedIn(ADMIN, 'ru', `#/rec/${bolt}`);
    await poll(() => page.getByTestId('ws-card-title').textContent()).toBe('bolt');
    await expect(page.getByTestId('ws-move').isDisabled()).resolves.toBe(true);
    // every Client but the current parent, then narrowed by the typed text
    await page.getByTestId('ws-move-to-search').focus();
    await poll(() => page.getByTestId('ws-move-to-option').allTextContents()).toEqual(['Bob', 'Carol']);
    await page.getByTestId('ws-move-to-search').fill('Car');
    await poll(() => page.getByTestId('ws-move-to-option').allTextContents()).toEqual(['Carol']);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('ws-move-to-chip').textContent()).resolves.toContain('Carol');
    await screenshot(page, 'ws-grid-ru-6-move-picker');
    await page.getByTestId('ws-move').click();
    await poll(() => page.getByTestId('ws-notice').textContent()).toBe('Перемещено');
    expect(commands).toEqual([`POST _m_move/${bolt}`]);
    expect((await admin.get<Card>(`edit_obj/${bolt}?JSON`)).obj.parent).toBe(String(ids.carol));
    await expect(linesOf(ids.carol)).resolves.toEqual(['bolt']);
    await page.getByTestId('ws-back').click();
    await poll(() => page.getByTestId('ws-parent-link').textContent()).toBe('Carol');
  });

  for (const locale of ['en', 'ru'] as const) {
    it(`orders a parent's records with up/down buttons and Alt+arrows (${locale})`, async () => {
      await lines();
      const parent = locale === 'en' ? ids.bob : ids.alice;
      const made: number[] = [];
      for (const name of ['first', 'second', 'third']) made.push(await admin.newRecord(line, { [`t${line}`]: `${name}-${locale}` }, parent));
      const [first, second, third] = made;
      const { page, commands } = await signedIn(ADMIN, locale, `#/t/${line}/${parent}`);
      const want = (order: string[]) => order.map((n) => `${n}-${locale}`);
      await poll(() => names(page)).toEqual(want(['first', 'second', 'third']));
      await expect(page.getByTestId(`ws-up-${first}`).isDisabled()).resolves.toBe(true);
      await expect(page.getByTestId(`ws-down-${third}`).isDisabled()).resolves.toBe(true);
      await expect(page.getByTestId(`ws-up-${second}`).getAttribute('aria-label')).resolves.toBe(
        locale === 'en' ? `Move second-${locale} up` : `Переместить second-${locale} выше`,
      );

      // ▼ on the first: it changes places with the second (the engine's _m_up on the second)
      await page.getByTestId(`ws-down-${first}`).click();
      await poll(() => names(page)).toEqual(want(['second', 'first', 'third']));
      expect(commands).toEqual([`POST _m_up/${second}`]);
      await expect(linesOf(parent)).resolves.toEqual(want(['second', 'first', 'third']));
      await screenshot(page, `ws-grid-${locale}-7-order`);

      // the keyboard: End, then Alt+↑ twice takes the third to the top; the cursor follows it
      await page.getByTestId('ws-grid').focus();
      await page.keyboard.press('End');
      await page.keyboard.press('Alt+ArrowUp');
      await poll(() => names(page)).toEqual(want(['second', 'third', 'first']));
      await poll(() => page.locator('tr.cursor').getAttribute('data-id')).toBe(String(third));
      await page.keyboard.press('Alt+ArrowUp');
      await poll(() => names(page)).toEqual(want(['third', 'second', 'first']));
      await expect(linesOf(parent)).resolves.toEqual(want(['third', 'second', 'first']));
      // Alt+↓ on the cursor's row
      await page.keyboard.press('Alt+ArrowDown');
      await poll(() => names(page)).toEqual(want(['second', 'third', 'first']));
      await expect(linesOf(parent)).resolves.toEqual(want(['second', 'third', 'first']));

      // sorted by a column, the order cannot be changed there
      await page.getByTestId(`sort-${line}`).click();
      await poll(() => page.locator('[data-testid^="ws-up-"]').count()).toBe(0);
    });
  }

  it('moves a record down and up across the page boundary; the page follows it (en)', async () => {
    await lines();
    const dave = await admin.newRecord(ids.client, { [`t${ids.client}`]: 'Dave' });
    const made: number[] = [];
    for (let n = 1; n <= 21; n++) made.push(await admin.newRecord(line, { [`t${line}`]: `n${n}` }, dave));
    const { page, commands } = await signedIn(ADMIN, 'en', `#/t/${line}/${dave}`);
    await poll(() => page.getByTestId('ws-row').count()).toBe(20);
    await expect(page.getByTestId('ws-page').textContent()).resolves.toBe('Page 1 of 2');

    // ▼ on the page's last row: the record after it is on page 2 (fetched), the page follows the record
    await page.getByTestId(`ws-down-${made[19]}`).click();
    await poll(() => page.getByTestId('ws-page').textContent()).toBe('Page 2 of 2');
    await poll(() => names(page)).toEqual(['n20']);
    await expect(page.locator('tr.cursor').getAttribute('data-id')).resolves.toBe(String(made[19]));
    expect(commands).toEqual([`POST _m_up/${made[20]}`]);
    expect((await linesOf(dave)).slice(18)).toEqual(['n19', 'n21', 'n20']);

    // ▲ on page 2's first row takes it back to the end of page 1
    await page.getByTestId(`ws-up-${made[19]}`).click();
    await poll(() => page.getByTestId('ws-page').textContent()).toBe('Page 1 of 2');
    await poll(() => page.locator('tr.cursor').getAttribute('data-id')).toBe(String(made[19]));
    expect((await linesOf(dave)).slice(18)).toEqual(['n19', 'n20', 'n21']);
  });

  it('no page error, no request outside the origin', () => {
    expect(suite.pageErrors()).toEqual([]);
    expect(suite.foreign()).toEqual([]);
  });
});
