/**
 * Corners of grant masks: two masks on one column (either may match), a mask on a NUMBER column
 * (`>100`), a `[USER]` built-in, an `@id` mask, a mask without a level, a mask on a reference column
 * (compared by target id in lists), a masked parent table with its subordinate table (F_U), and records
 * pointing at a masked reference target (two grants on one object are refused: one mask per object). Everything is built through the API.
 */
import type { Scenario } from '../run.js';
import { addLevelColumn, grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const LEVEL = 136;
const WRITE = 170;
const READ = 171;
const NUMBER = 13;

const scenario: Scenario = {
  tenant: 'mk2',
  prepare: (oracle) => addLevelColumn(oracle, 'mk2'),
  async run(rec, oracle) {
    await rec.login('admin_login', 'tester', 'tester-pass-1');
    const newType = async (name: string, val: string, t: number): Promise<number> =>
      rec.idOf(await rec.call(`d_new_${name}`, 'POST', '/_d_new?JSON', { form: { val, t } }), name);
    const newReq = async (name: string, table: number, t: number): Promise<number> =>
      rec.idOf(await rec.call(`d_req_${name}`, 'POST', `/_d_req/${table}?JSON`, { form: { t } }), name, 'id');
    const newRec = async (name: string, table: number, form: Record<string, string | number>): Promise<number> =>
      rec.idOf(await rec.call(`m_new_${name}`, 'POST', `/_m_new/${table}?JSON`, { form: { up: 1, ...form } }), name);

    const deal = await newType('deal', 'Deal', 3);
    const region = await newReq('region', deal, await newType('regionType', 'Region', 3));
    const amount = await newReq('amount', deal, await newType('amountType', 'Amount', NUMBER));
    const owner = await newReq('owner', deal, await newType('ownerType', 'Owner', 3));
    const city = await newType('city', 'City', 3);
    const cityRef = rec.idOf(await rec.call('d_ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'cityRef');
    const order = await newType('order', 'Order', 3);
    const orderCity = await newReq('orderCity', order, cityRef);
    const tag = await newType('tag', 'Tag', 3);
    const note = await newType('note', 'Note', 3);
    const noteText = await newReq('noteText', note, await newType('textType', 'Text', 3));
    const project = await newType('project', 'Project', 3);
    const step = await newType('step', 'Step', 3);
    await newReq('steps', project, step);

    const d1 = await newRec('d1', deal, { [`t${deal}`]: 'D1', [`t${region}`]: 'north', [`t${amount}`]: '50', [`t${owner}`]: 'mila' });
    const d2 = await newRec('d2', deal, { [`t${deal}`]: 'D2', [`t${region}`]: 'east', [`t${amount}`]: '150', [`t${owner}`]: 'mila' });
    const d3 = await newRec('d3', deal, { [`t${deal}`]: 'D3', [`t${region}`]: 'south', [`t${amount}`]: '500', [`t${owner}`]: 'MILA' });
    const d4 = await newRec('d4', deal, { [`t${deal}`]: 'D4', [`t${region}`]: 'north', [`t${amount}`]: '900', [`t${owner}`]: 'oleg' });
    const moscow = await newRec('moscow', city, { [`t${city}`]: 'Moscow' });
    const paris = await newRec('paris', city, { [`t${city}`]: 'Paris' });
    const o1 = await newRec('o1', order, { [`t${order}`]: 'O1', [`t${orderCity}`]: moscow });
    const o2 = await newRec('o2', order, { [`t${order}`]: 'O2', [`t${orderCity}`]: paris });
    await newRec('o3', order, { [`t${order}`]: 'O3' });
    const red = await newRec('red', tag, { [`t${tag}`]: 'red' });
    const blue = await newRec('blue', tag, { [`t${tag}`]: 'blue' });
    const n1 = await newRec('n1', note, { [`t${note}`]: 'N1', [`t${noteText}`]: 'public text' });
    const n2 = await newRec('n2', note, { [`t${note}`]: 'N2', [`t${noteText}`]: 'secret text' });
    const pa = await newRec('pa', project, { [`t${project}`]: 'Alpha' });
    const pb = await newRec('pb', project, { [`t${project}`]: 'Beta' });
    rec.idOf(await rec.call('m_new_step_a', 'POST', `/_m_new/${step}?JSON`, { form: { up: pa, [`t${step}`]: 'a1' } }), 'stepA');
    rec.idOf(await rec.call('m_new_step_b', 'POST', `/_m_new/${step}?JSON`, { form: { up: pb, [`t${step}`]: 'b1' } }), 'stepB');

    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Corners' } }), 'role');
    const g = await grantRecords(rec, oracle, role, 13);
    const grant = async (name: string, i: number, form: Record<string, string | number>): Promise<void> => {
      await rec.call(`m_save_grant_${name}`, 'POST', `/_m_save/${g[i]}?JSON`, { form });
    };
    await grant('deal', 0, { t116: deal, [`t${LEVEL}`]: WRITE });
    await grant('region_north', 1, { t116: region, [`t${LEVEL}`]: WRITE, t49: 'north' });
    await grant('region_east', 2, { t116: region, [`t${LEVEL}`]: WRITE, t49: 'east' });
    await grant('amount', 3, { t116: amount, [`t${LEVEL}`]: WRITE, t49: '>100' });
    await grant('owner', 4, { t116: owner, [`t${LEVEL}`]: READ, t49: '[USER]' });
    await grant('order', 5, { t116: order, [`t${LEVEL}`]: WRITE });
    await grant('order_city', 6, { t116: orderCity, [`t${LEVEL}`]: WRITE, t49: String(moscow) });
    await grant('city', 7, { t116: city, [`t${LEVEL}`]: READ, t49: 'M%' });
    await grant('tag', 8, { t116: tag, [`t${LEVEL}`]: READ, t49: `@${red}` });
    await grant('note', 9, { t116: note, [`t${LEVEL}`]: WRITE });
    await grant('note_text', 10, { t116: noteText, t49: 'public%' });
    await grant('project', 11, { t116: project, [`t${LEVEL}`]: WRITE, t49: 'A%' });
    await grant('step', 12, { t116: step, [`t${LEVEL}`]: WRITE });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Mila', t20: 'mila-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'mila');

    await rec.login('mila_login', 'Mila', 'mila-pass-1');
    await rec.call('mila_xsrf', 'GET', '/xsrf?JSON');
    await rec.call('mila_list_deal', 'GET', `/object/${deal}?JSON_DATA`);
    await rec.call('mila_list_deal_json', 'GET', `/object/${deal}?JSON`);
    await rec.call('mila_count_deal', 'GET', `/object/${deal}?JSON&_count`);
    await rec.call('mila_edit_obj_d1', 'GET', `/edit_obj/${d1}?JSON`);
    await rec.call('mila_edit_obj_d2', 'GET', `/edit_obj/${d2}?JSON`);
    await rec.call('mila_edit_obj_d3', 'GET', `/edit_obj/${d3}?JSON`);
    await rec.call('mila_edit_obj_d4', 'GET', `/edit_obj/${d4}?JSON`);
    await rec.call('mila_list_order', 'GET', `/object/${order}?JSON_DATA`);
    await rec.call('mila_count_order', 'GET', `/object/${order}?JSON&_count`);
    await rec.call('mila_edit_obj_o1', 'GET', `/edit_obj/${o1}?JSON`);
    await rec.call('mila_edit_obj_o2', 'GET', `/edit_obj/${o2}?JSON`);
    await rec.call('mila_ref_reqs_order_city', 'GET', `/_ref_reqs/${orderCity}?JSON`);
    await rec.call('mila_list_tag', 'GET', `/object/${tag}?JSON_DATA`);
    await rec.call('mila_edit_obj_red', 'GET', `/edit_obj/${red}?JSON`);
    await rec.call('mila_edit_obj_blue', 'GET', `/edit_obj/${blue}?JSON`);
    await rec.call('mila_list_note', 'GET', `/object/${note}?JSON_DATA`);
    await rec.call('mila_edit_obj_n1', 'GET', `/edit_obj/${n1}?JSON`);
    await rec.call('mila_edit_obj_n2', 'GET', `/edit_obj/${n2}?JSON`);
    await rec.call('mila_list_project', 'GET', `/object/${project}?JSON_DATA`);
    await rec.call('mila_list_steps_alpha', 'GET', `/object/${step}?JSON_DATA&F_U=${pa}`);
    await rec.call('mila_list_steps_beta', 'GET', `/object/${step}?JSON_DATA&F_U=${pb}`);
    await rec.call('mila_list_steps_all', 'GET', `/object/${step}?JSON_DATA`);
    await rec.call('mila_list_steps_json', 'GET', `/object/${step}?JSON&F_U=${pb}`);
    // not `_m_new` with a masked target: the engine refuses after inserting the record, which stays
    // (ours writes nothing, docs/compatibility.md); tests/integration/engine/grant-masks.test.ts covers it
    await rec.call('mila_m_new_order_moscow', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O5', [`t${orderCity}`]: moscow } });
    await rec.call('mila_m_save_o1_paris', 'POST', `/_m_save/${o1}?JSON`, { form: { [`t${orderCity}`]: paris } });
    await rec.call('mila_m_del_select_deal', 'POST', `/object/${deal}?JSON&_m_del_select&F_${amount}=>0`, { form: {} });
    await rec.call('mila_list_order_after', 'GET', `/object/${order}?JSON_DATA`);
  },
};

export default scenario;
