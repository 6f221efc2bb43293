/**
 * Lists of tables whose first column is of base GRANT or REPORT_COLUMN: how their values (ids of
 * tables, columns and the pseudo objects) are shown by `_m_new`, `JSON_DATA` and `JSON_OBJ`. Not the
 * `JSON` shape: the engine adds its pickers of every table and column there (not built here).
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'sbgrc',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const grant = rec.idOf(await rec.call('d_new_grant_table', 'POST', '/_d_new?JSON', { form: { val: 'Access to', t: 5 } }), 'Grant');
    const repcol = rec.idOf(await rec.call('d_new_repcol_table', 'POST', '/_d_new?JSON', { form: { val: 'Column of', t: 16 } }), 'RepCol');
    for (const v of ['18', '33', '0', '1', '10', '115']) {
      await rec.call(`m_new_grant_${v}`, 'POST', `/_m_new/${grant}?JSON`, { form: { up: 1, [`t${grant}`]: v } });
    }
    for (const v of ['18', '33', '0', '115']) {
      await rec.call(`m_new_repcol_${v}`, 'POST', `/_m_new/${repcol}?JSON`, { form: { up: 1, [`t${repcol}`]: v } });
    }
    await rec.call('list_grant_data', 'GET', `/object/${grant}?JSON_DATA`);
    await rec.call('list_grant_obj', 'GET', `/object/${grant}?JSON_OBJ`);
    await rec.call('list_repcol_data', 'GET', `/object/${repcol}?JSON_DATA`);
    await rec.call('list_repcol_obj', 'GET', `/object/${repcol}?JSON_OBJ`);
  },
};
export default scenario;
