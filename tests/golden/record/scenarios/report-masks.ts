/**
 * Masks of the report table (22) on a report's own record: a role reads reports only where the
 * report's name matches its mask (`A%`). The user runs an allowed and a refused report (by id and by
 * name, in two JSON shapes), lists and counts the reports; then the mask's level becomes BARRED.
 */
import type { Scenario } from '../run.js';
import { grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';
import { addReportMetadata } from './report-echo.js';

const LEVEL = 136;
const LEVEL_TYPE = 48;
const READ = 171;
const BARRED = 172;

const scenario: Scenario = {
  tenant: 'sbrmk',
  prepare(oracle, tenant) {
    addReportMetadata(oracle, tenant, true);
    // the grant level column (as addLevelColumn makes it) with a type id the report metadata leaves free (46 is JOIN ON there)
    oracle.sql(`INSERT INTO \`${tenant}\` (id, up, ord, t, val) VALUES (${LEVEL_TYPE}, 0, 0, 47, ''), (${LEVEL}, 116, 1, ${LEVEL_TYPE}, '')`);
  },
  async run(rec, oracle) {
    await rec.login('admin_login', 'tester', 'tester-pass-1');
    const shop = rec.idOf(await rec.call('d_new_shop', 'POST', '/_d_new?JSON', { form: { val: 'Shop', t: 3 } }), 'shop');
    await rec.call('m_new_shop_1', 'POST', `/_m_new/${shop}?JSON`, { form: { up: 1, [`t${shop}`]: 'North' } });
    await rec.call('m_new_shop_2', 'POST', `/_m_new/${shop}?JSON`, { form: { up: 1, [`t${shop}`]: 'South' } });
    const alpha = rec.idOf(await rec.call('m_new_report_alpha', 'POST', '/_m_new/22?JSON', { form: { up: 1, t22: 'Alpha shops' } }), 'alpha');
    const beta = rec.idOf(await rec.call('m_new_report_beta', 'POST', '/_m_new/22?JSON', { form: { up: 1, t22: 'Beta shops' } }), 'beta');
    await rec.call('m_new_col_alpha', 'POST', '/_m_new/28?JSON', { form: { up: alpha, t28: shop, t100: 'shop' } });
    await rec.call('m_new_col_beta', 'POST', '/_m_new/28?JSON', { form: { up: beta, t28: shop, t100: 'shop' } });
    await rec.call('admin_run_beta', 'GET', `/report/${beta}?JSON_KV`);

    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Reader' } }), 'role');
    const [gReports, gShop] = await grantRecords(rec, oracle, role, 2);
    await rec.call('m_save_grant_reports', 'POST', `/_m_save/${gReports}?JSON`, { form: { t116: 22, [`t${LEVEL}`]: READ, t49: 'A%' } });
    await rec.call('m_save_grant_shop', 'POST', `/_m_save/${gShop}?JSON`, { form: { t116: shop, [`t${LEVEL}`]: READ } });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Rita', t20: 'rita-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'rita');

    await rec.login('rita_login', 'Rita', 'rita-pass-1');
    await rec.call('rita_run_alpha', 'GET', `/report/${alpha}?JSON_KV`);
    await rec.call('rita_run_alpha_json', 'GET', `/report/${alpha}?JSON`);
    await rec.call('rita_run_beta', 'GET', `/report/${beta}?JSON_KV`);
    await rec.call('rita_run_beta_json', 'GET', `/report/${beta}?JSON`);
    await rec.call('rita_run_beta_by_name', 'GET', `/report/Beta%20shops?JSON_KV`);
    await rec.call('rita_run_beta_count', 'GET', `/report/${beta}?JSON&RECORD_COUNT=1`);
    await rec.call('rita_list_reports', 'GET', '/object/22?JSON_DATA');
    await rec.call('rita_count_reports', 'GET', '/object/22?JSON&_count');

    await rec.login('admin_login_2', 'tester', 'tester-pass-1');
    await rec.call('m_save_grant_reports_barred', 'POST', `/_m_save/${gReports}?JSON`, { form: { t116: 22, [`t${LEVEL}`]: BARRED, t49: 'A%' } });
    await rec.login('rita_login_2', 'Rita', 'rita-pass-1');
    await rec.call('rita_run_alpha_barred', 'GET', `/report/${alpha}?JSON_KV`);
    await rec.call('rita_run_beta_barred', 'GET', `/report/${beta}?JSON_KV`);
    await rec.call('rita_list_reports_barred', 'GET', '/object/22?JSON_DATA');
  },
};
export default scenario;
