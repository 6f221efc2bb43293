/**
 * `_new_db`: a user of the private-space database `my` makes a database of their own from a
 * template, as the PHP engine does (docs/legacy-api.md, "_new_db"). The checks run in the engine's
 * order and answer its texts; the database itself is made by the host's create-from-template
 * (NewDatabasePort), all or nothing, and registered in `my` under the user.
 */
import { MYSQL_RESERVED_WORDS, RESERVED_TENANT_NAMES } from '../storage/db-names.js';
import type { TenantStore } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { ACTIVITY, ADMIN_ROLE, EMAIL, TOKEN, USER, XSRF } from './ids.js';
import { dateYmd, microtimeString } from './php.js';

/** The private-space database: the only one `_new_db` runs in. */
export const PRIVATE_SPACE = 'my';
/** Records of `my` that register a user's database, and their requisites. */
export const DATABASE = 271;
export const DATABASE_DATE = 275;
export const DATABASE_NOTES = 276;
export const DATABASE_TEMPLATE = 283;
/** The user table's date requisite and the role requisite of the templates (the engine writes these ids as they are). */
export const USER_DATE = 156;
export const USER_ROLE_REQUISITE = '115';
/** The user's name requisite in `my` (joined by the engine's count of databases). */
export const USER_NAME = 33;
/** Plan records: a requisite of the user whose value is 1143; its type below 1147 is the free plan. */
const PLAN_VALUE = '1143';
const FIRST_PAID_PLAN = 1147;
const FREE_PLAN_DATABASES = 3;
/** The engine's name rule for a new database: 3–15 letters, digits or `_`, starting with a letter. */
export const NEW_DB_NAME = /^[a-z]\w{2,14}$/i;
/** Lifetimes (s) of the cookies the engine sets for the new database. */
export const TOKEN_COOKIE_SECONDS = 2592000 * 12;
export const LOCALE_COOKIE_SECONDS = 2592000000;

export function reservedName(name: string): boolean {
  return RESERVED_TENANT_NAMES.has(name) || MYSQL_RESERVED_WORDS.has(name);
}

/**
 * PHP newDb(): the owner of a new database (login = its name, the admin role) holding the token and
 * xsrf of the user who made it, so the same sign-in opens it; e-mail and name when known.
 */
export async function insertOwner(tx: TenantStore, owner: { db: string; nowMs: number; token: string; xsrf: string; email?: string; name?: string }): Promise<void> {
  const userId = await tx.insert({ up: 1, ord: 0, t: USER, val: owner.db });
  await tx.insert({ up: userId, ord: 1, t: USER_DATE, val: dateYmd(owner.nowMs / 1000) });
  if (owner.email) await tx.insert({ up: userId, ord: 1, t: EMAIL, val: owner.email });
  if (owner.name) await tx.insert({ up: userId, ord: 1, t: USER_NAME, val: owner.name });
  await tx.insert({ up: userId, ord: 1, t: ADMIN_ROLE, val: USER_ROLE_REQUISITE });
  await tx.insert({ up: userId, ord: 1, t: TOKEN, val: owner.token });
  await tx.insert({ up: userId, ord: 1, t: XSRF, val: owner.xsrf });
  await tx.insert({ up: userId, ord: 1, t: ACTIVITY, val: microtimeString(owner.nowMs) });
}

/** How many databases the engine counts for the user, and the user's plan (its joins included). */
async function countedDatabases(t: TenantStore, userId: number): Promise<{ databases: number; plan: number }> {
  const registered = await t.count({ up: userId, t: DATABASE });
  if (registered === 0) return { databases: 0, plan: 0 };
  const plans = await t.find({ up: userId, val: PLAN_VALUE });
  const names = await t.count({ up: userId, t: USER_NAME });
  const emails = await t.count({ up: userId, t: EMAIL });
  // the engine counts the rows of a join of the databases with the user's plan, name and email rows
  const databases = registered * Math.max(1, plans.length) * Math.max(1, names) * Math.max(1, emails);
  return { databases, plan: plans[0]?.t ?? 0 };
}

export async function newDatabase(ctx: RequestContext): Promise<never> {
  const session = ctx.session!;
  if (ctx.db !== PRIVATE_SPACE) ctx.myDie('Создайте базу в Личном кабинете!');
  // docs/compatibility.md, "Deliberate differences": the guest user of `my` may not make databases
  if (session.guest || session.user === 'guest') ctx.myDie('Гость не может создавать базы', 403);
  const port = ctx.core.databases;
  if (!port) ctx.myDie('Создание баз не настроено на этом сервере', 501);
  const name = (ctx.getStr('db') ?? '').toLowerCase();
  if (reservedName(name)) ctx.myDie(`Имя базы ${name} занято или зарезервировано[errDbNameReserved]`);
  if (!NEW_DB_NAME.test(name)) {
    ctx.myDie(`Недопустимое имя базы ${name} (от 3 до 15 латинских букв и цифр, начиная с буквы)[errDbName]`);
  }
  const { databases, plan } = await countedDatabases(ctx.t, session.userId);
  if (databases >= FREE_PLAN_DATABASES && plan < FIRST_PAID_PLAN) ctx.myDie('В бесплатном тарифе доступно не более 3 баз');
  const occupied = () => ctx.myDie(`Имя базы ${name} занято`);
  if ((await ctx.t.count({ t: DATABASE, val: name })) > 0) occupied();

  const requested = ctx.str('template').toLowerCase();
  const template = (await port.templates()).includes(requested) ? requested : 'ru';
  const nowMs = ctx.core.clock.now();
  // the new database's owner is a user named like it, holding the creator's token, so the same
  // token works there at once
  const outcome = await port.create(name, template, (tx) => insertOwner(tx, { db: name, nowMs, token: session.token, xsrf: session.xsrf }));
  if (outcome === 'taken') occupied();
  let id = 0;
  try {
    await ctx.inTransaction(async () => {
      id = await ctx.t.insert({ up: session.userId, ord: 1, t: DATABASE, val: name });
      await ctx.t.insert({ up: id, ord: 1, t: DATABASE_DATE, val: dateYmd(nowMs / 1000) });
      await ctx.t.insert({ up: id, ord: 1, t: DATABASE_TEMPLATE, val: requested });
      await ctx.t.insert({ up: id, ord: 1, t: DATABASE_NOTES, val: ctx.postStr('descr') ?? '' });
    });
  } catch (err) {
    await port.drop(name).catch(() => undefined);
    throw err;
  }
  ctx.core.invalidateMeta(name);
  ctx.setCookie(`idb_${name}`, session.token, TOKEN_COOKIE_SECONDS);
  ctx.setCookie(`${name}_locale`, 'RU', LOCALE_COOKIE_SECONDS);
  ctx.apiDump({ status: 'Ok', id }, '_new_db.json');
}
