/**
 * A page that is full: when a list returns exactly DEFAULT_LIMIT records (20, or the default_limit
 * cookie), the engine adds the block `&no_page` (more records may follow) with the limit, the table,
 * F_U and the sort in `lnx`; a page with fewer records or another LIMIT has none. 21 records: the
 * default page, page 2, LIMIT=20 and LIMIT=0,20, the sort by value and by a column, lnx, F_U, and the
 * cookie's page size.
 */
import type { Scenario } from '../run.js';
import { schemaCalls } from './schema-calls.js';

const scenario: Scenario = {
  tenant: 'fullpg',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column } = schemaCalls(rec);
    const item = await type('item', 'Item', 3);
    const qty = await type('qty', 'Qty', 13);
    const qtyCol = await column('item_qty', item, qty);
    for (let i = 1; i <= 21; i++) {
      await rec.call(`m_new_item_${i}`, 'POST', `/_m_new/${item}?JSON`, { form: { up: 1, [`t${item}`]: `Item ${String(i).padStart(2, '0')}`, [`t${qtyCol}`]: String(100 - i) } });
    }
    await rec.call('list_default', 'GET', `/object/${item}?JSON`);
    await rec.call('list_page_2', 'GET', `/object/${item}?JSON&pg=2`);
    await rec.call('list_kv_limit_20', 'GET', `/object/${item}?JSON_KV&LIMIT=20`);
    await rec.call('list_offset_limit_20', 'GET', `/object/${item}?JSON&LIMIT=1,20`);
    await rec.call('list_limit_21', 'GET', `/object/${item}?JSON&LIMIT=21`);
    await rec.call('list_order_val', 'GET', `/object/${item}?JSON&order_val=val&lnx=1`);
    await rec.call('list_order_column_desc', 'GET', `/object/${item}?JSON&ORDER=-${qtyCol}`);
    await rec.call('list_f_u', 'GET', `/object/${item}?JSON&F_U=1`);
    await rec.call('list_cookie_limit_7', 'GET', `/object/${item}?JSON`, { headers: { Cookie: 'default_limit=7' } });
    await rec.call('list_cookie_limit_7_page_3', 'GET', `/object/${item}?JSON&pg=3`, { headers: { Cookie: 'default_limit=7' } });
    await rec.call('list_filtered_full', 'GET', `/object/${item}?JSON&F_${item}=Item%25`);
  },
};
export default scenario;
