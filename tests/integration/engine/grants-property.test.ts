/**
 * Grants as a property: random roles (table, column and "all objects" grants at WRITE, READ or
 * BARRED, with EXPORT and DELETE flags) given to fresh users, who then send random commands
 * (_m_new, _m_set, _m_save, _m_del, _m_del_batch, _m_move, lists, the card, the export button).
 * A small model of the PHP engine's rules, written here from its source independently of
 * server/engine, says what each command may do; the server must allow exactly that, and a refused
 * command must leave every row as it was (activity timestamps aside).
 *
 * The model (the engine's Grant_1level and Check_Grant for independent records, see docs/legacy-api.md "Grants"):
 * - table level of T: an explicit READ/WRITE on T; else (no grant on T) READ/WRITE on 1; else READ
 *   when the referencing table has an explicit READ/WRITE; else none;
 * - a record: the first grant that is set among T, 1 decides; a cell of column C: among C, T, 1;
 *   READ is met by READ or WRITE, WRITE by WRITE only;
 * - _m_new needs WRITE at table level and WRITE on every submitted cell; _m_set WRITE on the cell;
 *   _m_save WRITE on the record to rename it and on each changed cell; _m_del WRITE on the record (and
 *   no references to it); _m_move to the root WRITE on the record and at table level; _m_del_batch
 *   DELETE on the table or on 1, or WRITE at table level; lists need the table level; the card needs
 *   READ on the record (our deliberate difference: the engine shows any card); the export button
 *   shows with EXPORT on the table or on 1.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../../server/storage/types.js';
import { startLegacyServer } from '../../support/legacy.js';
import { Client, STORES, TestServer } from './harness.js';

type Level = 'WRITE' | 'READ' | 'BARRED';
const LEVEL_ROW: Record<Level, number> = { WRITE: 170, READ: 171, BARRED: 172 };
const ROLE_TABLE = 42;
const ROLE_OBJECT = 116;
const EXPORT_FLAG = 55;
const DELETE_FLAG = 56;
const ACTIVITY = 124;

interface Schema {
  client: number;
  city: number;
  phone: number;
  note: number;
  cityCol: number;
}

interface RoleSpec {
  levels: Map<number, Level>;
  exportable: Set<number>;
  deletable: Set<number>;
}

class Model {
  constructor(private readonly s: Schema, private readonly role: RoleSpec) {}

  private lv(obj: number): Level | undefined {
    return this.role.levels.get(obj);
  }

  private static passes(level: Level | undefined, want: 'READ' | 'WRITE'): boolean {
    return level === want || level === 'WRITE';
  }

  tableLevel(table: number): 'READ' | 'WRITE' | null {
    const own = this.lv(table);
    if (own !== undefined) {
      if (own !== 'BARRED') return own;
    } else {
      const root = this.lv(1);
      if (root === 'READ' || root === 'WRITE') return root;
    }
    // the city table is referenced by the client table's City column
    if (table === this.s.city) {
      const ref = this.lv(this.s.client);
      if (ref === 'READ' || ref === 'WRITE') return 'READ';
    }
    return null;
  }

  private firstSet(objs: number[]): Level | undefined {
    for (const o of objs) if (this.lv(o) !== undefined) return this.lv(o);
    return undefined;
  }

  record(table: number, want: 'READ' | 'WRITE'): boolean {
    return Model.passes(this.firstSet([table, 1]), want);
  }

  cell(col: number, want: 'READ' | 'WRITE'): boolean {
    return Model.passes(this.firstSet([col, this.s.client, 1]), want);
  }

  exportButton(table: number): boolean {
    return this.role.exportable.has(table) || this.role.exportable.has(1);
  }

  batchDelete(table: number): boolean {
    return this.role.deletable.has(table) || this.role.deletable.has(1) || this.tableLevel(table) === 'WRITE';
  }
}

type Command =
  | { kind: 'new'; cols: number[] }
  | { kind: 'set'; rec: number; col: number }
  | { kind: 'save'; rec: number; rename: boolean; cols: number[] }
  | { kind: 'del'; rec: number }
  | { kind: 'delCity'; referenced: boolean }
  | { kind: 'delBatch'; recs: number[] }
  | { kind: 'move'; rec: number }
  | { kind: 'list'; city: boolean }
  | { kind: 'card'; rec: number };

const levelArb = fc.constantFrom<Level | undefined>('WRITE', 'READ', 'BARRED', undefined, undefined);

function commandArb(): fc.Arbitrary<Command> {
  const rec = fc.integer({ min: 0, max: 2 });
  const colIdx = fc.integer({ min: 0, max: 2 });
  return fc.oneof(
    fc.record({ kind: fc.constant('new' as const), cols: fc.uniqueArray(colIdx, { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('set' as const), rec, col: colIdx }),
    fc.record({ kind: fc.constant('save' as const), rec, rename: fc.boolean(), cols: fc.uniqueArray(colIdx, { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('del' as const), rec }),
    fc.record({ kind: fc.constant('delCity' as const), referenced: fc.boolean() }),
    fc.record({ kind: fc.constant('delBatch' as const), recs: fc.uniqueArray(rec, { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('move' as const), rec }),
    fc.record({ kind: fc.constant('list' as const), city: fc.boolean() }),
    fc.record({ kind: fc.constant('card' as const), rec }),
  );
}

/** rows that a read or a refusal may change: activity timestamps */
function snapshot(rows: Row[]): string {
  return JSON.stringify(rows.filter((r) => r.t !== ACTIVITY).map((r) => [r.id, r.up, r.ord, r.t, r.val]));
}

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`grants as a property on ${kind.name}`, () => {
    let server: TestServer;
    let admin: Client;
    let s: Schema;
    let run = 0;
    beforeAll(async () => {
      server = await TestServer.start(kind);
      admin = new Client(server);
      expect((await admin.login('tester', 'tester-pass-1')).status).toBe(200);
      const city = await admin.table('City', 3, []);
      const client = await admin.table('Client', 3, [{ name: 'Phone', base: 3 }, { name: 'Note', base: 3 }]);
      const ref = await admin.post(`_d_ref/${city.type}?JSON`);
      const cityCol = await admin.post(`_d_req/${client.type}?JSON`, { t: String((ref.json as { obj: number }).obj) });
      s = { client: client.type, city: city.type, phone: client.cols[0], note: client.cols[1], cityCol: Number((cityCol.json as { id: number }).id) };
    }, 120_000);
    afterAll(async () => server?.stop(), 120_000);

    /** a role with these grants and a user holding it, written as the engine stores them */
    async function userWith(role: RoleSpec): Promise<Client> {
      run++;
      const t = server.store.tenant('my');
      const roleId = await t.insert({ up: 1, ord: 1, t: ROLE_TABLE, val: `Role ${run}` });
      const objs = new Set([...role.levels.keys(), ...role.exportable, ...role.deletable]);
      for (const obj of objs) {
        const g = await t.insert({ up: roleId, ord: 1, t: ROLE_OBJECT, val: String(obj) });
        const level = role.levels.get(obj);
        if (level) await t.insert({ up: g, ord: 1, t: LEVEL_ROW[level], val: '136' });
        if (role.exportable.has(obj)) await t.insert({ up: g, ord: 1, t: EXPORT_FLAG, val: '1' });
        if (role.deletable.has(obj)) await t.insert({ up: g, ord: 1, t: DELETE_FLAG, val: '1' });
      }
      const login = `user${run}`;
      const userId = await t.insert({ up: 1, ord: 1, t: 18, val: login });
      await t.insert({ up: userId, ord: 1, t: 20, val: createHash('sha512').update(`oracle-saltmy${login}-pass`).digest('hex') });
      await t.insert({ up: userId, ord: 1, t: roleId, val: '115' });
      const c = new Client(server);
      expect((await c.login(login, `${login}-pass`)).status).toBe(200);
      return c;
    }

    it('allows what the engine allows, refuses the rest and a refusal changes no row', async () => {
      const cols = (): number[] => [s.phone, s.note, s.cityCol];
      const objects = (): number[] => [s.client, s.city, s.phone, s.note, s.cityCol, 1];
      const roleArb = fc.record({
        levels: fc.array(levelArb, { minLength: 6, maxLength: 6 }),
        exportable: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }),
        deletable: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }),
      });
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(roleArb, fc.array(commandArb(), { minLength: 3, maxLength: 6 }), async (spec, commands) => {
          const role: RoleSpec = { levels: new Map(), exportable: new Set(), deletable: new Set() };
          spec.levels.forEach((l, i) => {
            if (l) role.levels.set(objects()[i], l);
          });
          for (const i of spec.exportable) role.exportable.add([s.client, s.city, 1][i % 3]);
          for (const i of spec.deletable) role.deletable.add([s.client, s.city, 1][i % 3]);
          const model = new Model(s, role);
          // fresh records for this run: three clients, a city they point at, a city nobody uses
          const usedCity = await admin.record(s.city, { [`t${s.city}`]: `Used ${run}` });
          const freeCity = await admin.record(s.city, { [`t${s.city}`]: `Free ${run}` });
          const recs: number[] = [];
          for (let i = 0; i < 3; i++) {
            recs.push(await admin.record(s.client, { [`t${s.client}`]: `C${run}-${i}`, [`t${s.phone}`]: `p${i}`, [`t${s.note}`]: `n${i}`, [`t${s.cityCol}`]: String(usedCity) }));
          }
          const gone = new Set<number>();
          // the city each client points at: a write to the City column always switches it, so it always changes
          const cityOf = new Map(recs.map((r) => [r, usedCity]));
          const otherCity = (rec: number | null): number => (rec !== null && cityOf.get(rec) === freeCity ? usedCity : freeCity);
          const user = await userWith(role);
          let n = 0;
          for (const cmd of commands) {
            n++;
            const fresh = `v${run}-${n}`;
            const colValue = (col: number, rec: number | null): string => (col === s.cityCol ? String(otherCity(rec)) : fresh);
            const touchesGoneCity = (colsUsed: number[], rec: number | null): boolean => colsUsed.includes(s.cityCol) && gone.has(otherCity(rec));
            const before = snapshot(await server.store.exportRows('my'));
            let allowed: boolean;
            let answer;
            let writes = true;
            switch (cmd.kind) {
              case 'new': {
                const submitted = cmd.cols.map((i) => cols()[i]);
                if (touchesGoneCity(submitted, null)) continue;
                allowed = model.tableLevel(s.client) === 'WRITE' && submitted.every((c) => model.cell(c, 'WRITE'));
                const form: Record<string, string> = { up: '1', [`t${s.client}`]: `New ${fresh}` };
                for (const c of submitted) form[`t${c}`] = colValue(c, null);
                answer = await user.post(`_m_new/${s.client}?JSON`, form);
                break;
              }
              case 'set': {
                const col = cols()[cmd.col];
                const rec = recs[cmd.rec];
                if (gone.has(rec) || touchesGoneCity([col], rec)) continue;
                allowed = model.cell(col, 'WRITE');
                answer = await user.post(`_m_set/${rec}?JSON`, { [`t${col}`]: colValue(col, rec) });
                if (allowed && col === s.cityCol) cityOf.set(rec, otherCity(rec));
                break;
              }
              case 'save': {
                const rec = recs[cmd.rec];
                const changed = cmd.cols.map((i) => cols()[i]);
                if (gone.has(rec) || touchesGoneCity(changed, rec)) continue;
                allowed = (!cmd.rename || model.record(s.client, 'WRITE')) && changed.every((c) => model.cell(c, 'WRITE'));
                const form: Record<string, string> = {};
                if (cmd.rename) form[`t${s.client}`] = `Renamed ${fresh}`;
                for (const c of changed) form[`t${c}`] = colValue(c, rec);
                if (!Object.keys(form).length) continue;
                answer = await user.post(`_m_save/${rec}?JSON`, form);
                if (allowed && changed.includes(s.cityCol)) cityOf.set(rec, otherCity(rec));
                break;
              }
              case 'del': {
                if (gone.has(recs[cmd.rec])) continue;
                allowed = model.record(s.client, 'WRITE');
                answer = await user.post(`_m_del/${recs[cmd.rec]}?JSON`);
                if (allowed) gone.add(recs[cmd.rec]);
                break;
              }
              case 'delCity': {
                const target = cmd.referenced ? usedCity : freeCity;
                if (gone.has(target)) continue;
                const referenced = (await server.store.tenant('my').find({ t: target }, { limit: 1 })).length > 0;
                const may = model.record(s.city, 'WRITE');
                allowed = may && !referenced;
                answer = await user.post(`_m_del/${target}?JSON`);
                if (allowed) gone.add(target);
                break;
              }
              case 'delBatch': {
                const ids = cmd.recs.map((i) => recs[i]);
                allowed = model.batchDelete(s.client);
                answer = await user.post(`_m_del_batch/${s.client}?JSON`, { ids: ids.join(',') });
                if (allowed) for (const id of ids) gone.add(id);
                break;
              }
              case 'move': {
                if (gone.has(recs[cmd.rec])) continue;
                allowed = model.record(s.client, 'WRITE') && model.tableLevel(s.client) === 'WRITE';
                answer = await user.post(`_m_move/${recs[cmd.rec]}?JSON`, { up: '1' });
                break;
              }
              case 'list': {
                writes = false;
                const table = cmd.city ? s.city : s.client;
                allowed = model.tableLevel(table) !== null;
                answer = await user.get(`object/${table}?JSON`);
                if (allowed && answer.status === 200) {
                  const body = answer.json as Record<string, unknown>;
                  expect('&main.a.&uni_obj.&export' in body, `export button of ${table}`).toBe(model.exportButton(table));
                }
                break;
              }
              case 'card': {
                writes = false;
                if (gone.has(recs[cmd.rec])) continue;
                allowed = model.record(s.client, 'READ');
                answer = await user.get(`edit_obj/${recs[cmd.rec]}?JSON`);
                break;
              }
            }
            const after = snapshot(await server.store.exportRows('my'));
            const ok = answer.status === 200 && answer.json !== undefined && !(Array.isArray(answer.json) && (answer.json[0] as { error?: string })?.error);
            const context = `${JSON.stringify(cmd)} with ${JSON.stringify([...role.levels])} export ${JSON.stringify([...role.exportable])} delete ${JSON.stringify([...role.deletable])}: ${answer.status} ${answer.text.slice(0, 200)}`;
            expect(ok, context).toBe(allowed);
            expect(answer.status, context).toBeLessThan(500);
            if (!allowed || !writes) expect(after, `rows changed by ${context}`).toBe(before);
            checked++;
          }
        }),
        { numRuns: 30, seed: 20261207, endOnFailure: true },
      );
      expect(checked).toBeGreaterThan(80);
    }, 120_000);

    it('a grant removed through the API binds at once on the instance that wrote it and on another within the cache lifetime', async () => {
      const ttl = 400;
      const other = await startLegacyServer(() => server.store, { cacheTtlMs: ttl });
      try {
        const user = await userWith({ levels: new Map([[s.city, 'READ']]), exportable: new Set(), deletable: new Set() });
        const onOther = async (path: string): Promise<number> => (await fetch(`${other.url}/my/${path}`, { headers: { 'X-Authorization': user.token } })).status;
        expect((await user.get(`object/${s.city}?JSON`)).status).toBe(200);
        expect(await onOther(`object/${s.city}?JSON`)).toBe(200);
        const grant = (await server.store.tenant('my').find({ t: ROLE_OBJECT, val: String(s.city) })).at(-1)!;
        expect((await admin.post(`_m_del/${grant.id}?JSON`)).status).toBe(200);
        expect((await user.get(`object/${s.city}?JSON`)).status).toBe(403);
        await new Promise((resolve) => setTimeout(resolve, ttl + 100));
        expect(await onOther(`object/${s.city}?JSON`)).toBe(403);
      } finally {
        await other.close();
      }
    }, 60_000);
  });
}
