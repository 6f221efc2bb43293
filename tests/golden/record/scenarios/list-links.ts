/**
 * The links view of a list (`lnx=1`, or `switch_links` turning it over): for every record the engine
 * adds, under `&uni_object_view_reqs_links`, the block `&reqs_links` with one entry per column of
 * another table that refers to the listed one (`value` the referring table, `links_typ` the column,
 * `key` "Table.Column", the column's alias when it has one), for the columns the user may read.
 * Tables referred to by two tables (one of them twice, one column aliased, one multi-select), a
 * table nobody refers to, a subordinate table, filters and F_U in the links view, JSON_KV/JSON_DATA;
 * then a user whose role reads City and Client, writes Order, is barred from Item's client column and
 * has no grant on Shop: the links offered to that user.
 */
import type { Scenario } from '../run.js';
import { schemaCalls } from './schema-calls.js';
import { addLevelColumn, grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const scenario: Scenario = {
  tenant: 'lnxcols',
  prepare: (oracle) => addLevelColumn(oracle, 'lnxcols'),
  async run(rec, oracle) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column } = schemaCalls(rec);
    const city = await type('city', 'City', 3);
    const client = await type('client', 'Client', 3);
    const shop = await type('shop', 'Shop', 3);
    const order = await type('order', 'Order', 3);
    const item = await type('item', 'Item', 3);
    const lonely = await type('lonely', 'Lonely', 3);
    const qty = await type('qty', 'Qty', 13);
    const refCity = rec.idOf(await rec.call('ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'ref_city');
    const refClient = rec.idOf(await rec.call('ref_client', 'POST', `/_d_ref/${client}?JSON`, { form: {} }), 'ref_client');
    const clientCity = await column('client_city', client, refCity);
    const shopCity = await column('shop_city', shop, refCity);
    await rec.call('alias_shop_city', 'POST', `/_d_alias/${shopCity}?JSON`, { form: { val: 'Где находится' } });
    const orderClient = await column('order_client', order, refClient);
    await column('item_qty', item, qty);
    const itemClient = await column('item_client', item, refClient);
    await column('order_item', order, item);
    const shopClients = await column('shop_clients', shop, refClient);
    await rec.call('multi_shop_clients', 'POST', `/_d_multi/${shopClients}?JSON`, { form: {} });

    const moscow = rec.idOf(await rec.call('m_new_moscow', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Moscow' } }), 'moscow');
    rec.idOf(await rec.call('m_new_paris', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Paris' } }), 'paris');
    const ann = rec.idOf(await rec.call('m_new_ann', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Ann', [`t${clientCity}`]: moscow } }), 'ann');
    rec.idOf(await rec.call('m_new_bob', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Bob' } }), 'bob');
    rec.idOf(await rec.call('m_new_shop', 'POST', `/_m_new/${shop}?JSON`, { form: { up: 1, [`t${shop}`]: 'Shop 1', [`t${shopCity}`]: moscow } }), 'shop1');
    const o1 = rec.idOf(await rec.call('m_new_order', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-1', [`t${orderClient}`]: ann } }), 'o1');
    rec.idOf(await rec.call('m_new_item', 'POST', `/_m_new/${item}?JSON`, { form: { up: o1, [`t${item}`]: 'bolt', [`t${itemClient}`]: ann } }), 'i1');
    rec.idOf(await rec.call('m_new_lonely', 'POST', `/_m_new/${lonely}?JSON`, { form: { up: 1, [`t${lonely}`]: 'alone' } }), 'l1');

    await rec.call('list_city_lnx', 'GET', `/object/${city}?JSON&lnx=1`);
    await rec.call('list_city_switch', 'GET', `/object/${city}?JSON&switch_links=1`);
    await rec.call('list_city_switch_back', 'GET', `/object/${city}?JSON&lnx=1&switch_links=1`);
    await rec.call('list_city_lnx_0', 'GET', `/object/${city}?JSON&lnx=0`);
    await rec.call('list_city_lnx_kv', 'GET', `/object/${city}?JSON_KV&lnx=1`);
    await rec.call('list_city_lnx_data', 'GET', `/object/${city}?JSON_DATA&lnx=1`);
    await rec.call('list_client_lnx', 'GET', `/object/${client}?JSON&lnx=1`);
    await rec.call('list_client_lnx_filter', 'GET', `/object/${client}?JSON&lnx=1&F_${client}=Ann`);
    await rec.call('list_client_lnx_by_city', 'GET', `/object/${client}?JSON&lnx=1&F_${clientCity}=@${moscow}`);
    await rec.call('list_order_lnx', 'GET', `/object/${order}?JSON&lnx=1`);
    await rec.call('list_item_lnx_fu', 'GET', `/object/${item}?JSON&lnx=1&F_U=${o1}`);
    await rec.call('list_lonely_lnx', 'GET', `/object/${lonely}?JSON&lnx=1`);
    await rec.call('list_shop_lnx', 'GET', `/object/${shop}?JSON&lnx=1`);

    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Viewer' } }), 'role');
    const [gCity, gClient, gOrder, gItemClient] = await grantRecords(rec, oracle, role, 4);
    await rec.call('m_save_grant_city', 'POST', `/_m_save/${gCity}?JSON`, { form: { t116: city, t136: 171 } });
    await rec.call('m_save_grant_client', 'POST', `/_m_save/${gClient}?JSON`, { form: { t116: client, t136: 171 } });
    await rec.call('m_save_grant_order', 'POST', `/_m_save/${gOrder}?JSON`, { form: { t116: order, t136: 170 } });
    await rec.call('m_save_grant_item_client', 'POST', `/_m_save/${gItemClient}?JSON`, { form: { t116: itemClient, t136: 172 } });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Ivan', t20: 'ivan-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'ivan');
    await rec.login('ivan_login', 'Ivan', 'ivan-pass-1');
    await rec.call('ivan_list_city_lnx', 'GET', `/object/${city}?JSON&lnx=1`);
    await rec.call('ivan_list_client_lnx', 'GET', `/object/${client}?JSON&lnx=1`);
    await rec.call('ivan_list_client_switch', 'GET', `/object/${client}?JSON&switch_links=1`);
  },
};
export default scenario;
