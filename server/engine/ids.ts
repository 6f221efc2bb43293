/** Well-known row ids of the engine's system tables (docs/legacy-api.md, "Well-known ids"). */
export const ROOT = 1;
export const USER = 18;
export const PASSWORD = 20;
export const REPORT = 22;
export const REP_COLS = 28;
export const XSRF = 40;
export const EMAIL = 41;
export const ROLE = 42;
export const LEVEL = 47;
export const MASK = 49;
export const EXPORT_FLAG = 55;
export const DELETE_FLAG = 56;
export const ROLE_OBJECT = 116;
export const ACTIVITY = 124;
export const TOKEN = 125;
export const SECRET = 130;
export const ADMIN_ROLE = 145;
export const RETRIES = 301;
export const RETRIES_LIMIT = 5;
export const GUEST_TOKEN = 'gtuoeksetn';
/** value the engine shows instead of a password hash */
export const PASSWORD_STARS = '******';
/** requisites whose values are never passed through built-in substitution */
export const NO_BUILTIN_REQS = new Set([101, 102, 103, 132, 49]);
/** 30 days, the engine's COOKIES_EXPIRE */
export const COOKIE_30_DAYS = 2592000;
export const DEFAULT_PAGE_SIZE = 20;

/** the names the engine gives the pseudo objects a grant may be on (TYPE_EDITOR, ALL_OBJECTS, FILES) */
export const GRANT_PSEUDO_OBJECTS: ReadonlyArray<readonly [number, string]> = [
  [0, '*** Type editor ***'], [1, '*** All objects ***'], [10, '*** Files ***'],
];
