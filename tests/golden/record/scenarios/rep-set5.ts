/**
 * "Set" (132) with `[THIS]` on a column that has a formula: a Set that is `[THIS]` alone takes the
 * value the row shows (`CONCAT([THIS],'!')` → `a!`), which equals what is shown, so the engine writes
 * nothing; a formula that is only an alias leaves [THIS] the cell's value (`[THIS]+1` adds one).
 * (A number formula `[THIS]*2` is shown by the engine as x*(x*2), its formula read as a regular
 * expression over its own SQL, and a Set `[THIS]+1` there adds one to that: not reproduced, not
 * recorded here; docs/legacy-api.md, "Reports".) Previewed, confirmed, again, listed.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';
import { runSet } from './rep-set3.js';

const scenario: Scenario = {
  tenant: 'repsetthis',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const order = await type('order', 'Order', 3);
    const qty = await req('order_qty', order, await type('qty', 'Qty', 13));
    const note = await req('order_note', order, await type('note', 'Note', 3));
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    await rec1('o1', order, { [`t${order}`]: 'O-1', [`t${qty}`]: '3', [`t${note}`]: 'a' });
    await rec1('o2', order, { [`t${order}`]: 'O-2', [`t${qty}`]: '5' });

    const run = (key: string, id: number) => runSet(rec, key, id, [['list', order]]);
    await run('this_only', await makeReport(rec, 'this_only', {}, [
      [order, { t100: 'no' }],
      [note, { t100: 'note', t101: "CONCAT([THIS],'!')", t132: '[THIS]' }],
    ]));
    await run('alias', await makeReport(rec, 'alias', {}, [
      [order, { t100: 'no' }],
      [qty, { t100: 'qty', t101: 'q', t132: '[THIS]+1' }],
    ]));
  },
};

export default scenario;
