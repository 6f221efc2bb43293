/**
 * ApplianceStore over SQL: the `integram_appliance_docs` table (created by migrations.ts).
 * Times are stored as epoch milliseconds (BIGINT) so both dialects agree without time zones.
 * An expired document counts as absent everywhere (get, list, create, increment).
 */
import type { ApplianceDoc, ApplianceStore } from '../types.js';
import type { Dialect } from './dialect.js';
import { type SqlExecutor, type SqlRow, toInt, toText } from './executor.js';

export const APPLIANCE_DOCS_TABLE = 'integram_appliance_docs';

type DocOptions = { ref?: string | null; expiresAt?: Date | null };

function msOrNull(date: Date | null | undefined): number | null {
  return date ? date.getTime() : null;
}

function docFromSql<T>(r: SqlRow): ApplianceDoc<T> {
  const expires = r.expires_at === null || r.expires_at === undefined ? null : new Date(toInt(r.expires_at));
  return {
    kind: toText(r.kind),
    id: toText(r.id),
    ref: r.ref === null || r.ref === undefined ? null : toText(r.ref),
    body: JSON.parse(toText(r.body)) as T,
    createdAt: new Date(toInt(r.created_at)),
    updatedAt: new Date(toInt(r.updated_at)),
    expiresAt: expires,
  };
}

export class SqlApplianceStore implements ApplianceStore {
  private readonly tbl: string;
  constructor(private readonly ex: SqlExecutor, private readonly d: Dialect) {
    this.tbl = d.quote(APPLIANCE_DOCS_TABLE);
  }

  private get mysql(): boolean {
    return this.d.name === 'mysql';
  }

  async get<T>(kind: string, id: string): Promise<ApplianceDoc<T> | null> {
    const p = this.d.newParams();
    const rows = await this.ex.query(
      `SELECT * FROM ${this.tbl} WHERE kind = ${p.add(kind)} AND id = ${p.add(id)}
       AND (expires_at IS NULL OR expires_at > ${p.add(Date.now())})`, p.values);
    return rows.length > 0 ? docFromSql<T>(rows[0]) : null;
  }

  async put<T>(kind: string, id: string, body: T, options: DocOptions = {}): Promise<void> {
    const now = Date.now();
    const p = this.d.newParams();
    const values = [kind, id, options.ref ?? null, JSON.stringify(body), now, now, msOrNull(options.expiresAt)]
      .map((v) => p.add(v)).join(', ');
    const upsert = this.mysql
      ? `ON DUPLICATE KEY UPDATE ref = VALUES(ref), body = VALUES(body), updated_at = VALUES(updated_at), expires_at = VALUES(expires_at)`
      : `ON CONFLICT (kind, id) DO UPDATE SET ref = EXCLUDED.ref, body = EXCLUDED.body, updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at`;
    await this.ex.run(
      `INSERT INTO ${this.tbl} (kind, id, ref, body, created_at, updated_at, expires_at) VALUES (${values}) ${upsert}`,
      p.values);
  }

  async create<T>(kind: string, id: string, body: T, options: DocOptions = {}): Promise<boolean> {
    const now = Date.now();
    const p = this.d.newParams();
    const values = [kind, id, options.ref ?? null, JSON.stringify(body), now, now, msOrNull(options.expiresAt)]
      .map((v) => p.add(v)).join(', ');
    const sql = this.mysql
      ? `INSERT IGNORE INTO ${this.tbl} (kind, id, ref, body, created_at, updated_at, expires_at) VALUES (${values})`
      : `INSERT INTO ${this.tbl} (kind, id, ref, body, created_at, updated_at, expires_at) VALUES (${values}) ON CONFLICT (kind, id) DO NOTHING`;
    if ((await this.ex.run(sql, p.values)).affected === 1) return true;
    // it exists; an expired one is as good as absent: take it over. The row lock makes one racer win.
    const u = this.d.newParams();
    const taken = await this.ex.run(
      `UPDATE ${this.tbl} SET ref = ${u.add(options.ref ?? null)}, body = ${u.add(JSON.stringify(body))},
         created_at = ${u.add(now)}, updated_at = ${u.add(now)}, expires_at = ${u.add(msOrNull(options.expiresAt))}
       WHERE kind = ${u.add(kind)} AND id = ${u.add(id)} AND expires_at IS NOT NULL AND expires_at <= ${u.add(now)}`,
      u.values);
    return taken.affected === 1;
  }

  async delete(kind: string, id: string): Promise<boolean> {
    const p = this.d.newParams();
    const result = await this.ex.run(`DELETE FROM ${this.tbl} WHERE kind = ${p.add(kind)} AND id = ${p.add(id)}`, p.values);
    return result.affected > 0;
  }

  async list<T>(kind: string, options: { ref?: string; limit?: number } = {}): Promise<ApplianceDoc<T>[]> {
    const p = this.d.newParams();
    const conds = [`kind = ${p.add(kind)}`, `(expires_at IS NULL OR expires_at > ${p.add(Date.now())})`];
    if (options.ref !== undefined) conds.push(`ref = ${p.add(options.ref)}`);
    let sql = `SELECT * FROM ${this.tbl} WHERE ${conds.join(' AND ')} ORDER BY created_at, id`;
    if (options.limit !== undefined) {
      if (!Number.isSafeInteger(options.limit) || options.limit < 0) throw new Error('invalid limit');
      sql += ` LIMIT ${options.limit}`;
    }
    return (await this.ex.query(sql, p.values)).map((r) => docFromSql<T>(r));
  }

  async deleteByRef(kind: string, ref: string): Promise<number> {
    const p = this.d.newParams();
    const result = await this.ex.run(`DELETE FROM ${this.tbl} WHERE kind = ${p.add(kind)} AND ref = ${p.add(ref)}`, p.values);
    return result.affected;
  }

  /**
   * Counter documents: body is a JSON number. An expired counter restarts at `by` with the
   * new expiry; a live one keeps its expiry (a fixed window, as rate limits want).
   */
  async increment(kind: string, id: string, by: number, options: { expiresAt?: Date | null } = {}): Promise<number> {
    if (!Number.isFinite(by)) throw new Error('increment: by must be a finite number');
    const now = Date.now();
    const expires = msOrNull(options.expiresAt);
    return this.ex.inTransaction(async (tx) => {
      const p = this.d.newParams();
      const kindPh = p.add(kind);
      const idPh = p.add(id);
      const insertValues = `${kindPh}, ${idPh}, NULL, ${p.add(String(by))}, ${p.add(now)}, ${p.add(now)}, ${p.add(expires)}`;
      let sql: string;
      if (this.mysql) {
        // '?' placeholders bind in text order, so each p.add call sits where its '?' appears.
        // Assignments run left to right: body is computed while expires_at still holds the old value.
        const expired = () => `(expires_at IS NOT NULL AND expires_at <= ${p.add(now)})`;
        const bodySql = `body = IF(${expired()}, ${p.add(String(by))}, CAST(CAST(body AS DECIMAL(30,6)) + ${p.add(by)} AS CHAR))`;
        const expiresSql = `expires_at = IF(${expired()}, ${p.add(expires)}, COALESCE(expires_at, ${p.add(expires)}))`;
        const updatedSql = `updated_at = ${p.add(now)}`;
        sql = `INSERT INTO ${this.tbl} (kind, id, ref, body, created_at, updated_at, expires_at) VALUES (${insertValues})
          ON DUPLICATE KEY UPDATE ${bodySql}, ${expiresSql}, ${updatedSql}`;
      } else {
        sql = `INSERT INTO ${this.tbl} AS d (kind, id, ref, body, created_at, updated_at, expires_at) VALUES (${insertValues})
          ON CONFLICT (kind, id) DO UPDATE SET
            body = CASE WHEN d.expires_at IS NOT NULL AND d.expires_at <= ${p.add(now)} THEN EXCLUDED.body
                        ELSE (CAST(d.body AS numeric) + CAST(EXCLUDED.body AS numeric))::text END,
            expires_at = CASE WHEN d.expires_at IS NOT NULL AND d.expires_at <= ${p.add(now)} THEN EXCLUDED.expires_at
                              ELSE COALESCE(d.expires_at, EXCLUDED.expires_at) END,
            updated_at = EXCLUDED.updated_at`;
      }
      await tx.run(sql, p.values);
      const q = this.d.newParams();
      const rows = await tx.query(`SELECT body FROM ${this.tbl} WHERE kind = ${q.add(kind)} AND id = ${q.add(id)}`, q.values);
      return Number(JSON.parse(toText(rows[0].body)));
    });
  }

  async exportDocs(): Promise<ApplianceDoc[]> {
    const p = this.d.newParams();
    const rows = await this.ex.query(
      `SELECT * FROM ${this.tbl} WHERE expires_at IS NULL OR expires_at > ${p.add(Date.now())} ORDER BY kind, id`, p.values);
    return rows.map((r) => docFromSql(r));
  }

  async importDocs(docs: readonly ApplianceDoc[]): Promise<void> {
    await this.ex.inTransaction(async (tx) => {
      for (const doc of docs) {
        const p = this.d.newParams();
        const values = [doc.kind, doc.id, doc.ref, JSON.stringify(doc.body), doc.createdAt.getTime(), doc.updatedAt.getTime(), msOrNull(doc.expiresAt)]
          .map((v) => p.add(v)).join(', ');
        await tx.run(`INSERT INTO ${this.tbl} (kind, id, ref, body, created_at, updated_at, expires_at) VALUES (${values})`, p.values);
      }
    });
  }

  async deleteExpired(now: Date = new Date()): Promise<number> {
    const p = this.d.newParams();
    const result = await this.ex.run(
      `DELETE FROM ${this.tbl} WHERE expires_at IS NOT NULL AND expires_at <= ${p.add(now.getTime())}`, p.values);
    return result.affected;
  }
}
