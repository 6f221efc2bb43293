/**
 * MySQL functions in report formulas beyond the first list: MOD (signs, fractions, a zero divisor),
 * NULLIF (numbers, text compared case-blind), GREATEST/LEAST of numbers (NULL when one is NULL) and
 * CHAR_LENGTH, on calculated columns naming other columns by their alias formulas.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const scenario: Scenario = {
  tenant: 'repfuncs',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const order = await type('order', 'Order', 3);
    const qty = await req('order_qty', order, await type('qty', 'Qty', 13));
    const note = await req('order_note', order, await type('note', 'Note', 3));
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    await rec1('o1', order, { [`t${order}`]: 'O-1', [`t${qty}`]: '7', [`t${note}`]: 'apple' });
    await rec1('o2', order, { [`t${order}`]: 'O-2', [`t${qty}`]: '5', [`t${note}`]: 'a' });
    await rec1('o3', order, { [`t${order}`]: 'O-3', [`t${note}`]: 'Привет' });
    await rec1('o4', order, { [`t${order}`]: 'O-4', [`t${qty}`]: '12' });

    const calc = (name: string, formula: string): [number, Cells] => [0, { t100: name, t101: formula }];
    const base: [number, Cells][] = [[order, { t100: 'no' }], [qty, { t100: 'qty', t101: 'q' }], [note, { t100: 'note', t101: 'n' }]];
    const mod = await makeReport(rec, 'mod', {}, [
      ...base,
      calc('m3', 'MOD(q,3)'), calc('mneg', 'MOD(q-10,4)'), calc('mzero', 'MOD(q,0)'), calc('mfrac', 'MOD(q+0.5,2)'),
    ]);
    const nullif = await make(rec, 'nullif', base, [calc('n5', 'NULLIF(q,5)'), calc('na', "NULLIF(n,'A')"), calc('napple', "NULLIF(n,'APPLE')")]);
    const minmax = await make(rec, 'minmax', base, [calc('g', 'GREATEST(q,6,2)'), calc('l', 'LEAST(q,6)'), calc('gnull', 'GREATEST(q,NULL)'), calc('len', 'CHAR_LENGTH(n)')]);
    for (const [key, id] of [['mod', mod], ['nullif', nullif], ['minmax', minmax]] as const) {
      await rec.call(`${key}_kv`, 'GET', `/report/${id}?JSON_KV`);
      await rec.call(`${key}_json`, 'GET', `/report/${id}?JSON`);
    }
    await rec.call('mod_filter', 'GET', `/report/${mod}?JSON_KV&FR_m3=1`);
    await rec.call('nullif_filter', 'GET', `/report/${nullif}?JSON_KV&FR_na=apple`);
  },
};

function make(rec: Parameters<Scenario['run']>[0], key: string, base: [number, Cells][], extra: [number, Cells][]): Promise<number> {
  return makeReport(rec, key, {}, [...base, ...extra]);
}

export default scenario;
