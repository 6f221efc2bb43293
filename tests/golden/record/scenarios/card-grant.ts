/**
 * The card (`edit_obj`) of a record whose table's first column is GRANT or REPORT_COLUMN: the value
 * shown by name (a table, `Table -> Column`, the pseudo objects), no `&edit_req`, and the picker the
 * engine adds instead: `&editreq_grant` with `&grant_list` (the current target SELECTED, the pseudo
 * objects always listed), or `&editreq_report_column` with `&rep_col_list` and `rep_col_list` (the
 * tables related to the report's other columns). Records: grants on a table, a column, a reference
 * column and each pseudo object; report columns at the root and under a report (its first and a
 * later column), the calculated column (0), a value that names nothing.
 */
import type { Scenario } from '../run.js';
import { schemaCalls } from './schema-calls.js';

const scenario: Scenario = {
  tenant: 'grantcard',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column } = schemaCalls(rec);
    const city = await type('city', 'Город', 3);
    const client = await type('client', 'Клиент', 3);
    const order = await type('order', 'Order', 3);
    const phone = await type('phone', 'Phone', 3);
    const sum = await type('sum', 'Sum', 14);
    const clientPhone = await column('client_phone', client, phone);
    const refCity = rec.idOf(await rec.call('ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'ref_city');
    const clientCity = await column('client_city', client, refCity);
    await rec.call('alias_client_city', 'POST', `/_d_alias/${clientCity}?JSON`, { form: { val: 'Где живёт' } });
    const refClient = rec.idOf(await rec.call('ref_client', 'POST', `/_d_ref/${client}?JSON`, { form: {} }), 'ref_client');
    await column('order_client', order, refClient);
    const orderSum = await column('order_sum', order, sum);

    const grant = await type('grant', 'Доступ', 5);
    const note = await type('note', 'Note', 3);
    const grantNote = await column('grant_note', grant, note);
    const repcol = await type('repcol', 'Колонка', 16);
    const report = await type('report', 'Отчёт', 3);
    const rcol = await type('rcol', 'Колонка отчёта', 16);
    await column('rcol_note', rcol, note);
    await column('report_rcol', report, rcol);

    const newGrant = async (key: string, val: string, extra: Record<string, string> = {}) =>
      rec.idOf(await rec.call(`m_new_grant_${key}`, 'POST', `/_m_new/${grant}?JSON`, { form: { up: 1, [`t${grant}`]: val, ...extra } }), `G_${key}`);
    const gTable = await newGrant('table', String(client), { [`t${grantNote}`]: 'a note' });
    const gColumn = await newGrant('column', String(clientPhone));
    const gRef = await newGrant('ref', String(clientCity));
    const gAll = await newGrant('all', '1');
    const gTypes = await newGrant('types', '0');
    const gFiles = await newGrant('files', '10');
    const gNone = await newGrant('none', '999999');
    for (const [key, id] of Object.entries({ table: gTable, column: gColumn, ref: gRef, all: gAll, types: gTypes, files: gFiles, none: gNone })) {
      await rec.call(`edit_obj_grant_${key}`, 'GET', `/edit_obj/${id}?JSON`);
    }

    const newRepcol = async (key: string, val: string) =>
      rec.idOf(await rec.call(`m_new_repcol_${key}`, 'POST', `/_m_new/${repcol}?JSON`, { form: { up: 1, [`t${repcol}`]: val } }), `RC_${key}`);
    const rcCity = await newRepcol('city', String(city));
    const rcSum = await newRepcol('sum', String(orderSum));
    const rcCalc = await newRepcol('calc', '0');
    await rec.call('edit_obj_repcol_city', 'GET', `/edit_obj/${rcCity}?JSON`);
    await rec.call('edit_obj_repcol_sum', 'GET', `/edit_obj/${rcSum}?JSON`);
    await rec.call('edit_obj_repcol_calc', 'GET', `/edit_obj/${rcCalc}?JSON`);

    const r1 = rec.idOf(await rec.call('m_new_report_1', 'POST', `/_m_new/${report}?JSON`, { form: { up: 1, [`t${report}`]: 'R1' } }), 'R1');
    const c1 = rec.idOf(await rec.call('m_new_rcol_1', 'POST', `/_m_new/${rcol}?JSON`, { form: { up: r1, [`t${rcol}`]: String(clientCity) } }), 'C1');
    await rec.call('edit_obj_rcol_only', 'GET', `/edit_obj/${c1}?JSON`);
    const c2 = rec.idOf(await rec.call('m_new_rcol_2', 'POST', `/_m_new/${rcol}?JSON`, { form: { up: r1, [`t${rcol}`]: String(orderSum) } }), 'C2');
    await rec.call('edit_obj_rcol_first', 'GET', `/edit_obj/${c1}?JSON`);
    await rec.call('edit_obj_rcol_second', 'GET', `/edit_obj/${c2}?JSON`);
    await rec.call('edit_obj_report', 'GET', `/edit_obj/${r1}?JSON`);
  },
};
export default scenario;
