/** A private MySQL schema per suite (t_<random>), dropped at the end; null without TEST_MYSQL_URL. */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { parseMysqlUrl, type MysqlOptions } from '../../../server/storage/index.js';

export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL;

export function privateSchemaOptions(prefix = 't'): MysqlOptions {
  if (!TEST_MYSQL_URL) throw new Error('TEST_MYSQL_URL is not set');
  return { ...parseMysqlUrl(TEST_MYSQL_URL), database: `${prefix}_${randomBytes(6).toString('hex')}` };
}

export async function dropSchema(options: MysqlOptions): Promise<void> {
  const conn = await mysql.createConnection({ host: options.host, port: options.port, user: options.user, password: options.password });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${options.database}\``);
  } finally {
    await conn.end();
  }
}

/** a plain connection to the schema, for checks the store does not expose (SHOW CREATE TABLE ...) */
export function rawConnection(options: MysqlOptions) {
  return mysql.createConnection({ host: options.host, port: options.port, user: options.user, password: options.password, database: options.database });
}
