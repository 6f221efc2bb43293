/**
 * The `val` that `_m_new` echoes for report records (table 22) and report columns (28, FROM 44):
 * a report's name escaped by htmlentities, a column's source shown as "Table -> column" (aliases,
 * references, names with entities), and sources that are not columns. Not a non-numeric source: the
 * engine stores it and then fails in its own SQL while echoing it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { OracleAccess, Scenario } from '../run.js';
import { reportMetadataRows } from '../../replay.js';

/**
 * Adds the report tables' metadata to a fresh tenant; with `runs`, also the tenant's custom template
 * folder, without which every report run of the engine fails with 500 (it writes a log file there).
 */
export function addReportMetadata(oracle: OracleAccess, tenant: string, runs = false): void {
  const quote = (v: string | number): string => (typeof v === 'number' ? String(v) : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  const values = reportMetadataRows().map((r) => `(${[r.id, r.up, r.ord, r.t, r.val].map(quote).join(',')})`);
  oracle.sql(`INSERT INTO \`${tenant}\` (id, up, ord, t, val) VALUES ${values.join(',')}`);
  if (runs) mkdirSync(path.join(process.env.ORACLE_WWW ?? '/tmp/oracle/www', 'templates', 'custom', tenant), { recursive: true });
}

const scenario: Scenario = {
  tenant: 'sbrep',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const shop = rec.idOf(await rec.call('d_new_shop', 'POST', '/_d_new?JSON', { form: { val: 'Shop “Best” — №1', t: 3 } }), 'Shop');
    const city = rec.idOf(await rec.call('d_new_city', 'POST', '/_d_new?JSON', { form: { val: 'Город', t: 3 } }), 'City');
    const price = rec.idOf(await rec.call('d_new_price', 'POST', '/_d_new?JSON', { form: { val: 'Price €', t: 14 } }), 'Price');
    const priceReq = rec.idOf(await rec.call('d_req_shop_price', 'POST', `/_d_req/${shop}?JSON`, { form: { t: price } }), 'Shop.Price', 'id');
    const cityRef = rec.idOf(await rec.call('d_ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'CityRef');
    const cityReq = rec.idOf(await rec.call('d_req_shop_city', 'POST', `/_d_req/${shop}?JSON`, { form: { t: cityRef } }), 'Shop.City', 'id');
    await rec.call('d_alias_shop_city', 'POST', `/_d_alias/${cityReq}?JSON`, { form: { val: 'Где' } });

    const report = rec.idOf(await rec.call('m_new_report', 'POST', '/_m_new/22?JSON', { form: { up: 1, t22: 'Shops — “all” €' } }), 'Report');
    await rec.call('m_new_col_table', 'POST', '/_m_new/28?JSON', { form: { up: report, t28: shop } });
    await rec.call('m_new_col_scalar', 'POST', '/_m_new/28?JSON', { form: { up: report, t28: priceReq } });
    await rec.call('m_new_col_ref', 'POST', '/_m_new/28?JSON', { form: { up: report, t28: cityReq } });
    await rec.call('m_new_col_other_table', 'POST', '/_m_new/28?JSON', { form: { up: report, t28: city } });
    await rec.call('m_new_col_zero', 'POST', '/_m_new/28?JSON', { form: { up: report, t28: '0' } });
    await rec.call('m_new_col_base_type', 'POST', '/_m_new/28?JSON', { form: { up: report, t28: '3' } });
    await rec.call('m_new_col_missing', 'POST', '/_m_new/28?JSON', { form: { up: report, t28: '999999' } });
    await rec.call('m_new_col_user_req', 'POST', '/_m_new/28?JSON', { form: { up: report, t28: '33' } });
    await rec.call('m_new_from_table', 'POST', '/_m_new/44?JSON', { form: { up: report, t44: shop } });
    await rec.call('m_new_from_ref', 'POST', '/_m_new/44?JSON', { form: { up: report, t44: cityReq } });
    await rec.call('list_report_columns', 'GET', `/object/28?JSON_DATA&F_U=${report}`);
    await rec.call('list_reports', 'GET', '/object/22?JSON_DATA');
  },
};
export default scenario;
