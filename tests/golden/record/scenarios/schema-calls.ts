/**
 * The structure calls most scenarios start with, recorded under stable exchange names: a type
 * (`_d_new`, named `<typePrefix><key>`) and a column (`_d_req`, named `column_<key>`); each returns
 * the new id and remembers it under `key` for the replay's id map.
 */
import type { Recorder } from '../recorder.js';

export function schemaCalls(rec: Recorder, typePrefix = 'type_') {
  return {
    type: async (key: string, val: string, base: number): Promise<number> =>
      rec.idOf(await rec.call(`${typePrefix}${key}`, 'POST', '/_d_new?JSON', { form: { val, t: base } }), key),
    column: async (key: string, table: number, t: number): Promise<number> =>
      rec.idOf(await rec.call(`column_${key}`, 'POST', `/_d_req/${table}?JSON`, { form: { t } }), key, 'id'),
  };
}
