/**
 * The PHP engine on 127.0.0.1 (the oracle kit named by ORACLE_DIR: docs/testing-fixtures.md) as the source of a pull: whether it
 * runs, and a tenant made on it through its URL API (tables, a reference, a subordinate table, a memo
 * with line breaks, a file, a second user with a password). Shared by the pull's integration and
 * console tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Row } from '../../../server/storage/types.js';
import { Recorder } from '../../golden/record/recorder.js';

export const ORACLE_URL = process.env.ORACLE_URL ?? 'http://127.0.0.1:8090';
/** the oracle kit's scripts (reset-tenant.sh, env.sh); not part of this repository, so only from the environment */
export const ORACLE_DIR = process.env.ORACLE_DIR ?? '';
export const ORACLE_SOCK = process.env.ORACLE_SOCK ?? '/tmp/oracle/run/mysqld.sock';
export const ORACLE_WWW = process.env.ORACLE_WWW ?? '/tmp/oracle/www';
export const ORACLE_SALT = 'oracle-salt';
export const TENANT = 'pullsrc';
export const OWNER = { login: TENANT, password: 'Src-pass-1' };
export const IVAN = { login: 'Ivan', password: 'ivan-pass-7' };
export const FILE_BYTES = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x0a, 0x41, 0x42]);

export async function oracleProblem(): Promise<string | null> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(ORACLE_URL)) return `ORACLE_URL ${ORACLE_URL} is not on 127.0.0.1`;
  if (!ORACLE_DIR) return 'ORACLE_DIR is not set (the folder of the oracle kit\'s scripts: docs/testing-fixtures.md)';
  if (!existsSync(path.join(ORACLE_DIR, 'reset-tenant.sh'))) return `no oracle scripts in ${ORACLE_DIR} (set ORACLE_DIR)`;
  if (!existsSync(ORACLE_SOCK)) return `the oracle's MariaDB is not running (no ${ORACLE_SOCK}; start-db.sh)`;
  try {
    await fetch(`${ORACLE_URL}/`, { signal: AbortSignal.timeout(3000) });
  } catch {
    return `the oracle's PHP does not answer on ${ORACLE_URL} (start-php.sh)`;
  }
  return null;
}


export function oracleRows(tenant: string): Row[] {
  const out = execFileSync('mariadb', [`--socket=${ORACLE_SOCK}`, '-uroot', '-N', '-B', '-r', 'ideav', '-e',
    `SELECT JSON_OBJECT('id',id,'up',up,'ord',ord,'t',t,'val',val) FROM \`${tenant}\` ORDER BY id`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row);
}

export interface Built { client: number; order: number; part: number; stol: number; anna: number; fileColumn: number }

/** The source database, made through the oracle's URL API by its owner. */
export async function buildSource(tenant = TENANT): Promise<Built> {
  execFileSync(path.join(ORACLE_DIR, 'reset-tenant.sh'), [tenant, tenant, OWNER.password], { stdio: 'ignore' });
  const rec = new Recorder(ORACLE_URL, tenant, () => undefined);
  // the owner (login = the database's name) may export the whole database
  await rec.login('auth', tenant, OWNER.password);
  const type = async (val: string, base: number) => rec.idOf(await rec.call('d_new', 'POST', '/_d_new?JSON', { form: { val, t: base } }), val);
  const column = async (table: number, term: number) => rec.idOf(await rec.call('d_req', 'POST', `/_d_req/${table}?JSON`, { form: { t: term } }), `c${term}`, 'id');
  const client = await type('Клиент', 3);
  const phone = await column(client, await type('Тел. клиента', 3));
  const born = await column(client, await type('Дата рождения', 9));
  const note = await column(client, await type('Заметка', 12));
  const fileColumn = await column(client, await type('Договор', 10));
  const order = await type('Заказ', 3);
  const sum = await column(order, await type('Сумма', 13));
  const clientRef = rec.idOf(await rec.call('d_ref', 'POST', `/_d_ref/${client}?JSON`, { form: {} }), 'clientRef');
  const orderClient = await column(order, clientRef);
  const part = await type('Позиция', 3);
  const qty = await column(part, await type('Кол-во', 13));
  await column(order, part);

  const anna = rec.idOf(await rec.call('m_new', 'POST', `/_m_new/${client}?JSON`, {
    multipart: {
      up: 1, [`t${client}`]: 'Анна', [`t${phone}`]: '+7 900 000-00-01', [`t${born}`]: '15.01.1990', [`t${note}`]: 'строка 1\nстрока 2; a:b & <b>',
      [`t${fileColumn}`]: { filename: 'договор.pdf', content: FILE_BYTES, contentType: 'application/pdf' },
    },
  }), 'anna', 'id');
  const boris = rec.idOf(await rec.call('m_new', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Борис', [`t${phone}`]: '555' } }), 'boris', 'id');
  const stol = rec.idOf(await rec.call('m_new', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'Заказ 1', [`t${sum}`]: 1500, [`t${orderClient}`]: anna } }), 'stol', 'id');
  await rec.call('m_new', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'Заказ 2', [`t${sum}`]: 20, [`t${orderClient}`]: boris } });
  await rec.call('m_new', 'POST', `/_m_new/${part}?JSON`, { form: { up: stol, [`t${part}`]: 'Ножка', [`t${qty}`]: 4 } });
  await rec.call('m_new', 'POST', `/_m_new/${part}?JSON`, { form: { up: stol, [`t${part}`]: 'Столешница', [`t${qty}`]: 1 } });
  // a second user with a password and the admin role (145); the empty fields keep the engine's defaults out
  const noDefaults = Object.fromEntries([30, 33, 40, 41, 124, 125, 130, 156, 271, 300].map((t) => [`t${t}`, '']));
  await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: IVAN.login, t20: IVAN.password, t115: 145, ...noDefaults } });
  return { client, order, part, stol, anna, fileColumn };
}

