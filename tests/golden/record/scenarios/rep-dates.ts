/**
 * Filter values on date, date-time and number columns beyond rep-filters: `a..b` on a DATE or
 * DATETIME column (the engine formats the value as a date before it looks for `..`, so only the first
 * date is left: an exact match, not a range), ranges in the stored "from"/"to" of a column and by
 * FR_/TO_, the date forms the engine reads (d.m.Y, Y-m-d, d/m/y, d.m without the year is left out: it
 * depends on the year of the run), and numbers written with spaces (`1 000`).
 */
import { schemaCalls } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const scenario: Scenario = {
  tenant: 'repdate',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const ev = await type('event', 'Event', 3);
    const day = await req('event_day', ev, await type('day', 'Day', 9));
    const amount = await req('event_amount', ev, await type('amount', 'Amount', 14));
    const qty = await req('event_qty', ev, await type('qty', 'Qty', 13));
    const e1 = (key: string, no: string, d: string, a: string, q: string) =>
      record(key, ev, { [`t${ev}`]: no, [`t${day}`]: d, [`t${amount}`]: a, [`t${qty}`]: q });
    await e1('e1', 'E-1', '15.01.2001', '1500', '1000');
    await e1('e2', 'E-2', '2001-03-10', '250.5', '20');
    await e1('e3', 'E-3', '31.12.2001', '1000', '3');
    await e1('e4', 'E-4', '05.06.2002', '', '');
    await e1('e5', 'E-5', '', '75', '7');

    const cols = () => [[ev, { t100: 'no' }], [day, { t100: 'day' }], [amount, { t100: 'amount' }], [qty, { t100: 'qty' }]] as [number, Record<string, string>][];
    const rep = await makeReport(rec, 'events', {}, cols());
    const kv = (key: string, query: string) => rec.call(key, 'GET', `/report/${rep}?JSON_KV&${query}`);
    const e = encodeURIComponent;
    await kv('day_dots_dmy', `FR_day=${e('01.01.2001..31.12.2001')}`);
    await kv('day_dots_first', `FR_day=${e('15.01.2001..31.12.2001')}`);
    await kv('day_dots_iso', `FR_day=${e('2001-03-10..2002-12-31')}`);
    await kv('day_dots_compact', `FR_day=${e('20011231..20021231')}`);
    await kv('day_fr_to', `FR_day=${e('01.02.2001')}&TO_day=${e('31.12.2001')}`);
    await kv('day_fr_to_iso', `FR_day=${e('2001-01-01')}&TO_day=${e('2001-12-31')}`);
    await kv('day_to_only', `TO_day=${e('31.12.2001')}`);
    await kv('day_gt', `FR_day=${e('>10.03.2001')}`);
    await kv('day_ge_iso', `FR_day=${e('>=2001-12-31')}`);
    await kv('day_lt_slash', `FR_day=${e('<10/03/01')}`);
    await kv('day_not', `FR_day=${e('!15.01.2001')}`);
    await kv('day_like', `FR_day=${e('2001%')}`);
    await kv('amount_dots_spaces', `FR_amount=${e('1 000..1 500')}`);
    await kv('amount_spaces', `FR_amount=${e('1 000')}`);
    await kv('amount_ge_spaces', `FR_amount=${e('>=1 000')}`);
    await kv('amount_fr_to_spaces', `FR_amount=${e('250')}&TO_amount=${e('1 000')}`);
    await kv('qty_dots', `FR_qty=${e('3..20')}`);
    await kv('qty_spaces', `FR_qty=${e('1 000')}`);
    // the same in the stored filters of a column
    const stored = async (key: string, col: number, from: string, to: string) => {
      const c = cols().map(([src, cells]): [number, Record<string, string>] => [src, src === col ? { ...cells, t102: from, ...(to ? { t103: to } : {}) } : cells]);
      const id = await makeReport(rec, key, {}, c);
      await rec.call(`${key}_kv`, 'GET', `/report/${id}?JSON_KV`);
    };
    await stored('st_day_dots', day, '01.01.2001..31.12.2001', '');
    await stored('st_day_range', day, '01.02.2001', '31.12.2001');
    await stored('st_amount_dots', amount, '100..1 000', '');
  },
};

export default scenario;
