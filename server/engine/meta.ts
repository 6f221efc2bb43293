/**
 * Per-database metadata: every metadata row (up = 0: base types, tables,
 * column terms, reference types) and every row directly under one of them
 * (requisites, self-descriptors). Built from two queries and cached (see
 * README.md in this folder for the cache rules).
 */
import type { Row, TenantStore } from '../storage/types.js';
import { parseAttrs, type FieldAttrs } from './attrs.js';
import { ROLE_OBJECT } from './ids.js';

export const BASE_NAMES: Record<number, string> = {
  3: 'SHORT', 8: 'CHARS', 9: 'DATE', 13: 'NUMBER', 14: 'SIGNED', 11: 'BOOLEAN', 12: 'MEMO', 4: 'DATETIME',
  10: 'FILE', 2: 'HTML', 7: 'BUTTON', 6: 'PWD', 5: 'GRANT', 15: 'CALCULATABLE', 16: 'REPORT_COLUMN', 17: 'PATH',
};
/** The order of PHP's `$GLOBALS["basics"]` array (edit_types lists it in this order). */
export const BASE_ORDER = [3, 8, 9, 13, 14, 11, 12, 4, 10, 2, 7, 6, 5, 15, 16, 17];

export function isBaseTypeId(id: number): boolean {
  return id >= 2 && id <= 17 && BASE_NAMES[id] !== undefined;
}

/** How one requisite (column) of a type is described (PHP GetObjectReqs / metadata SQL). */
export interface ReqInfo {
  /** the requisite row id (use as t{id}) */
  id: number;
  /** owning type */
  up: number;
  ord: number;
  /** the requisite row's t: term id, reference-type id, 1 = free link */
  t: number;
  /** raw attrs (requisite row val); for a free link the column name */
  attrs: string;
  parsed: FieldAttrs;
  /** base type id (null for a free link) */
  base: number | null;
  /** column name: term name, target table name, or the free-link name */
  name: string;
  /** target table of a reference column (1 for a free link), else null */
  refTarget: number | null;
  /** reference-type row id for references */
  refTypeId: number | null;
  /** child type of a subordinate-table column */
  arrType: number | null;
  multi: boolean;
  /** this requisite row is the table's self-descriptor (up = t, ord = 0) */
  selfDescriptor: boolean;
}

export class TenantMeta {
  readonly rows = new Map<number, Row>();
  /** rows under each metadata row, ordered by ord then id */
  readonly children = new Map<number, Row[]>();
  readonly loadedAt: number;
  private readonly memos = new Map<string, unknown>();

  constructor(metaRows: Row[], childRows: Row[], loadedAt: number) {
    this.loadedAt = loadedAt;
    for (const r of metaRows) this.rows.set(r.id, r);
    for (const r of childRows) {
      const list = this.children.get(r.up);
      if (list) list.push(r);
      else this.children.set(r.up, [r]);
    }
    for (const list of this.children.values()) list.sort((a, b) => a.ord - b.ord || a.id - b.id);
  }

  static async load(store: TenantStore, now: number): Promise<TenantMeta> {
    const metaRows = await store.find({ up: 0 });
    // row 1 is the root of independent records, never a parent of metadata; the grant column
    // (116, a requisite of the role table) is also the type of grant records, with columns of its own
    const parents = [...metaRows.filter((r) => r.id !== 1).map((r) => r.id), ROLE_OBJECT];
    const childRows = parents.length ? await store.find({ up: parents }) : [];
    return new TenantMeta(metaRows, childRows, now);
  }

  get(id: number): Row | undefined {
    return this.rows.get(id);
  }

  /**
   * A value derived from this snapshot alone, built on first use: a snapshot never changes (a
   * write replaces it), so e.g. the sorted table scan of `dict` is not redone per request.
   */
  memo<T>(key: string, build: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = build();
    this.memos.set(key, value);
    return value;
  }

  /** a metadata row (up = 0) that is not a base type */
  isTypeRow(id: number): boolean {
    const r = this.rows.get(id);
    return !!r && r.up === 0 && r.id !== r.t;
  }

  /** base type id of a type row: its t when t is a base type, else (reference type) the target's base */
  baseOf(typeId: number): number {
    const r = this.rows.get(typeId);
    if (!r) return 0;
    if (r.t === r.id) return r.id;
    const tr = this.rows.get(r.t);
    if (tr && tr.t !== tr.id) return tr.t;
    return r.t;
  }

  /** PHP $GLOBALS["REV_BT"] for a type/term id */
  baseName(typeId: number): string {
    return BASE_NAMES[this.baseOf(typeId)] ?? '';
  }

  /** every row under a metadata row (requisites incl. self-descriptor), ord order */
  childRows(typeId: number): Row[] {
    return this.children.get(typeId) ?? [];
  }

  describeReq(r: Row): ReqInfo {
    const parsed = parseAttrs(r.val);
    const selfDescriptor = r.t === r.up && r.ord === 0;
    if (r.t === 1) {
      return {
        id: r.id, up: r.up, ord: r.ord, t: r.t, attrs: r.val, parsed, base: null, name: r.val,
        refTarget: 1, refTypeId: 1, arrType: null, multi: parsed.multi, selfDescriptor,
      };
    }
    const term = this.rows.get(r.t);
    const target = term ? this.rows.get(term.t) : undefined;
    const isRef = !!target && target.t !== target.id;
    const base = isRef ? target.t : term ? term.t : null;
    const name = isRef ? target.val : term ? term.val : '';
    let arrType: number | null = null;
    if (!isRef && term) {
      const termChildren = this.children.get(term.id);
      if (termChildren && termChildren.some((c) => c.ord === 1)) arrType = term.id;
    }
    return {
      id: r.id, up: r.up, ord: r.ord, t: r.t, attrs: r.val, parsed, base, name,
      refTarget: isRef ? target.id : null, refTypeId: isRef ? r.t : null, arrType,
      multi: parsed.multi, selfDescriptor,
    };
  }

  /** whether any column of any table is a FILE column (deletes look for files only then) */
  hasFileColumns(): boolean {
    if (this.fileColumns === undefined) {
      this.fileColumns = false;
      for (const list of this.children.values()) {
        if (list.some((r) => this.rows.get(r.t)?.t === 10 && r.up !== 0)) {
          this.fileColumns = true;
          break;
        }
      }
    }
    return this.fileColumns;
  }

  private fileColumns: boolean | undefined;

  /** the columns of a type, in order (no self-descriptor) */
  reqsOf(typeId: number): ReqInfo[] {
    return this.childRows(typeId)
      .filter((r) => !(r.t === r.up && r.ord === 0))
      .map((r) => this.describeReq(r));
  }

  /** a requisite row by id (must be under a metadata row) */
  req(reqId: number): ReqInfo | undefined {
    for (const list of this.children.values()) {
      const r = list.find((x) => x.id === reqId);
      if (r) return this.describeReq(r);
    }
    return undefined;
  }

  selfDescriptor(typeId: number): Row | undefined {
    return this.childRows(typeId).find((r) => r.t === typeId && r.ord === 0);
  }

  /** the reference-type row (up=0, t=target, val='') pointing at a table */
  refTypeOf(targetId: number): Row | undefined {
    let found: Row | undefined;
    for (const r of this.rows.values()) {
      if (r.up === 0 && r.t === targetId && r.val === '' && r.id !== r.t) {
        if (!found || r.id > found.id) found = r;
      }
    }
    return found;
  }
}

/** case-insensitive collation close to utf8mb4_unicode_ci for Latin and Cyrillic (ties: caller decides) */
export function collateCompare(a: string, b: string): number {
  const la = a.toLowerCase().replace(/ё/g, 'е').trimEnd();
  const lb = b.toLowerCase().replace(/ё/g, 'е').trimEnd();
  if (la < lb) return -1;
  if (la > lb) return 1;
  return 0;
}

export function collateEquals(a: string, b: string): boolean {
  return collateCompare(a, b) === 0;
}
