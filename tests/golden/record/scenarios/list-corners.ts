/**
 * Corners of lists and lookups: `_count`
 * with filters, multi-select columns in filtered lists, the order of filtered lists, `get_record`,
 * `terms` after schema changes, the `next_act` of structure answers, unknown actions, types and
 * records addressed by name (Cyrillic included), and login with a user's `secret`.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'sblst',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    await rec.call('terms_start', 'GET', '/terms?JSON');
    const wide = rec.idOf(await rec.call('d_new_wide', 'POST', '/_d_new?JSON', { form: { val: 'Wide', t: 3 } }), 'Wide');
    const shortType = rec.idOf(await rec.call('d_new_short', 'POST', '/_d_new?JSON', { form: { val: 'Short', t: 3 } }), 'Short');
    const charsType = rec.idOf(await rec.call('d_new_chars', 'POST', '/_d_new?JSON', { form: { val: 'Chars', t: 8 } }), 'Chars');
    const shortReq = rec.idOf(await rec.call('d_req_wide_short', 'POST', `/_d_req/${wide}?JSON`, { form: { t: shortType } }), 'Wide.Short', 'id');
    const charsReq = rec.idOf(await rec.call('d_req_wide_chars', 'POST', `/_d_req/${wide}?JSON`, { form: { t: charsType } }), 'Wide.Chars', 'id');
    await rec.call('terms_after_ddl', 'GET', '/terms?JSON');
    // structure answers' next_act
    await rec.call('t_alias_wide', 'POST', `/_t_alias/${wide}?JSON`, { form: { val: 'Wide alias' } });
    await rec.call('t_alias_clear', 'POST', `/_t_alias/${wide}?JSON`, { form: { val: '' } });
    await rec.call('t_alias_not_table', 'POST', '/_t_alias/999999?JSON', { form: { val: 'x' } });
    await rec.call('d_key_short', 'POST', `/_d_key/${shortReq}?JSON`, { form: {} });
    await rec.call('d_attrs_short', 'POST', `/_d_attrs/${shortReq}?JSON`, { form: { val: 'dflt', alias: 'Short col' } });
    await rec.call('d_up_chars', 'POST', `/_d_up/${charsReq}?JSON`, { form: {} });
    await rec.call('d_unknown', 'POST', '/_d_nosuch/1?JSON', { form: {} });
    await rec.call('unknown_action', 'GET', '/nosuchaction?JSON');
    await rec.call('unknown_action_post', 'POST', '/nosuch/5?JSON', { form: {} });
    await rec.call('m_unknown', 'POST', '/_m_nosuch/5?JSON', { form: {} });
    await rec.call('terms_after_alias', 'GET', '/terms?JSON');

    // multi-select column, filters, counts and orders
    const color = rec.idOf(await rec.call('d_new_color', 'POST', '/_d_new?JSON', { form: { val: 'Color', t: 3 } }), 'Color');
    const item = rec.idOf(await rec.call('d_new_item', 'POST', '/_d_new?JSON', { form: { val: 'Предмет', t: 3 } }), 'Item');
    const num = rec.idOf(await rec.call('d_new_num', 'POST', '/_d_new?JSON', { form: { val: 'Num', t: 13 } }), 'Num');
    const colorRef = rec.idOf(await rec.call('d_ref_color', 'POST', `/_d_ref/${color}?JSON`, { form: {} }), 'ColorRef');
    const colorsReq = rec.idOf(await rec.call('d_req_item_colors', 'POST', `/_d_req/${item}?JSON`, { form: { t: colorRef } }), 'Item.Colors', 'id');
    await rec.call('d_multi_colors', 'POST', `/_d_multi/${colorsReq}?JSON`, { form: {} });
    const numReq = rec.idOf(await rec.call('d_req_item_num', 'POST', `/_d_req/${item}?JSON`, { form: { t: num } }), 'Item.Num', 'id');
    const colors: number[] = [];
    for (const c of ['red', 'green', 'blue']) colors.push(rec.idOf(await rec.call(`m_new_color_${c}`, 'POST', `/_m_new/${color}?JSON`, { form: { up: 1, [`t${color}`]: c } }), `color_${c}`));
    const names = ['Ёж', 'алмаз', 'Арбуз', 'apple', 'Apricot', 'банан', 'ant'];
    for (const [i, n] of names.entries()) {
      await rec.call(`m_new_item_${i}`, 'POST', `/_m_new/${item}?JSON`, {
        form: { up: 1, [`t${item}`]: n, [`t${colorsReq}`]: i % 2 ? `${colors[0]},${colors[2]}` : String(colors[1]), [`t${numReq}`]: 10 - i },
      });
    }
    await rec.call('list_items_filter_prefix', 'GET', `/object/${item}?JSON_DATA&F_${item}=a%25`);
    await rec.call('list_items_filter_prefix_cyr', 'GET', `/object/${item}?JSON_DATA&F_${item}=${encodeURIComponent('а%')}`);
    await rec.call('list_items_filter_multi', 'GET', `/object/${item}?JSON&F_${colorsReq}=${colors[0]}`);
    await rec.call('list_items_filter_multi_text', 'GET', `/object/${item}?JSON&F_${colorsReq}=red`);
    await rec.call('count_items_multi_text', 'GET', `/object/${item}?JSON&_count&F_${colorsReq}=red`);
    await rec.call('list_items_filter_multi_data', 'GET', `/object/${item}?JSON_DATA&F_${colorsReq}=${colors[2]}`);
    await rec.call('list_items_filter_num_range', 'GET', `/object/${item}?JSON_DATA&FR_${numReq}=6&TO_${numReq}=9`);
    await rec.call('count_items', 'GET', `/object/${item}?JSON&_count`);
    await rec.call('count_items_prefix', 'GET', `/object/${item}?JSON&_count&F_${item}=a%25`);
    await rec.call('count_items_multi', 'GET', `/object/${item}?JSON&_count&F_${colorsReq}=${colors[0]}`);
    await rec.call('count_items_range', 'GET', `/object/${item}?JSON&_count&FR_${numReq}=6&TO_${numReq}=9`);
    await rec.call('count_items_none', 'GET', `/object/${item}?JSON&_count&F_${item}=zzz`);

    // get_record and addressing by name
    await rec.call('get_record_item', 'GET', `/get_record/${colors[1]}?JSON`);
    await rec.call('get_record_type', 'GET', `/get_record/${item}?JSON`);
    await rec.call('get_record_user', 'GET', '/get_record/1012?JSON');
    await rec.call('object_by_cyrillic_name', 'GET', `/object/${encodeURIComponent('Предмет')}?JSON_DATA`);
    await rec.call('object_by_user_type_name', 'GET', `/object/${encodeURIComponent('Пользователь')}?JSON_DATA`);
    await rec.call('edit_obj_by_names', 'GET', `/edit_obj/${encodeURIComponent('Предмет')}/${encodeURIComponent('Арбуз')}?JSON`);
    await rec.call('get_record_by_names', 'GET', `/get_record/Color/green?JSON`);
    await rec.call('object_by_unknown_name', 'GET', '/object/NoSuchType?JSON');

    // login with a user's secret
    await rec.call('m_set_secret', 'POST', '/_m_set/1012?JSON', { form: { t130: 'my-secret-1' } });
    await rec.call('xsrf_by_secret_post', 'POST', '/xsrf?JSON', { form: { secret: 'my-secret-1' }, auth: false, xsrf: false });
    await rec.call('xsrf_by_secret_get', 'GET', '/xsrf?JSON&secret=my-secret-1', { auth: false });
    await rec.call('xsrf_by_wrong_secret', 'GET', '/xsrf?JSON&secret=nope', { auth: false });
  },
};
export default scenario;
