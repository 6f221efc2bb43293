/**
 * The record card: GET /{db}/edit_obj/{id}?JSON (docs/legacy-api.md, "Record card and lookups"),
 * including the template keys the PHP engine's answer carries.
 *
 * docs/compatibility.md, "Deliberate differences": unlike the PHP engine, the card checks READ on the record.
 */
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { paramString } from './context.js';
import { numId, type CommandState } from './command-state.js';
import { checkValGranted, listMaskGroups, valBarredByMask } from './masks.js';
import { checkGrantOrDie, firstLevel, grantOk } from './access.js';
import { metadataRefLabel, viewValue } from './report-model.js';
import { builtIn, formatView } from './format.js';
import { fileLink } from './files.js';
import { htmlspecialchars, isNumeric, toInt } from './php.js';
import { BASE_NAMES } from './meta.js';
import { listColumns } from './list-columns.js';
import { grantPicker, repColPicker, type PickerBlock } from './pickers.js';

const EDITREQ_KINDS: Record<string, string> = {
  SHORT: 'short', CHARS: 'chars', HTML: 'html', MEMO: 'memo', DATE: 'date', DATETIME: 'datetime', SIGNED: 'signed',
  NUMBER: 'number', BOOLEAN: 'boolean', FILE: 'file', PWD: 'pwd', CALCULATABLE: 'calculatable', REFERENCE: 'reference', ARRAY: 'array',
};

export async function editObjCard(ctx: RequestContext, s: CommandState): Promise<never> {
  const id = numId(s);
  if (id === 0) ctx.dieText('Ошибка: id=0 или не задан');
  const rec = await ctx.t.get(id);
  const type = rec && rec.up !== 0 ? ctx.meta.get(rec.t) ?? (await ctx.t.get(rec.t)) : null;
  if (!rec || !type || type.up !== 0) ctx.dieText(`Объект ${id} не найден, вероятно, он был удален`);
  await checkGrantOrDie(ctx, id, 0, 'READ');
  const baseName = BASE_NAMES[type.t] ?? '';
  // without a WRITE grant, a mask with level WRITE matching the record's value makes it editable
  const writable = (await grantOk(ctx, id, 0, 'WRITE')) || checkValGranted(ctx, rec.t, rec.val, rec.id) === 'WRITE';
  const parentDisabled = writable ? '' : 'DISABLED';
  const picked = baseName === 'REPORT_COLUMN' || baseName === 'GRANT';
  const shownVal = baseName === 'SIGNED' ? rec.val : viewValue(ctx, baseName, rec.val);
  const api: Record<string, unknown> = {};
  const obj: Record<string, string> = {
    id: String(rec.id), val: shownVal, parent: String(rec.up), typ: String(rec.t), typ_name: type.val, base_typ: String(type.t),
  };
  if (picked) obj.term = rec.val;
  api.obj = obj;
  const htmlVal = htmlspecialchars(shownVal);
  api['&main.a.&object'] = {
    typ: [String(rec.t), String(rec.t)], up: [String(rec.up)], typ_name: [type.val, type.val], val: [htmlVal, htmlVal],
    id: [String(rec.id)], disabled: [parentDisabled],
  };
  if (!picked) {
    api['&main.a.&object.&edit_req'] = {
      type: [baseName === 'DATE' ? 'date' : 'text'], typ: [String(rec.t)], '_parent_.val': [htmlVal], '_parent_.disabled': [parentDisabled],
    };
  } else {
    // instead of a text field, the picker of what the value names, the current one SELECTED
    const kind = baseName === 'GRANT' ? 'grant' : 'report_column';
    const block = `&main.a.&object.&editreq_${kind}`;
    api[block] = { typ: [String(rec.t)], '_parent_.disabled': [parentDisabled] };
    let picker: PickerBlock;
    if (baseName === 'GRANT') picker = grantPicker(ctx.meta, true);
    else {
      const cols = await repColPicker(ctx, rec.up);
      picker = cols.block;
      api.rep_col_list = cols.api;
    }
    api[`${block}.&${kind === 'grant' ? 'grant_list' : 'rep_col_list'}`] = {
      id: picker.id, selected: picker.id.map((pid) => (sameId(pid, rec.val) ? 'SELECTED' : '')), val: picker.val,
    };
  }
  const cols = listColumns(ctx, rec.t);
  // with a subordinate column in the table (barred or not), the engine reads the requisites counting
  // rows per value (GetObjectReqs: GROUP BY ... count(1) arr_num), so a filled plain requisite carries
  // that count, the string "1", where it is otherwise 0 (recorded: card-arr.jsonl)
  const plainArr: string | number = ctx.meta.reqsOf(rec.t).some((r) => r.arrType !== null) ? '1' : 0;
  const children = await ctx.t.find({ up: id }, { orderBy: 'ord,id' });
  const targetIds = [...new Set(children.map((c) => c.t))];
  const targets = new Map<number, Row>((targetIds.length ? await ctx.t.find({ id: targetIds }) : []).map((r) => [r.id, r]));
  const grants = ctx.session!.grants;
  const reqs: Record<string, Record<string, unknown>> = {};
  const blockTyp: string[] = [];
  const blockName: string[] = [];
  const enableSave: string[] = [];
  const fileReqIds: string[] = [];
  const editreq = new Map<string, Record<string, string[]>>();
  const refCreate: string[] = [];
  const dropdown: Record<string, string[]> = { id: [], selected: [], orig: [], r: [], val: [] };
  const multiBlock: Record<string, string[]> = { id: [], val: [], ord: [], name: [], '_parent_.disabled': [] };
  const push = (kind: string, key: string, value: string): void => {
    const b = editreq.get(kind) ?? {};
    (b[key] ??= []).push(value);
    editreq.set(kind, b);
  };
  const buttons: Record<string, string[]> = { attrs: [], val: [] };
  for (const col of cols) {
    const req = col.req;
    // the card keys every column by its requisite (PHP GetObjectReqs), a subordinate table too: as
    // recorded for report columns (reports.jsonl) and for a plain subordinate table (grants-corners.jsonl)
    const key = col.isArr ? req.id : col.key;
    const literal = col.isRef ? 'REFERENCE' : col.isArr ? 'ARRAY' : col.baseName;
    const out: Record<string, unknown> = { type: col.name, order: String(req.ord) };
    let v = '';
    let cellId: number | null = null;
    let refVal = '';
    let arrNum: number | null = null;
    const multiCells: { id: number; target: number; ord: number; refVal: string }[] = [];
    if (col.isRef) {
      for (const c of children) {
        if (c.val === String(req.id) && targets.has(c.t)) multiCells.push({ id: c.id, target: c.t, ord: c.ord, refVal: targets.get(c.t)!.val });
      }
      if (multiCells.length) {
        cellId = multiCells[0].id;
        v = String(multiCells[0].target);
        refVal = multiCells[0].refVal;
      }
    } else if (col.isArr) {
      const n = children.filter((c) => c.t === col.key).length;
      arrNum = n > 0 ? n : null;
    } else {
      const cell = [...children].reverse().find((c) => c.t === key);
      if (cell) {
        cellId = cell.id;
        v = col.baseName === 'SIGNED' ? cell.val
          : col.baseName === 'GRANT' ? metadataRefLabel(ctx.meta, 'GRANT', cell.val)
            : col.baseName === 'FILE' ? fileLink(ctx, cell.id, cell.val) : formatView(col.baseName, cell.val, ctx, true);
      }
    }
    if (cellId === null && !col.isArr) {
      const def = req.parsed.default;
      if (def !== '') v = builtIn(def, ctx.formatEnv());
    }
    if (col.baseName === 'BUTTON') {
      // the default is the button's link, shown in the buttons block with [ID] filled in
      reqs[String(key)] = { type: col.name, order: String(req.ord), value: '', base: 'BUTTON' };
      if (req.parsed.default !== '') {
        buttons.attrs.push(req.parsed.default.split('[ID]').join(String(rec.id)));
        buttons.val.push(col.name);
      }
      continue;
    }
    out.value = v;
    out.base = col.baseName;
    if (col.isRef) {
      out.ref_type = String(req.refTarget);
      out.ref = multiCells.length ? refVal : null;
    } else if (col.isArr) {
      if (arrNum !== null) {
        out.arr = arrNum;
        out.arr_type = String(col.key);
      }
    } else if (cellId !== null) {
      out.arr = plainArr;
      out.arr_type = null;
    }
    if (req.attrs.length) out.attrs = req.attrs;
    if (multiCells.length && (multiCells.length > 1 || req.multi)) {
      out.multiselect = {
        id: multiCells.map((m) => String(m.id)), val: multiCells.map((m) => String(m.target)),
        ord: multiCells.map((m) => String(m.ord)), ref_val: multiCells.map((m) => m.refVal),
      };
    }
    reqs[String(key)] = out;
    // grant masks of the column (PHP Val_barred_by_mask, then Check_Val_granted on a non-empty value)
    const barred = !col.isArr && valBarredByMask(ctx, key, cellId === null ? null : col.isRef ? refVal : v);
    const colGrant = grants.levels.get(String(key));
    const disabled = barred ? 'DISABLED' : colGrant !== undefined ? (colGrant === 'WRITE' ? '' : 'DISABLED') : parentDisabled;
    if (!col.isArr && v !== '') {
      if (col.isRef) checkValGranted(ctx, key, refVal, toInt(v));
      else checkValGranted(ctx, key, v);
    }
    blockTyp.push(String(key));
    blockName.push(col.name);
    enableSave.push(!barred && colGrant === 'WRITE' ? '<script>enable_save=1;</script>' : '');
    fileReqIds.push(cellId !== null ? String(cellId) : '');
    const shown = htmlspecialchars(v);
    const requestVal = shown === '' && ctx.has(`t${key}`) ? paramString(ctx.request[`t${key}`]) : shown;
    const kind = EDITREQ_KINDS[literal];
    if (!kind) continue;
    if (kind === 'file') {
      // the value is the file's link (markup, not escaped again)
      push(kind, 'typ', String(key));
      push(kind, 'val', v);
      push(kind, 'disabled', disabled);
      push(kind, '_parent_.id', String(rec.id));
      continue;
    }
    if (kind === 'boolean') {
      push(kind, 'typ', String(key));
      push(kind, 'checked', shown !== '' ? 'CHECKED' : '');
      push(kind, 'disabled', disabled);
    } else if (kind === 'memo') {
      push(kind, 'typ', String(key));
      push(kind, 'disabled', disabled);
      push(kind, 'val', requestVal);
    } else if (kind === 'reference') {
      push(kind, 'typ', String(key));
      push(kind, 'disabled', disabled);
      push(kind, '_parent_.multi', req.multi ? '1' : '0');
      push(kind, '_parent_.ref', String(req.refTarget));
      push(kind, 'restrict', '');
      if (firstLevel(ctx, req.refTarget!) === 'WRITE') refCreate.push(String(key));
      const options = await dropdownOptions(ctx, req.refTarget!, toInt(v));
      const multiMode = req.multi || multiCells.length > 1;
      const selectedTargets = multiCells.map((m) => String(m.target));
      for (const o of options) {
        // the engine's array_search() treats the first selected value (index 0) as "not found"
        if (multiMode && selectedTargets.indexOf(String(o.id)) > 0) continue;
        dropdown.id.push(String(o.id));
        dropdown.selected.push(!multiMode && String(o.id) === v ? ' SELECTED' : '');
        dropdown.orig.push(String(o.t));
        dropdown.r.push(String(key));
        dropdown.val.push(formatView(col.baseName, htmlspecialchars(o.val), ctx, true));
      }
      if (req.multi && multiCells.length) {
        for (const m of multiCells) {
          multiBlock.id.push(String(m.id));
          multiBlock.val.push(String(m.target));
          multiBlock.ord.push(String(m.ord));
          multiBlock.name.push(m.refVal);
          multiBlock['_parent_.disabled'].push(disabled);
        }
      }
    } else if (kind === 'pwd') {
      push(kind, 'typ', String(key));
      push(kind, 'val', shown !== '' ? '******' : '');
      push(kind, 'disabled', disabled);
    } else if (kind === 'array') {
      push(kind, 'typ', String(col.key));
      push(kind, '_parent_.id', String(rec.id));
      push(kind, '_parent_.arr_num', String(arrNum ?? 0));
    } else {
      push(kind, 'typ', String(key));
      push(kind, 'val', requestVal);
      push(kind, 'disabled', disabled);
    }
  }
  // a table without (visible) columns has no `reqs` key at all
  if (Object.keys(reqs).length) api.reqs = reqs;
  if (cols.length) {
    api['&main.a.&object.&object_reqs'] = { typ: blockTyp, typ_name: blockName, enable_save: enableSave };
    api['&main.a.&object.&object_reqs.&editreq_file'] = { reqid: fileReqIds, ...(editreq.get('file') ?? {}) };
  }
  for (const [kind, block] of editreq) if (kind !== 'file') api[`&main.a.&object.&object_reqs.&editreq_${kind}`] = block;
  if (refCreate.length) api['&main.a.&object.&object_reqs.&editreq_reference.&ref_create_granted'] = { typ: refCreate };
  if (dropdown.id.length) api['&main.a.&object.&object_reqs.&editreq_reference.&add_obj_ref_reqs'] = dropdown;
  if (multiBlock.id.length) api['&main.a.&object.&object_reqs.&editreq_reference.&multiselect'] = multiBlock;
  if (buttons.attrs.length) api['&main.a.&object.&buttons'] = buttons;
  ctx.dieJson(api);
}

/** PHP's `==` of a picker id (a number) and a stored value: numerically when the value is numeric */
function sameId(id: string, value: string): boolean {
  return isNumeric(value) ? Number(value) === Number(id) : value === id;
}

/** dropdown options: records of the target table under a real parent (max 80) plus the current value, by value */
async function dropdownOptions(ctx: RequestContext, target: number, current: number): Promise<Row[]> {
  const root = await ctx.t.get(1);
  const rootIsRecordParent = !!root && root.up !== 0;
  const maskGroups = listMaskGroups(ctx, target, false);
  const rows = await ctx.t.listRecords({ typeId: target, parent: { kind: 'anyRecordParent' }, filters: [], maskGroups, order: { by: 'id' }, limit: 80 });
  let list = [...rows];
  if (rootIsRecordParent && list.length < 80) {
    const rootRows = await ctx.t.listRecords({ typeId: target, parent: { kind: 'root' }, filters: [], maskGroups, order: { by: 'id' }, limit: 80 - list.length });
    list = [...rootRows, ...list];
  }
  if (current) {
    const cur = await ctx.t.get(current);
    if (cur && !list.some((r) => r.id === cur.id)) list.push(cur);
  }
  return list.sort((a, b) => (a.val.toLowerCase() < b.val.toLowerCase() ? -1 : a.val.toLowerCase() > b.val.toLowerCase() ? 1 : a.id - b.id));
}
