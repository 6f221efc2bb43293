/**
 * Grant masks (row-level grants): a role whose grant on a table carries a mask in the filter syntax
 * (`A%`: only records whose value starts with A), a READ grant with a mask on the dictionary of a
 * reference column, and a grant on a column with a mask (`north`). An admin builds everything through
 * the API; the user then lists, counts, opens, references, edits and deletes masked and unmasked records.
 */
import type { Scenario } from '../run.js';
import { addLevelColumn, grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const LEVEL = 136;
const WRITE = 170;
const READ = 171;

const scenario: Scenario = {
  tenant: 'mk1',
  prepare: (oracle) => addLevelColumn(oracle, 'mk1'),
  async run(rec, oracle) {
    await rec.login('admin_login', 'tester', 'tester-pass-1');
    const city = rec.idOf(await rec.call('d_new_city', 'POST', '/_d_new?JSON', { form: { val: 'City', t: 3 } }), 'city');
    const client = rec.idOf(await rec.call('d_new_client', 'POST', '/_d_new?JSON', { form: { val: 'Client', t: 3 } }), 'client');
    const phoneT = rec.idOf(await rec.call('d_new_phone', 'POST', '/_d_new?JSON', { form: { val: 'Phone', t: 3 } }), 'phoneType');
    const phone = rec.idOf(await rec.call('d_req_phone', 'POST', `/_d_req/${client}?JSON`, { form: { t: phoneT } }), 'phone', 'id');
    const cityRef = rec.idOf(await rec.call('d_ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'cityRef');
    const cityCol = rec.idOf(await rec.call('d_req_city', 'POST', `/_d_req/${client}?JSON`, { form: { t: cityRef } }), 'cityCol', 'id');
    const deal = rec.idOf(await rec.call('d_new_deal', 'POST', '/_d_new?JSON', { form: { val: 'Deal', t: 3 } }), 'deal');
    const regionT = rec.idOf(await rec.call('d_new_region', 'POST', '/_d_new?JSON', { form: { val: 'Region', t: 3 } }), 'regionType');
    const region = rec.idOf(await rec.call('d_req_region', 'POST', `/_d_req/${deal}?JSON`, { form: { t: regionT } }), 'region', 'id');

    const moscow = rec.idOf(await rec.call('m_new_moscow', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Moscow' } }), 'moscow');
    const paris = rec.idOf(await rec.call('m_new_paris', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Paris' } }), 'paris');
    const alice = rec.idOf(await rec.call('m_new_alice', 'POST', `/_m_new/${client}?JSON`, {
      form: { up: 1, [`t${client}`]: 'Alice', [`t${phone}`]: '555-01', [`t${cityCol}`]: moscow },
    }), 'alice');
    const anna = rec.idOf(await rec.call('m_new_anna', 'POST', `/_m_new/${client}?JSON`, {
      form: { up: 1, [`t${client}`]: 'Anna', [`t${phone}`]: '777-02', [`t${cityCol}`]: paris },
    }), 'anna');
    const bob = rec.idOf(await rec.call('m_new_bob', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Bob', [`t${phone}`]: '555-03' } }), 'bob');
    const dealN = rec.idOf(await rec.call('m_new_deal_north', 'POST', `/_m_new/${deal}?JSON`, { form: { up: 1, [`t${deal}`]: 'D1', [`t${region}`]: 'north' } }), 'dealNorth');
    const dealS = rec.idOf(await rec.call('m_new_deal_south', 'POST', `/_m_new/${deal}?JSON`, { form: { up: 1, [`t${deal}`]: 'D2', [`t${region}`]: 'south' } }), 'dealSouth');
    rec.idOf(await rec.call('m_new_deal_none', 'POST', `/_m_new/${deal}?JSON`, { form: { up: 1, [`t${deal}`]: 'D3' } }), 'dealNone');

    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Masked' } }), 'role');
    const [gClient, gCity, gDeal, gRegion] = await grantRecords(rec, oracle, role, 4);
    await rec.call('m_save_grant_client', 'POST', `/_m_save/${gClient}?JSON`, { form: { t116: client, [`t${LEVEL}`]: WRITE, t49: 'A%', t56: '1' } });
    await rec.call('m_save_grant_city', 'POST', `/_m_save/${gCity}?JSON`, { form: { t116: city, [`t${LEVEL}`]: READ, t49: 'M%' } });
    await rec.call('m_save_grant_deal', 'POST', `/_m_save/${gDeal}?JSON`, { form: { t116: deal, [`t${LEVEL}`]: WRITE } });
    await rec.call('m_save_grant_region', 'POST', `/_m_save/${gRegion}?JSON`, { form: { t116: region, [`t${LEVEL}`]: WRITE, t49: 'north' } });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Mila', t20: 'mila-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'mila');
    await rec.call('object_grants_admin', 'GET', `/object/116?JSON_DATA&F_U=${role}`);

    await rec.login('mila_login', 'Mila', 'mila-pass-1');
    await rec.call('mila_xsrf', 'GET', '/xsrf?JSON');
    await rec.call('mila_grants', 'GET', '/grants?JSON');
    await rec.call('mila_list_client', 'GET', `/object/${client}?JSON`);
    await rec.call('mila_list_client_data', 'GET', `/object/${client}?JSON_DATA`);
    await rec.call('mila_list_client_obj', 'GET', `/object/${client}?JSON_OBJ`);
    await rec.call('mila_count_client', 'GET', `/object/${client}?JSON&_count`);
    await rec.call('mila_list_client_filter_b', 'GET', `/object/${client}?JSON_DATA&F_${client}=B%25`);
    await rec.call('mila_list_client_filter_phone', 'GET', `/object/${client}?JSON_DATA&F_${phone}=555%25`);
    await rec.call('mila_list_client_fi_bob', 'GET', `/object/${client}?JSON_DATA&F_I=${bob}`);
    await rec.call('mila_list_city', 'GET', `/object/${city}?JSON_DATA`);
    await rec.call('mila_count_city', 'GET', `/object/${city}?JSON&_count`);
    await rec.call('mila_list_deal', 'GET', `/object/${deal}?JSON_DATA`);
    await rec.call('mila_count_deal', 'GET', `/object/${deal}?JSON&_count`);
    await rec.call('mila_ref_reqs_city', 'GET', `/_ref_reqs/${cityCol}?JSON`);
    await rec.call('mila_edit_obj_alice', 'GET', `/edit_obj/${alice}?JSON`);
    await rec.call('mila_edit_obj_bob', 'GET', `/edit_obj/${bob}?JSON`);
    await rec.call('mila_edit_obj_anna', 'GET', `/edit_obj/${anna}?JSON`);
    await rec.call('mila_edit_obj_moscow', 'GET', `/edit_obj/${moscow}?JSON`);
    await rec.call('mila_edit_obj_paris', 'GET', `/edit_obj/${paris}?JSON`);
    await rec.call('mila_edit_obj_deal_north', 'GET', `/edit_obj/${dealN}?JSON`);
    await rec.call('mila_edit_obj_deal_south', 'GET', `/edit_obj/${dealS}?JSON`);
    await rec.call('mila_get_record_bob', 'GET', `/get_record/${bob}?JSON`);
    await rec.call('mila_get_record_paris', 'GET', `/get_record/${paris}?JSON`);
    await rec.call('mila_m_set_bob', 'POST', `/_m_set/${bob}?JSON`, { form: { [`t${phone}`]: '555-99' } });
    await rec.call('mila_m_save_bob', 'POST', `/_m_save/${bob}?JSON`, { form: { [`t${client}`]: 'Bobby' } });
    await rec.call('mila_m_save_alice_city_paris', 'POST', `/_m_save/${alice}?JSON`, { form: { [`t${cityCol}`]: paris } });
    await rec.call('mila_m_save_alice_rename', 'POST', `/_m_save/${alice}?JSON`, { form: { [`t${client}`]: 'Zelda' } });
    await rec.call('mila_m_set_deal_south', 'POST', `/_m_set/${dealS}?JSON`, { form: { [`t${region}`]: 'north' } });
    await rec.call('mila_m_set_deal_north', 'POST', `/_m_set/${dealN}?JSON`, { form: { [`t${region}`]: 'south' } });
    await rec.call('mila_m_new_client_z', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Zed' } });
    await rec.call('mila_m_del_select_client', 'POST', `/object/${client}?JSON&_m_del_select&F_${phone}=777%25`, { form: {} });
    await rec.call('mila_m_del_bob', 'POST', `/_m_del/${bob}?JSON`, { form: {} });
    await rec.call('mila_list_client_after', 'GET', `/object/${client}?JSON_DATA`);
    await rec.call('mila_list_deal_after', 'GET', `/object/${deal}?JSON_DATA`);
  },
};

export default scenario;
