// How fast the workspace shows the first page of a large table: 50,000 records of six columns
// (number, date, decimal, yes/no, a reference, the name) on the embedded store, the page at 20
// and at 200 rows. The grid measures from the moment both answers (the page and the count) are in
// to the page laid out and painted (data-render-ms: after Vue's DOM patch, data-patch-ms, and the
// next animation frame). The goal: the first page (20 rows) under 300 ms, the median of three
// runs; the page of 200 is measured and printed. The numbers are in docs/workspace.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchChromium, screenshot } from './support/browser.js';
import { signInWorkspace, workspaceMissing } from './support/workspace.js';
import { createDatabase } from '../../server/appliance/databases.js';
import { defaultTemplatesDir } from '../../server/appliance/templates.js';
import { productEngine } from '../../server/runtime/compose.js';
import type { NewRow } from '../../server/storage/types.js';
import { startInProcessServer, type InProcessServer } from '../support/server.js';

const DB = 'wsbig';
const RECORDS = 50_000;
const ADMIN = { login: 'admin', password: 'admin-pass-1' };
/** the grid once it has measured its page */
const RENDERED = '[data-testid="ws-grid"]:not([data-render-ms="-1"])';

describe.skipIf(chromiumMissing || workspaceMissing !== null)('the first page of a 50,000-record table', { timeout: 600_000 }, () => {
  let server: InProcessServer;
  let browser: Browser;
  let table = 0;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startInProcessServer({ prefix: 'integram-ws-perf-', waitForStore: 180_000 }), launchChromium()]);
    const store = server.booted.storeHandle.current();
    if (!store) throw new Error('no store');
    const engine = productEngine(server.booted.context);
    await createDatabase(
      { store, templatesDir: defaultTemplatesDir(), salt: server.booted.context.config.AUTH_SALT, invalidate: (db) => engine.invalidate(db) },
      {
        name: DB,
        source: { template: 'ru' },
        owner: { login: ADMIN.login, password: ADMIN.password, roleName: 'admin' },
        // the rows the engine writes for such a table, written at once (the API would take minutes)
        populate: async (tx) => {
          const [order, qty, date, sum, urgent, city] = await tx.insertMany([
            { up: 0, ord: 0, t: 3, val: 'Заказ' }, { up: 0, ord: 0, t: 13, val: 'Количество' }, { up: 0, ord: 0, t: 9, val: 'Дата заказа' },
            { up: 0, ord: 0, t: 14, val: 'Сумма заказа' }, { up: 0, ord: 0, t: 11, val: 'Срочно' }, { up: 0, ord: 0, t: 3, val: 'Город' },
          ]);
          const [cityRef] = await tx.insertMany([{ up: 0, ord: 0, t: city, val: '' }]);
          const cols = await tx.insertMany([qty, date, sum, urgent, cityRef].map((t, i) => ({ up: order, ord: i + 1, t, val: '' })));
          const cities = await tx.insertMany(Array.from({ length: 10 }, (_v, i) => ({ up: 1, ord: 1, t: city, val: `Город ${i + 1}` })));
          for (let at = 0; at < RECORDS; at += 5000) {
            const ids = await tx.insertMany(Array.from({ length: 5000 }, (_v, i) => ({ up: 1, ord: 1, t: order, val: `З-${String(at + i + 1).padStart(6, '0')}` })));
            const cells: NewRow[] = [];
            ids.forEach((id, i) => {
              const n = at + i;
              cells.push({ up: id, ord: 1, t: cols[0], val: String((n % 97) + 1) });
              cells.push({ up: id, ord: 1, t: cols[1], val: `2025${String((n % 12) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}` });
              cells.push({ up: id, ord: 1, t: cols[2], val: String(((n * 37) % 100000) / 100) });
              if (n % 3 === 0) cells.push({ up: id, ord: 1, t: cols[3], val: '1' });
              cells.push({ up: id, ord: 1, t: cities[n % 10], val: String(cols[4]) });
            });
            await tx.insertMany(cells);
          }
          table = order;
        },
      },
    );
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the first page in under 300 ms after the answer', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await page.goto(`${server.url}/${DB}`);
    await signInWorkspace(page, ADMIN.login, ADMIN.password);
    const grid = page.getByTestId('ws-grid');
    const results: Array<{ size: number; answerMs: number; patchMs: number; renderMs: number }> = [];
    for (const size of [20, 200]) {
      for (let run = 0; run < 3; run++) {
        // a fresh page each time: the table opened from the menu, as a user does
        await page.goto(`${server.url}/${DB}#/`);
        await page.getByTestId('ws-menu').waitFor();
        await page.getByTestId(`menu-table-${table}`).click();
        await page.locator(RENDERED).waitFor();
        if (size !== 20) {
          await grid.evaluate((el) => el.setAttribute('data-render-ms', '-1'));
          await page.getByTestId('ws-page-size').selectOption(String(size));
          await page.locator(RENDERED).waitFor();
        }
        expect(await page.getByTestId('ws-row').count()).toBe(size);
        results.push({
          size,
          answerMs: Number(await grid.getAttribute('data-answer-ms')),
          patchMs: Number(await grid.getAttribute('data-patch-ms')),
          renderMs: Number(await grid.getAttribute('data-render-ms')),
        });
      }
    }
    await expect(page.getByTestId('ws-count').textContent()).resolves.toMatch(new RegExp(`: ${RECORDS}$`));
    await screenshot(page, 'ws-perf-50000');
    console.log(`[perf] first page of ${RECORDS} records: ${JSON.stringify(results)}`);
    // the goal is the first page as it opens (20 rows); the median of three, the machine being shared
    const first = results.filter((r) => r.size === 20).map((r) => r.renderMs).sort((a, b) => a - b);
    expect(first[1], `first page: ${first.join(', ')} ms`).toBeLessThan(300);
    await context.close();
  });
});
