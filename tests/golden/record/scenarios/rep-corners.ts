/**
 * Reports beyond the public recording (reports.jsonl): joins over three reference levels
 * (Order → Client → City → Country), a subordinate table as a column source and as the main table,
 * GROUP_CONCAT, function-result filters (105/106, the engine's HAVING), totals with grouping,
 * negative sort priorities, a stored LIMIT offset,n, FR_/TO_ on dates and numbers, empty results,
 * NULLs (records without a reference or a cell), the if-empty value (113) and request parameters.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Recorder } from '../recorder.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';

/** function records (table 63) and totals (65) of the report metadata */
const FN = { SUM: 73, COUNT: 74, MAX: 75, MIN: 76, AVG: 77, GROUP_CONCAT: 235 } as const;
const TOTAL = { SUM: 67, AVG: 68, MIN: 69, MAX: 70, COUNT: 71 } as const;

/** a report with its columns: each column is [source, cells of the column (t100 name …)] */
export async function makeReport(rec: Recorder, key: string, params: Cells, columns: [number, Cells][]): Promise<number> {
  const id = rec.idOf(await rec.call(`${key}_new`, 'POST', '/_m_new/22?JSON', { form: { up: 1, t22: key } }), key);
  if (Object.keys(params).length) await rec.call(`${key}_params`, 'POST', `/_m_set/${id}?JSON`, { form: params });
  let n = 0;
  for (const [source, cells] of columns) {
    n++;
    const col = rec.idOf(await rec.call(`${key}_col${n}`, 'POST', '/_m_new/28?JSON', { form: { up: id, t28: source } }), `${key}.col${n}`);
    if (Object.keys(cells).length) await rec.call(`${key}_col${n}_set`, 'POST', `/_m_set/${col}?JSON`, { form: cells });
  }
  return id;
}

const scenario: Scenario = {
  tenant: 'rep2',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const country = await type('country', 'Country', 3);
    const city = await type('city', 'City', 3);
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const amountT = await type('amount', 'Amount', 14);
    const dateT = await type('odate', 'ODate', 9);
    const qtyT = await type('qty', 'Qty', 13);
    const noteT = await type('note', 'Note', 3);
    const line = await type('line', 'Line', 3);
    const priceT = await type('price', 'Price', 14);
    const lqtyT = await type('lqty', 'LQty', 13);
    const cityCountry = await req('city_country', city, await ref('country_ref', country));
    const clientCity = await req('client_city', client, await ref('city_ref', city));
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const amount = await req('order_amount', order, amountT);
    const odate = await req('order_date', order, dateT);
    const qty = await req('order_qty', order, qtyT);
    const note = await req('order_note', order, noteT);
    const orderLine = await req('order_line', order, line);
    const price = await req('line_price', line, priceT);
    const lqty = await req('line_qty', line, lqtyT);

    const rec1 = (key: string, table: number, up: number, cells: Cells) => record(key, table, cells, up);
    const russia = await rec1('russia', country, 1, { [`t${country}`]: 'Russia' });
    const france = await rec1('france', country, 1, { [`t${country}`]: 'France' });
    const moscow = await rec1('moscow', city, 1, { [`t${city}`]: 'Moscow', [`t${cityCountry}`]: russia });
    const paris = await rec1('paris', city, 1, { [`t${city}`]: 'Paris', [`t${cityCountry}`]: france });
    const lyon = await rec1('lyon', city, 1, { [`t${city}`]: 'Lyon', [`t${cityCountry}`]: france });
    const berlin = await rec1('berlin', city, 1, { [`t${city}`]: 'Berlin' });
    const alice = await rec1('alice', client, 1, { [`t${client}`]: 'Alice', [`t${clientCity}`]: moscow });
    const bob = await rec1('bob', client, 1, { [`t${client}`]: 'Bob', [`t${clientCity}`]: paris });
    const carol = await rec1('carol', client, 1, { [`t${client}`]: 'Carol', [`t${clientCity}`]: lyon });
    const dave = await rec1('dave', client, 1, { [`t${client}`]: 'Dave', [`t${clientCity}`]: berlin });
    const eve = await rec1('eve', client, 1, { [`t${client}`]: 'Eve' });
    const o = (key: string, no: string, who: number | '', amt: string, date: string, q: string, n = '') =>
      rec1(key, order, 1, { [`t${order}`]: no, [`t${orderClient}`]: who, [`t${amount}`]: amt, [`t${odate}`]: date, [`t${qty}`]: q, [`t${note}`]: n });
    const o1 = await o('o1', 'O-1', alice, '100', '2024-01-10', '2', 'first');
    await o('o2', 'O-2', alice, '50.5', '2024-02-15', '1');
    const o3 = await o('o3', 'O-3', bob, '300', '2024-02-20', '5', 'big');
    await o('o4', 'O-4', carol, '20', '2024-03-05', '');
    await o('o5', 'O-5', dave, '700', '2024-03-31', '3');
    await o('o6', 'O-6', eve, '', '2024-04-01', '1');
    await o('o7', 'O-7', '', '10', '', '4');
    const l = (key: string, up: number, name: string, p: string, q: string) => rec1(key, line, up, { [`t${line}`]: name, [`t${price}`]: p, [`t${lqty}`]: q });
    await l('l1', o1, 'bolt', '1.5', '10');
    await l('l2', o1, 'nut', '0.2', '5');
    await l('l3', o3, 'gear', '100', '2');
    await l('l4', o3, 'bolt', '1.5', '4');
    await rec.call('list_orders', 'GET', `/object/${order}?JSON_DATA`);

    // three reference levels
    const geo = await makeReport(rec, 'geo', {}, [
      [order, { t100: 'order_no' }], [orderClient, { t100: 'client' }], [clientCity, { t100: 'city' }], [cityCountry, { t100: 'country' }], [amount, { t100: 'amount' }],
    ]);
    await rec.call('geo_json', 'GET', `/report/${geo}?JSON`);
    await rec.call('geo_kv', 'GET', `/report/${geo}?JSON_KV`);
    await rec.call('geo_kv_country', 'GET', `/report/${geo}?JSON_KV&FR_country=France`);
    await rec.call('geo_kv_country_like', 'GET', `/report/${geo}?JSON_KV&FR_country=%25ss%25`);
    await rec.call('geo_kv_country_none', 'GET', `/report/${geo}?JSON_KV&FR_country=Spain`);
    await rec.call('geo_json_country_none', 'GET', `/report/${geo}?JSON&FR_country=Spain`);
    await rec.call('geo_order_country', 'GET', `/report/${geo}?JSON_KV&ORDER=country,-amount`);
    await rec.call('geo_order_amount_desc', 'GET', `/report/${geo}?JSON_KV&ORDER=-amount`);
    await rec.call('geo_limit_offset', 'GET', `/report/${geo}?JSON_KV&LIMIT=2,2`);
    await rec.call('geo_count', 'GET', `/report/${geo}?JSON&RECORD_COUNT`);
    await rec.call('geo_count_country', 'GET', `/report/${geo}?JSON&RECORD_COUNT&FR_country=France`);
    await rec.call('geo_totals', 'GET', `/report/${geo}?JSON&TOTALS=amount:SUM`);
    await rec.call('geo_totals_by_id', 'GET', `/report/${geo}?JSON&TOTALS=${rec.ids['geo.col5']}:SUM`);
    await rec.call('geo_order_by_id', 'GET', `/report/${geo}?JSON_KV&ORDER=${rec.ids['geo.col4']},-${rec.ids['geo.col5']}`);

    // grouped by the third level, totals, GROUP_CONCAT, descending by sum
    const byCountry = await makeReport(rec, 'by_country', {}, [
      [cityCountry, { t100: 'country' }],
      [amount, { t100: 'total', t104: FN.SUM, t72: TOTAL.SUM, t109: -1 }],
      [order, { t100: 'orders', t104: FN.COUNT, t72: TOTAL.COUNT }],
      [orderClient, { t100: 'clients', t104: FN.GROUP_CONCAT }],
      [amount, { t100: 'biggest', t104: FN.MAX, t72: TOTAL.MAX }],
    ]);
    await rec.call('by_country_json', 'GET', `/report/${byCountry}?JSON`);
    await rec.call('by_country_kv', 'GET', `/report/${byCountry}?JSON_KV`);
    await rec.call('by_country_cr', 'GET', `/report/${byCountry}?JSON_CR`);
    await rec.call('by_country_fr_total', 'GET', `/report/${byCountry}?JSON_KV&FR_total=%3E50`);
    await rec.call('by_country_fr_country', 'GET', `/report/${byCountry}?JSON&FR_country=France`);
    // the same with a column of the orders first: still no link, the engine joins only tables linked directly
    const byCountry2 = await makeReport(rec, 'by_country2', {}, [
      [order, { t100: 'orders', t104: FN.COUNT, t72: TOTAL.COUNT }],
      [cityCountry, { t100: 'country' }],
      [amount, { t100: 'total', t104: FN.SUM, t72: TOTAL.SUM }],
      [orderClient, { t100: 'clients', t104: FN.GROUP_CONCAT }],
      [amount, { t100: 'biggest', t104: FN.MAX, t72: TOTAL.MAX }],
    ]);
    await rec.call('by_country2_json', 'GET', `/report/${byCountry2}?JSON`);
    await rec.call('by_country2_kv', 'GET', `/report/${byCountry2}?JSON_KV`);
    // with every table of the chain among the columns
    const byCountry3 = await makeReport(rec, 'by_country3', {}, [
      [order, { t100: 'orders', t104: FN.COUNT, t72: TOTAL.COUNT }],
      [orderClient, { t100: 'clients', t104: FN.GROUP_CONCAT }],
      [clientCity, { t100: 'cities', t104: FN.GROUP_CONCAT }],
      [cityCountry, { t100: 'country' }],
      [amount, { t100: 'total', t104: FN.SUM, t72: TOTAL.SUM }],
      [amount, { t100: 'biggest', t104: FN.MAX, t72: TOTAL.MAX }],
    ]);
    await rec.call('by_country3_json', 'GET', `/report/${byCountry3}?JSON`);
    await rec.call('by_country3_kv', 'GET', `/report/${byCountry3}?JSON_KV`);
    await rec.call('by_country3_cr', 'GET', `/report/${byCountry3}?JSON_CR`);
    await rec.call('by_country3_fr_total', 'GET', `/report/${byCountry3}?JSON_KV&FR_total=%3E50`);
    await rec.call('by_country3_fr_country', 'GET', `/report/${byCountry3}?JSON&FR_country=France`);
    await rec.call('by_country3_order_id', 'GET', `/report/${byCountry3}?JSON_KV&ORDER=-${rec.ids['by_country3.col5']}`);
    await rec.call('by_country3_totals_id', 'GET', `/report/${byCountry3}?JSON&TOTALS=${rec.ids['by_country3.col1']}:AVG`);

    // function-result filters: the engine's HAVING
    const having = await makeReport(rec, 'having', {}, [
      [orderClient, { t100: 'client', t109: 1 }],
      [amount, { t100: 'total', t104: FN.SUM, t105: '>60' }],
      [order, { t100: 'orders', t104: FN.COUNT }],
    ]);
    await rec.call('having_kv', 'GET', `/report/${having}?JSON_KV`);
    await rec.call('having_json', 'GET', `/report/${having}?JSON`);
    const havingRange = await makeReport(rec, 'having_range', {}, [
      [orderClient, { t100: 'client' }],
      [order, { t100: 'orders', t104: FN.COUNT, t105: '1', t106: '1', t109: 1 }],
      [amount, { t100: 'total', t104: FN.SUM }],
    ]);
    await rec.call('having_range_kv', 'GET', `/report/${havingRange}?JSON_KV`);
    const havingNone = await makeReport(rec, 'having_none', {}, [
      [orderClient, { t100: 'client' }],
      [amount, { t100: 'total', t104: FN.SUM, t105: '>100000' }],
    ]);
    await rec.call('having_none_kv', 'GET', `/report/${havingNone}?JSON_KV`);
    await rec.call('having_none_json', 'GET', `/report/${havingNone}?JSON`);

    // a subordinate table as a column, and as the main table with its parent
    const lines = await makeReport(rec, 'lines', {}, [
      [order, { t100: 'order_no' }], [orderLine, { t100: 'line' }], [price, { t100: 'price' }], [lqty, { t100: 'lqty' }],
    ]);
    await rec.call('lines_kv', 'GET', `/report/${lines}?JSON_KV`);
    await rec.call('lines_json', 'GET', `/report/${lines}?JSON`);
    await rec.call('lines_fr_line', 'GET', `/report/${lines}?JSON_KV&FR_line=bolt`);
    const lineMain = await makeReport(rec, 'line_main', {}, [
      [line, { t100: 'line' }], [price, { t100: 'price' }], [order, { t100: 'order_no' }], [orderClient, { t100: 'client' }],
    ]);
    await rec.call('line_main_kv', 'GET', `/report/${lineMain}?JSON_KV`);
    await rec.call('line_main_json', 'GET', `/report/${lineMain}?JSON`);
    const lineSum = await makeReport(rec, 'line_sum', {}, [
      [order, { t100: 'order_no' }],
      [lqty, { t100: 'pieces', t104: FN.SUM, t72: TOTAL.SUM }],
      [line, { t100: 'products', t104: FN.GROUP_CONCAT }],
      [line, { t100: 'n_lines', t104: FN.COUNT }],
    ]);
    await rec.call('line_sum_kv', 'GET', `/report/${lineSum}?JSON_KV`);
    await rec.call('line_sum_json', 'GET', `/report/${lineSum}?JSON`);

    // FR_/TO_ on dates and numbers, NULLs, negative sort priority, stored LIMIT offset,n
    const dn = await makeReport(rec, 'dates_nums', {}, [
      [order, { t100: 'order_no' }],
      [odate, { t100: 'odate', t109: -1 }],
      [amount, { t100: 'amount' }],
      [qty, { t100: 'qty' }],
      [note, { t100: 'note' }],
    ]);
    await rec.call('dn_kv', 'GET', `/report/${dn}?JSON_KV`);
    await rec.call('dn_date_range', 'GET', `/report/${dn}?JSON_KV&FR_odate=2024-02-01&TO_odate=2024-03-31`);
    await rec.call('dn_date_range_dots', 'GET', `/report/${dn}?JSON_KV&FR_odate=15.02.2024&TO_odate=05.03.2024`);
    await rec.call('dn_date_from_ge', 'GET', `/report/${dn}?JSON_KV&FR_odate=%3E%3D2024-03-05`);
    await rec.call('dn_date_exact', 'GET', `/report/${dn}?JSON_KV&FR_odate=2024-03-31`);
    await rec.call('dn_date_to_only', 'GET', `/report/${dn}?JSON_KV&TO_odate=2024-02-15`);
    await rec.call('dn_amount_exact_decimal', 'GET', `/report/${dn}?JSON_KV&FR_amount=50.5`);
    await rec.call('dn_amount_range', 'GET', `/report/${dn}?JSON_KV&FR_amount=20&TO_amount=300`);
    await rec.call('dn_amount_to_only', 'GET', `/report/${dn}?JSON_KV&TO_amount=50`);
    await rec.call('dn_amount_lt', 'GET', `/report/${dn}?JSON_KV&FR_amount=%3C100`);
    await rec.call('dn_qty_ge', 'GET', `/report/${dn}?JSON_KV&FR_qty=%3E%3D3`);
    await rec.call('dn_qty_ne', 'GET', `/report/${dn}?JSON_KV&FR_qty=!1`);
    await rec.call('dn_note_like', 'GET', `/report/${dn}?JSON_KV&FR_note=%25i%25`);
    await rec.call('dn_order_asc', 'GET', `/report/${dn}?JSON_KV&ORDER=odate`);
    await rec.call('dn_order_qty_name', 'GET', `/report/${dn}?JSON_KV&ORDER=qty,order_no`);

    const sorted = await makeReport(rec, 'sorted', { t134: '1,3' }, [
      [orderClient, { t100: 'client', t109: 2 }],
      [amount, { t100: 'amount', t109: -1 }],
      [order, { t100: 'order_no' }],
    ]);
    await rec.call('sorted_kv', 'GET', `/report/${sorted}?JSON_KV`);
    await rec.call('sorted_limit_smaller', 'GET', `/report/${sorted}?JSON_KV&LIMIT=1`);
    await rec.call('sorted_limit_offset', 'GET', `/report/${sorted}?JSON_KV&LIMIT=0,5`);
    await rec.call('sorted_limit_offset_2', 'GET', `/report/${sorted}?JSON_KV&LIMIT=2,2`);
    await rec.call('sorted_count', 'GET', `/report/${sorted}?JSON&RECORD_COUNT`);
    const sorted2 = await makeReport(rec, 'sorted2', {}, [
      [orderClient, { t100: 'client', t109: -2 }],
      [amount, { t100: 'amount', t109: 1 }],
    ]);
    await rec.call('sorted2_kv', 'GET', `/report/${sorted2}?JSON_KV`);

    // the if-empty value (113) on an empty result
    const ifEmpty = await makeReport(rec, 'if_empty', { t113: 'nothing' }, [
      [order, { t100: 'order_no' }],
      [amount, { t100: 'amount', t102: '>5000' }],
    ]);
    await rec.call('if_empty_kv', 'GET', `/report/${ifEmpty}?JSON_KV`);
    await rec.call('if_empty_json', 'GET', `/report/${ifEmpty}?JSON`);
    await rec.call('if_empty_rows', 'GET', `/report/${ifEmpty}?JSON_KV&FR_amount=%3E500`);

    // request values and built-ins in formulas
    const params = await makeReport(rec, 'params', {}, [
      [order, { t100: 'order_no' }],
      [0, { t100: 'tag', t101: "'_request_.tag'" }],
      [0, { t100: 'today', t101: "'[TODAY]'" }],
    ]);
    await rec.call('params_kv_tag', 'GET', `/report/${params}?JSON_KV&tag=hello&LIMIT=2`);
    await rec.call('params_kv_no_tag', 'GET', `/report/${params}?JSON_KV&LIMIT=1`);
    await rec.call('params_post_tag', 'POST', `/report/${params}?JSON_KV`, { form: { tag: 'posted', LIMIT: '1' } });
    await rec.call('report_list', 'GET', '/object/22?JSON_DATA');
  },
};

export default scenario;
