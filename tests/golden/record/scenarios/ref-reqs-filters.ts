/**
 * Dropdown lists (`_ref_reqs`) and list filters the common cases leave out: labels with the extra
 * parts a reference type's own columns add (and none from the target's reference columns), search,
 * restriction, empty lists, bad ids; filters by reference id (`@id`), `F_I` with other filters,
 * filters naming a column by name, and filter values the engine cannot use.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'gr2',
  async run(rec) {
    await rec.login('admin_login', 'tester', 'tester-pass-1');
    const country = rec.idOf(await rec.call('d_new_country', 'POST', '/_d_new?JSON', { form: { val: 'Country', t: 3 } }), 'country');
    const city = rec.idOf(await rec.call('d_new_city', 'POST', '/_d_new?JSON', { form: { val: 'City', t: 3 } }), 'city');
    const client = rec.idOf(await rec.call('d_new_client', 'POST', '/_d_new?JSON', { form: { val: 'Client', t: 3 } }), 'client');
    const empty = rec.idOf(await rec.call('d_new_empty', 'POST', '/_d_new?JSON', { form: { val: 'Empty', t: 3 } }), 'empty');
    const zipT = rec.idOf(await rec.call('d_new_zip', 'POST', '/_d_new?JSON', { form: { val: 'Zip', t: 3 } }), 'zipTerm');
    const phoneT = rec.idOf(await rec.call('d_new_phone', 'POST', '/_d_new?JSON', { form: { val: 'Phone', t: 3 } }), 'phoneTerm');
    const bornT = rec.idOf(await rec.call('d_new_born', 'POST', '/_d_new?JSON', { form: { val: 'Born', t: 9 } }), 'bornTerm');
    const countryRef = rec.idOf(await rec.call('d_ref_country', 'POST', `/_d_ref/${country}?JSON`, { form: {} }), 'countryRef');
    const cityCountry = rec.idOf(await rec.call('d_req_city_country', 'POST', `/_d_req/${city}?JSON`, { form: { t: countryRef } }), 'cityCountry', 'id');
    const cityZip = rec.idOf(await rec.call('d_req_city_zip', 'POST', `/_d_req/${city}?JSON`, { form: { t: zipT } }), 'cityZip', 'id');
    const cityRef = rec.idOf(await rec.call('d_ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'cityRef');
    const emptyRef = rec.idOf(await rec.call('d_ref_empty', 'POST', `/_d_ref/${empty}?JSON`, { form: {} }), 'emptyRef');
    const phone = rec.idOf(await rec.call('d_req_client_phone', 'POST', `/_d_req/${client}?JSON`, { form: { t: phoneT } }), 'phone', 'id');
    const born = rec.idOf(await rec.call('d_req_client_born', 'POST', `/_d_req/${client}?JSON`, { form: { t: bornT } }), 'born', 'id');
    const cityCol = rec.idOf(await rec.call('d_req_client_city', 'POST', `/_d_req/${client}?JSON`, { form: { t: cityRef } }), 'cityCol', 'id');
    const emptyCol = rec.idOf(await rec.call('d_req_client_empty', 'POST', `/_d_req/${client}?JSON`, { form: { t: emptyRef } }), 'emptyCol', 'id');

    const france = rec.idOf(await rec.call('m_new_france', 'POST', `/_m_new/${country}?JSON`, { form: { up: 1, [`t${country}`]: 'France' } }), 'france');
    const russia = rec.idOf(await rec.call('m_new_russia', 'POST', `/_m_new/${country}?JSON`, { form: { up: 1, [`t${country}`]: 'Russia' } }), 'russia');
    const moscow = rec.idOf(await rec.call('m_new_moscow', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Moscow', [`t${cityCountry}`]: russia, [`t${cityZip}`]: '101000' } }), 'moscow');
    const paris = rec.idOf(await rec.call('m_new_paris', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Paris', [`t${cityCountry}`]: france } }), 'paris');
    rec.idOf(await rec.call('m_new_murmansk', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'murmansk', [`t${cityZip}`]: '183000' } }), 'murmansk');
    const alice = rec.idOf(await rec.call('m_new_alice', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Alice', [`t${phone}`]: '555-01', [`t${born}`]: '1990-05-17', [`t${cityCol}`]: moscow } }), 'alice');
    rec.idOf(await rec.call('m_new_bob', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Bob', [`t${phone}`]: '555-02', [`t${cityCol}`]: paris } }), 'bob');
    rec.idOf(await rec.call('m_new_carol', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Carol', [`t${phone}`]: '777-03', [`t${cityCol}`]: moscow } }), 'carol');

    // _ref_reqs: plain labels, then labels with a part from the reference type's own column
    await rec.call('ref_reqs_city', 'GET', `/_ref_reqs/${cityCol}?JSON`);
    await rec.call('ref_reqs_city_q', 'GET', `/_ref_reqs/${cityCol}?JSON&q=mo`);
    await rec.call('ref_reqs_city_q_at', 'GET', `/_ref_reqs/${cityCol}?JSON&q=@${paris}`);
    await rec.call('ref_reqs_city_r', 'GET', `/_ref_reqs/${cityCol}?JSON&r=${russia}`);
    await rec.call('ref_reqs_empty_table', 'GET', `/_ref_reqs/${emptyCol}?JSON`);
    await rec.call('ref_reqs_scalar_column', 'GET', `/_ref_reqs/${phone}?JSON`);
    await rec.call('ref_reqs_zero', 'GET', '/_ref_reqs/0?JSON');
    await rec.call('ref_reqs_missing', 'GET', '/_ref_reqs/99999?JSON');
    await rec.call('ref_reqs_table_id', 'GET', `/_ref_reqs/${client}?JSON`);
    await rec.call('d_req_cityref_zip', 'POST', `/_d_req/${cityRef}?JSON`, { form: { t: zipT } });
    await rec.call('ref_reqs_city_extra', 'GET', `/_ref_reqs/${cityCol}?JSON`);
    await rec.call('ref_reqs_city_extra_q', 'GET', `/_ref_reqs/${cityCol}?JSON&q=${encodeURIComponent('mos / 101')}`);
    await rec.call('ref_reqs_city_extra_r', 'GET', `/_ref_reqs/${cityCol}?JSON&r=${russia}`);

    // filters
    await rec.call('filter_ref_by_id', 'GET', `/object/${client}?JSON_DATA&F_${cityCol}=@${moscow}`);
    await rec.call('filter_ref_by_value', 'GET', `/object/${client}?JSON_DATA&F_${cityCol}=Paris`);
    await rec.call('filter_ref_by_ids', 'GET', `/object/${client}?JSON_DATA&F_${cityCol}=@IN(${moscow},99999)`);
    await rec.call('filter_ref_not_id', 'GET', `/object/${client}?JSON_DATA&F_${cityCol}=!@${moscow}`);
    await rec.call('filter_fi_and_phone_match', 'GET', `/object/${client}?JSON_DATA&F_I=${alice}&F_${phone}=555%25`);
    await rec.call('filter_fi_and_phone_nomatch', 'GET', `/object/${client}?JSON_DATA&F_I=${alice}&F_${phone}=777%25`);
    await rec.call('filter_fi_and_city', 'GET', `/object/${client}?JSON_DATA&F_I=${alice}&F_${cityCol}=@${moscow}`);
    await rec.call('filter_fi_kv', 'GET', `/object/${client}?JSON_KV&F_I=${alice}&F_${phone}=555-01`);
    await rec.call('filter_by_column_name', 'GET', `/object/${client}?JSON_DATA&F_Phone=555-02`);
    await rec.call('filter_by_ref_column_name', 'GET', `/object/${client}?JSON_DATA&F_City=Moscow`);
    await rec.call('filter_by_table_name', 'GET', `/object/${client}?JSON_DATA&F_Client=Bob`);
    await rec.call('filter_unknown_column', 'GET', `/object/${client}?JSON_DATA&F_999999=x`);
    await rec.call('filter_unknown_name', 'GET', `/object/${client}?JSON_DATA&F_Nothing=x`);
    await rec.call('filter_at_not_number', 'GET', `/object/${client}?JSON_DATA&F_${cityCol}=@abc`);
    await rec.call('filter_ids_not_numbers', 'GET', `/object/${client}?JSON_DATA&F_${cityCol}=@IN(1,x)`);
    await rec.call('filter_in_list', 'GET', `/object/${client}?JSON_DATA&F_${phone}=IN(555-01,777-03)`);
    await rec.call('filter_date_range', 'GET', `/object/${client}?JSON_DATA&FR_${born}=01.01.1990&TO_${born}=31.12.1990`);
    await rec.call('filter_date_garbage', 'GET', `/object/${client}?JSON_DATA&F_${born}=garbage`);
    await rec.call('filter_number_garbage', 'GET', `/object/${client}?JSON_DATA&F_${phone}=>abc`);
    await rec.call('filter_quote', 'GET', `/object/${client}?JSON_DATA&F_${phone}=${encodeURIComponent("' OR 1=1 --")}`);
    await rec.call('filter_count_ref_id', 'GET', `/object/${client}?JSON&_count&F_${cityCol}=@${moscow}`);
  },
};

export default scenario;
