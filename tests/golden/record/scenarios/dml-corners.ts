/**
 * Corners of the data commands: uniqueness (unique tables and key columns) on `_m_new` and
 * `_m_save`, `_m_id` and the order of its refusals, invalid DATETIME values, `_m_del_batch` in its
 * request shapes, and values echoed through `htmlentities` beyond Latin-1.
 */
import type { Scenario } from '../run.js';

/** the code points HTML 4.01 has entity names for above ASCII (Latin-1, symbols, specials) */
const NAMED_CODE_POINTS = [
  ...Array.from({ length: 96 }, (_, i) => 160 + i),
  0x152, 0x153, 0x160, 0x161, 0x178, 0x192, 0x2c6, 0x2dc,
  ...Array.from({ length: 0x3a9 - 0x391 + 1 }, (_, i) => 0x391 + i).filter((c) => c !== 0x3a2),
  ...Array.from({ length: 0x3c9 - 0x3b1 + 1 }, (_, i) => 0x3b1 + i), 0x3d1, 0x3d2, 0x3d6,
  0x2002, 0x2003, 0x2009, 0x200c, 0x200d, 0x200e, 0x200f, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e,
  0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2032, 0x2033, 0x2039, 0x203a, 0x203e, 0x2044, 0x20ac, 0x2111, 0x2118, 0x211c,
  0x2122, 0x2135, 0x2190, 0x2191, 0x2192, 0x2193, 0x2194, 0x21b5, 0x21d0, 0x21d1, 0x21d2, 0x21d3, 0x21d4, 0x2200, 0x2202,
  0x2203, 0x2205, 0x2207, 0x2208, 0x2209, 0x220b, 0x220f, 0x2211, 0x2212, 0x2217, 0x221a, 0x221d, 0x221e, 0x2220, 0x2227,
  0x2228, 0x2229, 0x222a, 0x222b, 0x2234, 0x223c, 0x2245, 0x2248, 0x2260, 0x2261, 0x2264, 0x2265, 0x2282, 0x2283, 0x2284,
  0x2286, 0x2287, 0x2295, 0x2297, 0x22a5, 0x22c5, 0x2308, 0x2309, 0x230a, 0x230b, 0x2329, 0x232a, 0x25ca, 0x2660, 0x2663,
  0x2665, 0x2666,
];
const ALL_NAMED = `all ${String.fromCodePoint(...NAMED_CODE_POINTS)} ok`;

const scenario: Scenario = {
  tenant: 'sbdml',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const book = rec.idOf(await rec.call('d_new_book_unique', 'POST', '/_d_new?JSON', { form: { val: 'Book', t: 3, unique: 1 } }), 'Book');
    const part = rec.idOf(await rec.call('d_new_part', 'POST', '/_d_new?JSON', { form: { val: 'Part', t: 3 } }), 'Part');
    const sku = rec.idOf(await rec.call('d_new_sku', 'POST', '/_d_new?JSON', { form: { val: 'SKU', t: 3 } }), 'SKU');
    const stamp = rec.idOf(await rec.call('d_new_stamp', 'POST', '/_d_new?JSON', { form: { val: 'Stamp', t: 4 } }), 'Stamp');
    const skuReq = rec.idOf(await rec.call('d_req_part_sku', 'POST', `/_d_req/${part}?JSON`, { form: { t: sku } }), 'Part.SKU', 'id');
    const stampReq = rec.idOf(await rec.call('d_req_part_stamp', 'POST', `/_d_req/${part}?JSON`, { form: { t: stamp } }), 'Part.Stamp', 'id');
    await rec.call('d_key_sku', 'POST', `/_d_key/${skuReq}?JSON`, { form: {} });

    // unique table
    const b1 = rec.idOf(await rec.call('m_new_book_a', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'Alpha' } }), 'B1');
    const b2 = rec.idOf(await rec.call('m_new_book_b', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'Beta' } }), 'B2');
    await rec.call('m_new_book_dup', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'Alpha' } });
    await rec.call('m_new_book_dup_case', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'ALPHA' } });
    await rec.call('m_save_book_to_dup', 'POST', `/_m_save/${b2}?JSON`, { form: { [`t${book}`]: 'Alpha' } });
    await rec.call('m_save_book_same', 'POST', `/_m_save/${b2}?JSON`, { form: { [`t${book}`]: 'Beta' } });
    await rec.call('m_save_book_new_name', 'POST', `/_m_save/${b2}?JSON`, { form: { [`t${book}`]: 'Gamma' } });
    await rec.call('m_save_book_copy_dup', 'POST', `/_m_save/${b1}?JSON`, { form: { copybtn: 1 } });

    // key column
    const p1 = rec.idOf(await rec.call('m_new_part_1', 'POST', `/_m_new/${part}?JSON`, { form: { up: 1, [`t${part}`]: 'Bolt', [`t${skuReq}`]: 'X-1' } }), 'P1');
    await rec.call('m_new_part_dup_key', 'POST', `/_m_new/${part}?JSON`, { form: { up: 1, [`t${part}`]: 'Other bolt', [`t${skuReq}`]: 'X-1' } });
    const p3 = rec.idOf(await rec.call('m_new_part_3', 'POST', `/_m_new/${part}?JSON`, { form: { up: 1, [`t${part}`]: 'Nut', [`t${skuReq}`]: 'Y-2' } }), 'P3');
    await rec.call('m_save_part_to_dup_key', 'POST', `/_m_save/${p3}?JSON`, { form: { [`t${skuReq}`]: 'X-1' } });
    await rec.call('m_save_part_name_only', 'POST', `/_m_save/${p3}?JSON`, { form: { [`t${part}`]: 'Bolt' } });
    await rec.call('m_save_part_new_key', 'POST', `/_m_save/${p3}?JSON`, { form: { [`t${skuReq}`]: 'Z-3' } });
    await rec.call('m_set_part_to_dup_key', 'POST', `/_m_set/${p3}?JSON`, { form: { [`t${skuReq}`]: 'X-1' } });

    // DATETIME values
    await rec.call('m_new_stamp_garbage', 'POST', `/_m_new/${part}?JSON`, { form: { up: 1, [`t${part}`]: 'S1', [`t${stampReq}`]: '45.13.2024' } });
    await rec.call('m_new_stamp_bad_day', 'POST', `/_m_new/${part}?JSON`, { form: { up: 1, [`t${part}`]: 'S2', [`t${stampReq}`]: '31.02.2024 10:00' } });
    await rec.call('m_new_stamp_iso', 'POST', `/_m_new/${part}?JSON`, { form: { up: 1, [`t${part}`]: 'S3', [`t${stampReq}`]: '2024-05-06 07:08:09' } });
    await rec.call('m_set_stamp_bad_month', 'POST', `/_m_set/${p1}?JSON`, { form: { [`t${stampReq}`]: '2024-13-45 10:00' } });
    await rec.call('m_save_stamp_garbage', 'POST', `/_m_save/${p1}?JSON`, { form: { [`t${stampReq}`]: 'not a date' } });
    await rec.call('list_parts', 'GET', `/object/${part}?JSON_DATA`);

    // _m_id
    await rec.call('m_id_not_numeric', 'POST', `/_m_id/${p3}?JSON`, { form: { new_id: 'abc' } });
    await rec.call('m_id_zero', 'POST', `/_m_id/${p3}?JSON`, { form: { new_id: 0 } });
    await rec.call('m_id_missing_param', 'POST', `/_m_id/${p3}?JSON`, { form: {} });
    await rec.call('m_id_occupied', 'POST', `/_m_id/${p3}?JSON`, { form: { new_id: p1 } });
    await rec.call('m_id_metadata', 'POST', `/_m_id/${part}?JSON`, { form: { new_id: 7000 } });
    await rec.call('m_id_metadata_target', 'POST', `/_m_id/${p3}?JSON`, { form: { new_id: book } });
    await rec.call('m_id_missing_record', 'POST', `/_m_id/999999?JSON`, { form: { new_id: 7001 } });
    await rec.call('m_id_ok', 'POST', `/_m_id/${p3}?JSON`, { form: { new_id: 5000 } });
    await rec.call('get_record_renumbered', 'GET', '/get_record/5000?JSON');
    await rec.call('m_id_wrong_xsrf', 'POST', `/_m_id/5000?JSON`, { form: { new_id: 5001, _xsrf: 'bad' }, xsrf: false });

    // _m_del_batch
    const d1 = rec.idOf(await rec.call('m_new_book_d1', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'D1' } }), 'D1');
    const d2 = rec.idOf(await rec.call('m_new_book_d2', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'D2' } }), 'D2');
    const d3 = rec.idOf(await rec.call('m_new_book_d3', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'D3' } }), 'D3');
    const d4 = rec.idOf(await rec.call('m_new_book_d4', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'D4' } }), 'D4');
    await rec.call('m_del_batch_comma', 'POST', `/_m_del_batch/${book}?JSON`, { form: { ids: `${d1},${d2},999999,${p1}` } });
    await rec.call('m_del_batch_array', 'POST', `/_m_del_batch/${book}?JSON`, { raw: `_xsrf=${rec.xsrf}&ids[]=${d3}&ids[]=${d4}&ids[]=abc`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    await rec.call('m_del_batch_no_type', 'POST', '/_m_del_batch?JSON', { form: { ids: `${b1}` } });
    await rec.call('m_del_batch_no_ids', 'POST', `/_m_del_batch/${book}?JSON`, { form: {} });
    await rec.call('m_del_batch_get', 'GET', `/_m_del_batch/${book}?JSON&ids=${b1}&_xsrf=${rec.xsrf}`);
    await rec.call('m_del_batch_spaces', 'POST', `/_m_del_batch/${book}?JSON`, { form: { ids: ` ${b2} , ` } });
    await rec.call('m_del_zero', 'POST', '/_m_del/0?JSON', { form: {} });

    // values echoed through htmlentities
    await rec.call('m_new_entities', 'POST', `/_m_new/${book}?JSON`, { form: { up: 1, [`t${book}`]: 'Dash — “quoted” € © ½ α→β ♥ ∑ ‰ … <b>&amp;' } });
    await rec.call('m_new_entities_cyr', 'POST', `/_m_new/${part}?JSON`, { form: { up: 1, [`t${part}`]: 'Деталь № 5 — «ёлка» ™ ° ×' } });
    // every character above ASCII that HTML 4.01 names, in one value (the oracle's table is 3-byte UTF-8: no emoji)
    await rec.call('m_new_all_entities', 'POST', `/_m_new/${part}?JSON`, { form: { up: 1, [`t${part}`]: ALL_NAMED } });
    await rec.call('list_books', 'GET', `/object/${book}?JSON_DATA`);
  },
};
export default scenario;
