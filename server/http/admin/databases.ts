/**
 * GET /databases, POST /databases (from a template, with its first Integram user: login and password
 * of its admin), GET /databases/{db}/export (rows as JSON or
 * CSV), POST /databases/{db}/import (rows as JSON or CSV; a new database may be created).
 */
import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  createDatabase, DatabaseBusyError, DatabaseExistsError, databaseSummary, ImportNameError, importDatabaseRows, listDatabaseSummaries,
  type DatabaseDeps,
} from '../../appliance/databases.js';
import { TemplateError } from '../../appliance/templates.js';
import { UserWriteError } from '../../engine/index.js';
import { checkNewDbName, isRoutableDbName } from '../../storage/db-names.js';
import { CsvError, csvToRows, rowsToCsv } from '../../storage/rows-csv.js';
import { rowsFileSchema } from '../../storage/rows-file.js';
import type { Row, Store } from '../../storage/types.js';
import { LOGIN_RULE, passwordProblems } from '../api/schemas.js';
import { HttpError, issueFields } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';

const importSchema = rowsFileSchema.extend({ replace: z.boolean().optional() });

function invalidRequest(message: string, details?: Record<string, string>): HttpError {
  return new HttpError(400, message, 'invalid_request', { details });
}

function noSuchDatabase(db: string): HttpError {
  return new HttpError(404, `no database named "${db}"`, 'database_not_found', { params: { name: db } });
}

/** JSON {rows, replace?} or CSV (Content-Type text/csv, `?replace=true`) -> validated rows. */
function importedRows(req: Request): { rows: Row[]; replace: boolean } {
  if (req.is('text/csv')) {
    if (typeof req.body !== 'string') throw invalidRequest('expected CSV text with the header id,up,ord,t,val');
    let rows: Row[];
    try {
      rows = csvToRows(req.body);
    } catch (err) {
      if (err instanceof CsvError) throw invalidRequest(err.message);
      throw err;
    }
    const checked = rowsFileSchema.safeParse({ rows });
    if (!checked.success) throw invalidRequest('a row is out of range', issueFields(checked.error, '_body'));
    return { rows: checked.data.rows, replace: req.query.replace === 'true' || req.query.replace === '1' };
  }
  const parsed = importSchema.safeParse(req.body);
  if (!parsed.success) throw invalidRequest('expected {"rows": [{id, up, ord, t, val}, ...], "replace"?: boolean}', issueFields(parsed.error, '_body'));
  return { rows: parsed.data.rows, replace: parsed.data.replace === true };
}

export function bindDatabaseRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { deps } = ctx;
  const databaseDeps = (store: Store): DatabaseDeps => ({ store, templatesDir: ctx.templatesDir, salt: deps.config.AUTH_SALT, invalidate: deps.invalidate });

  const list: RequestHandler = async (_req, res) => {
    res.json({ databases: await listDatabaseSummaries(ctx.store()) });
  };

  const create: RequestHandler = async (req, res) => {
    const store = ctx.store();
    const body = (req.body ?? {}) as { name?: unknown; template?: unknown; adminLogin?: unknown; adminPassword?: unknown };
    if (typeof body.name !== 'string') throw invalidRequest('the database name is required', { name: 'required' });
    const check = checkNewDbName(body.name);
    if (!check.ok) throw new HttpError(422, check.reason, 'invalid_name', { details: { name: check.reason } });
    const template = typeof body.template === 'string' && body.template !== '' ? body.template : 'en';
    // a database nobody can log in to is of no use: its first Integram user, with the admin role
    const adminLogin = typeof body.adminLogin === 'string' ? body.adminLogin.trim() : '';
    const adminPassword = typeof body.adminPassword === 'string' ? body.adminPassword : '';
    if (!LOGIN_RULE.test(adminLogin)) {
      throw new HttpError(422, 'the admin login is 3 to 64 letters, digits or . _ @ -, starting with a letter or digit', 'invalid_login', {
        details: { adminLogin: 'invalid' },
      });
    }
    const problems = passwordProblems(adminPassword, adminLogin);
    if (problems.length > 0) throw new HttpError(422, problems.join(' '), 'weak_password', { details: { adminPassword: problems.join(' ') } });
    try {
      await createDatabase(databaseDeps(store), {
        name: check.name, source: { template }, owner: { login: adminLogin, password: adminPassword, roleName: 'admin' },
      });
    } catch (err) {
      if (err instanceof TemplateError) throw new HttpError(422, err.message, 'invalid_template', { details: { template: err.message } });
      // a template without a user table or an admin role: nothing was kept
      if (err instanceof UserWriteError) throw new HttpError(422, err.message, 'invalid_template', { details: { template: err.message } });
      if (err instanceof DatabaseExistsError || err instanceof DatabaseBusyError) {
        throw new HttpError(409, `the database "${check.name}" already exists`, 'exists', { details: { name: 'already exists' }, params: { name: check.name }, fieldCodes: { name: { code: 'exists' } } });
      }
      throw err;
    }
    deps.logger.info({ db: check.name, template, adminLogin }, 'database created from the console');
    res.status(201).json(await databaseSummary(store, check.name));
  };

  const exportRows: RequestHandler = async (req, res) => {
    const store = ctx.store();
    const db = String(req.params.db).toLowerCase();
    if (!isRoutableDbName(db) || !(await store.databaseExists(db))) throw noSuchDatabase(db);
    const rows = await store.exportRows(db);
    if (req.query.format === 'csv') {
      res.setHeader('Content-Disposition', `attachment; filename="${db}-rows.csv"`);
      res.type('text/csv; charset=utf-8').send(rowsToCsv(rows));
      return;
    }
    res.setHeader('Content-Disposition', `attachment; filename="${db}-rows.json"`);
    res.type('application/json').send(JSON.stringify({ rows }));
  };

  const importRows: RequestHandler = async (req, res) => {
    const store = ctx.store();
    const db = String(req.params.db).toLowerCase();
    const { rows, replace } = importedRows(req);
    if (!isRoutableDbName(db)) throw noSuchDatabase(db);
    try {
      await importDatabaseRows(databaseDeps(store), db, rows, { replace });
    } catch (err) {
      if (err instanceof ImportNameError) throw new HttpError(422, err.message, 'invalid_name', { details: { name: err.message } });
      throw err;
    }
    deps.logger.info({ db, rows: rows.length, replace }, 'rows imported from the console');
    res.json({ ok: true, rows: rows.length });
  };

  routes.protected.get('/databases', list);
  routes.protected.post('/databases', create);
  routes.protected.get('/databases/:db/export', exportRows);
  routes.protected.post('/databases/:db/import', express.text({ type: 'text/csv', limit: ctx.bodyLimit }), importRows);
}
