/**
 * Command dispatch after authentication: which module answers an action, and the
 * transaction every state-changing command runs in. Command modules never import
 * this one (the shared helpers live in their own modules), so it may import them all.
 */
import { EngineExit, type RequestContext } from './context.js';
import { numId, type CommandState } from './command-state.js';
import { runDdl, DDL_ALIASES } from './ddl.js';
import { runDml } from './dml.js';
import { objectList, getRecord, refReqs, deleteSelection, checkListAccess } from './lists.js';
import { editObjCard } from './card.js';
import { terms, dict, metadata, objMeta, editTypes, grantsList } from './schema.js';
import { report } from './report.js';
import { newDatabase } from './new-db.js';
import { repCols } from './rep-cols.js';
import { downloadFile } from './files.js';
import { dirAdmin } from './dir-admin.js';
import { importTable } from './table-import.js';
import { LEVEL, ROLE, ROLE_OBJECT, USER } from './ids.js';

export async function runCommand(ctx: RequestContext, s: CommandState): Promise<void> {
  const a = s.a;
  if (a.startsWith('_d_') || a.startsWith('_m_') || a === '_t_alias' || DDL_ALIASES[a] !== undefined) {
    if (!a.startsWith('_m_')) {
      await runWrite(ctx, s, () => runDdl(ctx, s), () => {
        ctx.core.invalidateMeta(ctx.db);
        ctx.core.invalidateSessions(ctx.db);
      });
    } else {
      const sessionsSafe = await writeLeavesSessionsAlone(ctx, s);
      await runWrite(ctx, s, () => runDml(ctx, s), () => {
        if (a === '_m_id' || a === '_m_move') ctx.core.invalidateMeta(ctx.db);
        if (!sessionsSafe) ctx.core.invalidateSessions(ctx.db);
      });
    }
    return;
  }
  if (a === 'object' && ctx.has('import') && ctx.session) {
    // the list's own checks come first (the engine's import block runs after them); the records are
    // written in one transaction; the answer is the table's list page, read after it
    const { fuNum: fu } = await checkListAccess(ctx, s);
    let structureChanged = false;
    await runWrite(ctx, s, async () => {
      structureChanged = await importTable(ctx, numId(s), fu);
    }, () => {
      ctx.core.invalidateSessions(ctx.db);
      if (structureChanged) ctx.core.invalidateMeta(ctx.db);
    });
    // a BKI file that made tables or columns: the list page reads the new structure
    if (structureChanged) ctx.meta = await ctx.core.meta(ctx.db, ctx.t);
    return objectList(ctx, s);
  }
  if (a === 'object' && ctx.has('_m_del_select')) {
    return runWrite(ctx, s, () => deleteSelection(ctx, s), () => ctx.core.invalidateSessions(ctx.db));
  }
  switch (a) {
    case 'terms':
      return terms(ctx);
    case 'metadata':
      return metadata(ctx, s);
    case 'obj_meta':
      return objMeta(ctx, s);
    case 'get_record':
      return getRecord(ctx, s);
    case '_ref_reqs':
      return refReqs(ctx, s);
    case 'dict':
      return dict(ctx);
    case 'edit_types':
      return editTypes(ctx);
    case 'grants':
      return grantsList(ctx);
    case 'object':
      return objectList(ctx, s);
    case 'edit_obj':
      return editObjCard(ctx, s);
    case 'report':
      return report(ctx, s);
    case '_new_db':
      return newDatabase(ctx);
    case 'rep_cols':
      return repCols(ctx);
    case 'download':
      return downloadFile(ctx, s);
    case 'dir_admin':
      return dirAdmin(ctx);
    case 'backup':
    case 'restore':
      return wholeDatabaseDump(ctx, a);
    default:
      // workplaces and other template pages are not part of the appliance's legacy API; in JSON
      // mode the engine answers them (and any unknown action) with its empty API data: `null`
      if (ctx.api) ctx.dieJson(null);
      ctx.dieText('');
  }
}

/**
 * Runs a state-changing command in one transaction (docs/compatibility.md, "Rejected requests change nothing"):
 * the command reads and writes through `ctx.t`, bound to the transaction. A refusal (any
 * EngineExit not marked as a success) or an exception rolls every write back; a success answer
 * given from inside the command (`successJson`) commits first. `afterCommit` (cache
 * invalidation) runs only once the transaction has committed. On a MySQL deadlock the store runs
 * the command again: the request state and the command state are reset before each attempt.
 */
export async function runWrite(ctx: RequestContext, s: CommandState, command: () => Promise<unknown>, afterCommit: () => void): Promise<void> {
  const restoreRequest = ctx.checkpoint();
  const initial = { ...s };
  const exit = await ctx.inTransaction(async () => {
    restoreRequest();
    Object.assign(s, initial);
    let result: EngineExit | null = null;
    try {
      await command();
    } catch (err) {
      if (err instanceof EngineExit && err.commits) result = err;
      else throw err;
    }
    // new files are written before the commit: a failed write rolls the rows back (files.ts)
    await writeFiles(ctx);
    return result;
  });
  afterCommit();
  await removeFiles(ctx);
  if (exit) throw exit;
}

async function writeFiles(ctx: RequestContext): Promise<void> {
  for (const change of ctx.fileChanges) if (change.kind === 'write') await ctx.core.files!.write(ctx.db, change.path, change.content);
}

/** files of deleted or replaced cells go once the rows are gone for good; a failure only leaves an orphan */
async function removeFiles(ctx: RequestContext): Promise<void> {
  const written = new Set(ctx.fileChanges.filter((c) => c.kind === 'write').map((c) => c.path));
  for (const change of ctx.fileChanges) {
    if (change.kind !== 'remove' || written.has(change.path) || !ctx.core.files) continue;
    try {
      await ctx.core.files.remove(ctx.db, change.path);
    } catch (err) {
      ctx.core.logger?.warn({ err: String(err), db: ctx.db, path: change.path }, 'could not remove a deleted file');
    }
  }
}

/** users, roles, grant records and levels: writes there change who may do what */
const SECURITY_TYPES = new Set([USER, ROLE, ROLE_OBJECT, LEVEL]);

/**
 * Cached sessions (auth.ts) stay valid across writes that cannot touch users,
 * roles or grants: record writes on other tables. Anything else drops the cache.
 */
async function writeLeavesSessionsAlone(ctx: RequestContext, s: CommandState): Promise<boolean> {
  const id = numId(s);
  if (s.a === '_m_new') {
    if (SECURITY_TYPES.has(id)) return false;
    const up = ctx.has('up') ? Math.trunc(Number(ctx.str('up')) || 0) : 0;
    if (up <= 1) return true;
    const parent = await ctx.t.get(up);
    return !!parent && !SECURITY_TYPES.has(parent.t);
  }
  if (s.a === '_m_set' || s.a === '_m_save') {
    const rec = id > 0 ? await ctx.t.get(id) : null;
    return !!rec && rec.up === 1 && !SECURITY_TYPES.has(rec.t);
  }
  return false;
}

/**
 * The engine's whole-database dump (`backup`) and the INSERT text it makes of one (`restore`): the
 * engine's own refusal for a user without EXPORT on everything (not the admin, not the owner), as
 * PHP; for the others a deliberate refusal (docs/compatibility.md): the dump holds every password
 * hash, token and xsrf value of the database and would lie in the file manager's folder, where a
 * user with a grant on the files reads it. The server's own backups (console, admin API) hold every
 * database with its folders and restore them.
 */
function wholeDatabaseDump(ctx: RequestContext, a: 'backup' | 'restore'): never {
  const g = ctx.session!;
  if (!g.grants.exportable.has('1') && g.user !== 'admin' && g.user !== ctx.db) {
    ctx.dieText(a === 'backup' ? 'У вас нет прав на выгрузку базы' : 'У вас нет прав на импорт базы');
  }
  ctx.myDie(
    a === 'backup'
      ? 'Команда backup на этом сервере отключена: дамп базы содержит хэши паролей и токены. Используйте резервные копии сервера (консоль администратора, раздел «Резервные копии»)'
      : 'Команда restore на этом сервере отключена. Восстановление базы — из резервных копий сервера (консоль администратора, раздел «Резервные копии»)',
    403,
  );
}
