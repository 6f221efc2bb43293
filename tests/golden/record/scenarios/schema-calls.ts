/**
 * The structure and record calls most scenarios start with, recorded under stable exchange names: a
 * type (`_d_new`, named `<typePrefix><key>`), a column (`_d_req`, named `<columnPrefix><key>`), a
 * reference (`_d_ref`, named `d_ref_<key>`) and a record (`_m_new`, named `m_new_<key>`); each returns
 * the new id and remembers it under `key` for the replay's id map.
 */
import type { Recorder } from '../recorder.js';

export type Cells = Record<string, string | number>;

export function schemaCalls(rec: Recorder, typePrefix = 'type_', columnPrefix = 'column_') {
  return {
    type: async (key: string, val: string, base: number): Promise<number> =>
      rec.idOf(await rec.call(`${typePrefix}${key}`, 'POST', '/_d_new?JSON', { form: { val, t: base } }), key),
    column: async (key: string, table: number, t: number): Promise<number> =>
      rec.idOf(await rec.call(`${columnPrefix}${key}`, 'POST', `/_d_req/${table}?JSON`, { form: { t } }), key, 'id'),
    reference: async (key: string, target: number): Promise<number> =>
      rec.idOf(await rec.call(`d_ref_${key}`, 'POST', `/_d_ref/${target}?JSON`, { form: {} }), key),
    /** a record of `table` under `up` (default the root) */
    record: async (key: string, table: number, cells: Cells, up = 1): Promise<number> =>
      rec.idOf(await rec.call(`m_new_${key}`, 'POST', `/_m_new/${table}?JSON`, { form: { up, ...cells } }), key),
  };
}
