/**
 * `rep_cols`: the list of columns the report editor offers — every table with its value and its
 * columns, aliases, references, subordinate tables and buttons left out, the calculated column last.
 * Run on a tenant with a few tables of every kind, as the admin and as a user whose role grants nothing.
 */
import type { Scenario } from '../run.js';
import { schemaCalls } from './schema-calls.js';
import { NO_USER_DEFAULTS } from './grants-nonadmin.js';


const scenario: Scenario = {
  tenant: 'rcols',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    await rec.call('rep_cols_bootstrap', 'GET', '/rep_cols?JSON');
    const { type, column } = schemaCalls(rec);
    const city = await type('city', 'Город', 3);
    const client = await type('client', 'клиент', 3);
    const order = await type('order', 'Заказ', 3);
    const item = await type('item', 'Item', 3);
    const phone = await type('phone', 'Мобильный', 3);
    const born = await type('born', 'Дата рождения', 9);
    const sum = await type('sum', 'Сумма', 14);
    const qty = await type('qty', 'Qty', 13);
    const go = await type('go', 'Открыть', 7);
    const calc = await type('calc', 'Итог', 15);
    await column('client_phone', client, phone);
    await column('client_born', client, born);
    const ref = rec.idOf(await rec.call('ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'ref_city');
    const clientCity = await column('client_city', client, ref);
    await rec.call('alias_client_city', 'POST', `/_d_alias/${clientCity}?JSON`, { form: { val: 'Где живёт' } });
    await column('client_go', client, go);
    await column('client_calc', client, calc);
    const refClient = rec.idOf(await rec.call('ref_client', 'POST', `/_d_ref/${client}?JSON`, { form: {} }), 'ref_client');
    await column('order_client', order, refClient);
    await column('order_sum', order, sum);
    await column('item_qty', item, qty);
    await column('order_items', order, item);
    await rec.call('rep_cols_admin', 'GET', '/rep_cols?JSON');
    await rec.call('rep_cols_browser', 'GET', '/rep_cols');
    // a user whose new role has no grants yet: only the calculated column is offered
    const role = rec.idOf(await rec.call('role_new', 'POST', '/_m_new/42?JSON&up=1', { form: { t42: 'Кладовщик' } }), 'role');
    rec.idOf(await rec.call('user_new', 'POST', '/_m_new/18?JSON&up=1', { form: { t18: 'keeper', t20: 'keeper-pass-1', t115: String(role), ...NO_USER_DEFAULTS } }), 'keeper');
    await rec.login('login_keeper', 'keeper', 'keeper-pass-1');
    await rec.call('rep_cols_keeper', 'GET', '/rep_cols?JSON');
  },
};
export default scenario;
