/**
 * Lists of every base type: a table per base type as its first column (the list's `align`, value
 * display) and one table with a column of every base type (cells, `align` and `base` of the cells).
 * Left out: PATH (listing a PATH table dies with a PHP fatal in the engine), FILE (download links),
 * GRANT and REPORT_COLUMN (their lists carry the engine's pickers of every table and column).
 */
import type { Scenario } from '../run.js';

const BASES: [string, number][] = [
  ['SHORT', 3], ['CHARS', 8], ['DATE', 9], ['NUMBER', 13], ['SIGNED', 14], ['BOOLEAN', 11], ['MEMO', 12], ['DATETIME', 4],
  ['HTML', 2], ['BUTTON', 7], ['PWD', 6], ['CALCULATABLE', 15],
];
const SAMPLE: Record<string, string> = {
  SHORT: 'short', CHARS: 'chars', DATE: '2024-03-05', NUMBER: '42', SIGNED: '-3.5', BOOLEAN: '1', MEMO: 'memo text', DATETIME: '1700000000',
  HTML: '<b>x</b>', BUTTON: 'btn', PWD: 'secret', CALCULATABLE: '1+1',
};

const scenario: Scenario = {
  tenant: 'sbaln',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    // one table per base type as its first column, one record each, listed
    const wide = rec.idOf(await rec.call('d_new_wide', 'POST', '/_d_new?JSON', { form: { val: 'Wide', t: 3 } }), 'Wide');
    for (const [name, base] of BASES) {
      const typ = rec.idOf(await rec.call(`d_new_${name.toLowerCase()}`, 'POST', '/_d_new?JSON', { form: { val: `T ${name}`, t: base } }), `T_${name}`);
      rec.idOf(await rec.call(`d_req_wide_${name.toLowerCase()}`, 'POST', `/_d_req/${wide}?JSON`, { form: { t: typ } }), `Wide.${name}`, 'id');
      await rec.call(`m_new_${name.toLowerCase()}`, 'POST', `/_m_new/${typ}?JSON`, { form: { up: 1, [`t${typ}`]: SAMPLE[name] } });
      await rec.call(`list_${name.toLowerCase()}`, 'GET', `/object/${typ}?JSON`);
    }
    const form: Record<string, string | number> = { up: 1, [`t${wide}`]: 'row one' };
    for (const [name] of BASES) form[`t${rec.ids[`Wide.${name}`]}`] = SAMPLE[name];
    await rec.call('m_new_wide_row', 'POST', `/_m_new/${wide}?JSON`, { form });
    await rec.call('list_wide', 'GET', `/object/${wide}?JSON`);
    await rec.call('list_wide_data', 'GET', `/object/${wide}?JSON_DATA`);

  },
};
export default scenario;
