/**
 * Tenant database names: the PHP engine's rules (docs/legacy-api.md, "Creating a database" and "Database names")
 * plus the appliance's reserved route names (docs/compatibility.md, "Reserved database names").
 *
 * A tenant name is also a table name, so every SQL statement that names a tenant
 * table goes through `tenantTableName`, which refuses anything not routable.
 */
import { StoreError } from './errors.js';

/** PHP routing rule: which names may address an existing database. */
const ROUTABLE_NAME = /^[a-z0-9_]{1,15}$/i;
/** PHP creation rule for new databases: 3–15 chars, starts with a letter. */
const CREATABLE_NAME = /^[a-z]\w{2,14}$/i;

/** Prefix of the appliance's own tables; longer than any tenant name can be, so no collision. */
export const APPLIANCE_TABLE_PREFIX = 'integram_appliance_';

/** Route names the appliance serves itself (docs/compatibility.md, "Reserved database names"). */
export const RESERVED_TENANT_NAMES: ReadonlySet<string> = new Set([
  'api', 'health', 'console', 'docs', 'download', 'assets', 'static', 'admin', 'auth', 'v2', 'workspace',
]);

/**
 * Reserved words of MySQL 8.x and MariaDB 10.x/11.x (union), lower-case.
 * Written out as data from the two servers' reserved-word tables.
 */
export const MYSQL_RESERVED_WORDS: ReadonlySet<string> = new Set(`
accessible add all alter analyze and as asc asensitive before between bigint binary blob both by
call cascade case change char character check collate column condition constraint continue convert
create cross cube cume_dist current_date current_role current_time current_timestamp current_user cursor
database databases day_hour day_microsecond day_minute day_second dec decimal declare default delayed
delete dense_rank desc describe deterministic distinct distinctrow div do_domain_ids double drop dual
each else elseif empty enclosed escaped except exists exit explain false fetch first_value float float4
float8 for force foreign from fulltext function general generated get grant group grouping groups having
high_priority hour_microsecond hour_minute hour_second if ignore ignore_domain_ids ignore_server_ids in
index infile inner inout insensitive insert int int1 int2 int3 int4 int8 integer intersect interval into
io_after_gtids io_before_gtids is iterate join json_table key keys kill lag last_value lateral lead
leading leave left like limit linear lines load localtime localtimestamp lock long longblob longtext
loop low_priority master_bind master_heartbeat_period master_ssl_verify_server_cert match maxvalue
mediumblob mediumint mediumtext middleint minute_microsecond minute_second mod modifies natural not
no_write_to_binlog nth_value ntile null numeric of offset on optimize optimizer_costs option optionally
or order out outer outfile over page_checksum parse_vcol_expr partition percent_rank position precision
primary procedure purge range rank read reads read_write real recursive ref_system_id references regexp
release rename repeat replace require resignal restrict return returning revoke right rlike row rows
row_number schema schemas second_microsecond select sensitive separator set show signal slow smallint
spatial specific sql sqlexception sqlstate sqlwarning sql_big_result sql_calc_found_rows
sql_small_result ssl starting stats_auto_recalc stats_persistent stats_sample_pages stored straight_join
system table terminated then tinyblob tinyint tinytext to trailing trigger true undo union unique
unlock unsigned update usage use using utc_date utc_time utc_timestamp values varbinary varchar
varcharacter varying virtual when where while window with write xor year_month zerofill
`.trim().split(/\s+/));

export function normalizeDbName(name: string): string {
  return name.toLowerCase();
}

/** The PHP routing rule `/^[a-z0-9_]{1,15}$/i`. */
export function isRoutableDbName(name: string): boolean {
  return ROUTABLE_NAME.test(name);
}

export type NewDbNameCheck = { ok: true; name: string } | { ok: false; reason: string };

/** Rules for a new database name; `name` in the result is the lower-cased table name. */
export function checkNewDbName(name: string): NewDbNameCheck {
  if (!CREATABLE_NAME.test(name)) {
    return {
      ok: false,
      reason: `invalid database name "${name}": use 3 to 15 letters, digits or underscores, starting with a letter`,
    };
  }
  const lower = normalizeDbName(name);
  if (RESERVED_TENANT_NAMES.has(lower)) {
    return { ok: false, reason: `the database name "${name}" is reserved by the appliance` };
  }
  if (MYSQL_RESERVED_WORDS.has(lower)) {
    return { ok: false, reason: `the database name "${name}" is a MySQL reserved word` };
  }
  return { ok: true, name: lower };
}

/**
 * Rules for a database an administrator loads from a file (import): the routing rule and
 * not reserved, but not the 3-character minimum of self-service creation, so the system
 * databases `my`, `ru`, `en` of a PHP installation can be imported under their own names.
 */
export function checkImportDbName(name: string): NewDbNameCheck {
  if (!isRoutableDbName(name)) {
    return { ok: false, reason: `invalid database name "${name}": use 1 to 15 letters, digits or underscores` };
  }
  const lower = normalizeDbName(name);
  if (RESERVED_TENANT_NAMES.has(lower)) return { ok: false, reason: `the database name "${name}" is reserved by the appliance` };
  if (MYSQL_RESERVED_WORDS.has(lower)) return { ok: false, reason: `the database name "${name}" is a MySQL reserved word` };
  return { ok: true, name: lower };
}

/**
 * The table name for a tenant, lower-cased; throws when the name does not pass
 * the routing rule. Every driver uses this before a name reaches SQL.
 */
export function tenantTableName(db: string): string {
  if (!isRoutableDbName(db)) throw new StoreError('invalid_name', `invalid database name "${db}"`);
  return normalizeDbName(db);
}
