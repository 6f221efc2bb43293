/**
 * Request generators for the legacy API fuzz test: valid credentials, `_xsrf`, real ids and
 * column names mixed with hostile values (wrong types, huge strings, SQL, HTML, NUL and lone
 * surrogates, unknown ids, malformed JSON, wrong content types, arrays for scalars, duplicated
 * parameters, multipart bodies with file parts: FILE and other columns, hostile file names, blocked
 * types, large files), over every core action (docs/legacy-api.md, "Endpoint tiers"), plus structural
 * requests (copy, move, delete of the root, of metadata, of a record into its own subtree).
 */
import http from 'node:http';
import fc from 'fast-check';

/** What the seeded database offers to aim at (ids are real rows). */
export interface FuzzTargets {
  token: string;
  xsrf: string;
  readerToken: string;
  readerXsrf: string;
  login: string;
  password: string;
  /** type ids (tables) of the seeded schema */
  types: number[];
  /** requisite ids (columns) of the seeded schema */
  reqs: number[];
  /** record ids */
  records: number[];
  /** metadata and system ids (base types, user table, roles ...) */
  system: number[];
  /** report names / ids */
  reports: string[];
}

export type FuzzBody =
  | { kind: 'none' }
  | { kind: 'form'; pairs: Array<[string, string]> }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; text: string; contentType: string | null }
  /** multipart/form-data: text fields and file parts (FILE columns, hostile file names and sizes) */
  | { kind: 'multipart'; parts: MultipartPart[] };

export type MultipartPart = { name: string; value: string } | { name: string; filename: string; content: string; contentType: string };

export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'HEAD';
  /** path without query, e.g. /my/_m_new/1020 */
  path: string;
  /** already encoded query string without '?' (may be deliberately malformed) */
  query: string;
  body: FuzzBody;
  headers: Record<string, string>;
  /** the action segment as sent (lower-cased by the engine) */
  action: string;
  /** which credential was used (secret/basic logins may create token rows on success) */
  credential: string;
}

/** Commands that may legitimately write when accepted. */
const WRITE_ALIASES = new Set([
  '_terms', '_attributes', '_patchterm', '_setalias', '_settablealias', '_t_alias', '_references', '_setnull', '_setmulti',
  '_setkey', '_modifiers', '_moveup', '_setorder', '_deleteterm', '_deletereq', '_new_db', 'auth', 'exit', 'jwt',
]);

export function isWriteRequest(r: FuzzRequest): boolean {
  const action = r.action.toLowerCase();
  if (action.startsWith('_m_') || action.startsWith('_d_') || WRITE_ALIASES.has(action)) return true;
  // object lists delete the filtered set with POST _m_del_select
  return (r.query + JSON.stringify(r.body)).includes('_m_del_select');
}

const READ_ACTIONS = ['xsrf', 'terms', 'dict', 'metadata', 'obj_meta', 'edit_types', 'object', 'edit_obj', 'get_record', '_ref_reqs', 'report'];
const DDL_ACTIONS = ['_d_new', '_d_save', '_d_req', '_d_ref', '_d_alias', '_d_null', '_d_multi', '_d_key', '_d_attrs', '_d_up', '_d_ord', '_d_del', '_d_del_req'];
const DML_ACTIONS = ['_m_new', '_m_save', '_m_set', '_m_del', '_m_del_batch', '_m_move', '_m_up', '_m_ord', '_m_id'];
const ODD_ACTIONS = ['_terms', '_attributes', '_patchterm', '_setalias', '_t_alias', '_references', '_setnull', '_modifiers', '_moveup',
  '_setorder', '_deleteterm', '_deletereq', 'exit', 'jwt', '_m_fetchurl', '_new_db', 'nosuchaction', '', 'OBJECT', 'Metadata', 'sql', 'smartq',
  'csv_all', 'backup', 'register', 'grants', 'rep_cols'];

const HOSTILE_TEXT = [
  '', ' ', '0', '-1', '1', '00', '1.5', '-0', '1e309', 'NaN', 'Infinity', '-Infinity', '0x1F', '9'.repeat(40), '-9223372036854775809',
  '4294967296', '2147483648', '9007199254740993', '1,2,3', ',,,', '1;2', '[]', '{}', 'null', 'true', 'false', 'undefined',
  "' OR 1=1 --", "'; DROP TABLE my; --", '" OR ""="', '\\', '\\\\', "\\'", '%', '%%', '_', '%_%', '\\%', '!%', '!', '!@1', '@', '@abc',
  '@IN(', '@IN(1,2,x)', 'IN(', "IN(1,'a',", 'IN()', 'a..b', '1..', '..', '>', '<', '>=', '<=x', 'REGEXP:(', 'REGEXP:[[:alpha:', '!REGEXP:*',
  'REGEXP:(a+)+$', '[TODAY]', '[NOW', '[USER]', '[ROLE_ID]', '[REMOTE_ADDR]', '[', ']', '[[[', 'block.var', '{_global_.1}', '{_request_.x}',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '&amp;&lt;&#0;', '<!-- Begin: x -->', '\u0000', 'a\u0000b', '\ud800',
  '\udfff', 'x\ud83dy', '\ufeff', '\u202eabc', '\uffff', '😀'.repeat(50), 'e\u0301', 'Ёё', 'ТЕСТ', ':!NULL:', ':MULTI:', ':ALIAS=x:', ':KEY:',
  '{"required":true,"multi":1,"alias":"\\u0000"}', '{"default":', '******', 'gtuoeksetn', '../../etc/passwd', '%00', '%2e%2e%2f', '\r\nX-Injected: 1',
  'SELECT SLEEP(5)', "1' AND SLEEP(5) AND '1'='1", '1 UNION SELECT * FROM my', '$1', '?', '$$', '-- ', '/*', '*/', '`', '\u0085', '\u2028',
];

const JSON_FLAGS = ['JSON', 'JSON', 'JSON', 'JSON_KV', 'JSON_OBJ', 'JSON_DATA', 'JSON_CR', 'JSONX', 'json', 'JSON_HR'];

const charString = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength });

function numberText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: -5, max: 3000 }).map(String),
    fc.integer().map(String),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.double({ noNaN: false }).map(String),
  );
}

function hugeText(): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(4096, 65_536, 300_000, 1_000_000), fc.constantFrom('x', 'я', '%', "'", '<b>', '\u0000', '😀')).map(
    ([n, unit]) => unit.repeat(Math.max(1, Math.floor(n / Buffer.byteLength(unit)))),
  );
}

export function valueArb(t: FuzzTargets): fc.Arbitrary<string> {
  const ids = [...t.types, ...t.reqs, ...t.records, ...t.system];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ids).map(String) },
    { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
    { weight: 3, arbitrary: numberText() },
    { weight: 3, arbitrary: charString(40) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: 5 }).map((a) => a.join(',')) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => `@${id}`) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => `${id}..${id + 50}`) },
    { weight: 1, arbitrary: hugeText() },
  );
}

function paramNameArb(t: FuzzTargets): fc.Arbitrary<string> {
  const ids = [...t.types, ...t.reqs];
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...ids).map((id) => `t${id}`) },
    { weight: 3, arbitrary: fc.constantFrom(...ids).map((id) => `F_${id}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('FR_', 'TO_', 'NEW_', 'b', 'SEARCH_'), fc.constantFrom(...ids)).map(([p, id]) => `${p}${id}`) },
    {
      weight: 8,
      arbitrary: fc.constantFrom(
        'up', 'up', 'val', 'val', 't', 't', 'order', 'new_id', 'ids', 'LIMIT', 'LIMIT', 'ORDER', 'pg', 'F_U', 'F_I', 'unique', 'forced',
        'multiselect', 'set_null', 'multi', 'alias', 'key', 'next_act', 'q', 'r', 'desc', '_count', 'full', 'copybtn', 'order_val',
        'tzone', 'uri', 'login', 'pwd', 'RECORD_COUNT', 'SELECT', 'TOTALS', 'WHERE', 'confirmed', 'lnx', 'csv', 'F_Телефон', 'F_', 't',
        'TIME', 'TRACE_IT', 'url', 'db', 'template', 'descr', 'change', 'npw1', 'npw2', 'reset',
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'a[', 'a]', '[]', 'x[y][z]', 'a.b c', '\u0000', 't\ud800', 'JSON', '__proto__', 'constructor', 'hasOwnProperty') },
    { weight: 1, arbitrary: charString(12) },
  );
}

const OK = 'valid';

/** what fetch accepts in a header value: printable ASCII */
function headerSafe(v: string): string {
  return Array.from(v).filter((ch) => ch >= ' ' && ch <= '~').join('');
}

interface Credential {
  name: string;
  headers: Record<string, string>;
  post: Array<[string, string]>;
  query: Array<[string, string]>;
}

function credentialArb(t: FuzzTargets): fc.Arbitrary<Credential> {
  const c = (name: string, headers: Record<string, string> = {}, post: Array<[string, string]> = [], query: Array<[string, string]> = []): Credential =>
    ({ name, headers, post, query });
  return fc.oneof(
    { weight: 24, arbitrary: fc.constant(c(OK, { 'X-Authorization': t.token })) },
    { weight: 3, arbitrary: fc.constant(c('cookie', { Cookie: `idb_my=${t.token}` })) },
    { weight: 2, arbitrary: fc.constant(c('bearer', { Authorization: `Bearer ${t.token}` })) },
    { weight: 2, arbitrary: fc.constant(c('post-token', {}, [['token', t.token]])) },
    { weight: 4, arbitrary: fc.constant(c('reader', { 'X-Authorization': t.readerToken })) },
    { weight: 2, arbitrary: fc.constant(c('none')) },
    { weight: 2, arbitrary: valueArb(t).map((v) => c('bogus-header', { 'X-Authorization': headerSafe(v.slice(0, 4000)) })) },
    { weight: 1, arbitrary: valueArb(t).map((v) => c('bogus-cookie', { Cookie: `idb_my=${encodeLenient(v.slice(0, 2000))}` })) },
    { weight: 1, arbitrary: valueArb(t).map((v) => c('basic', { Authorization: `Basic ${Buffer.from(`${t.login}:${v.slice(0, 2000)}`).toString('base64')}` })) },
    { weight: 1, arbitrary: valueArb(t).map((v) => c('basic-plain', { Authorization: `Basic ${headerSafe(v.slice(0, 200))}` })) },
    { weight: 1, arbitrary: valueArb(t).map((v) => c('secret', {}, [['secret', v]])) },
    { weight: 1, arbitrary: valueArb(t).map((v) => c('secret-get', {}, [], [['secret', v.slice(0, 500)]])) },
    { weight: 1, arbitrary: fc.constant(c('cookie+header', { Cookie: 'idb_my=nope', 'X-Authorization': t.token })) },
  );
}

interface XsrfChoice {
  post: Array<[string, string]>;
  query: Array<[string, string]>;
  arrayForm: boolean;
}

function xsrfArb(t: FuzzTargets, credential: Credential): fc.Arbitrary<XsrfChoice> {
  const own = credential.name === 'reader' ? t.readerXsrf : t.xsrf;
  const choice = (post: Array<[string, string]>, query: Array<[string, string]>, arrayForm: boolean): XsrfChoice => ({ post, query, arrayForm });
  return fc.oneof(
    { weight: 16, arbitrary: fc.constant(choice([['_xsrf', own]], [], false)) },
    { weight: 2, arbitrary: fc.constant(choice([], [], false)) },
    { weight: 1, arbitrary: fc.constant(choice([], [['_xsrf', own]], false)) },
    { weight: 1, arbitrary: fc.constant(choice([['_xsrf', own]], [], true)) },
    { weight: 2, arbitrary: valueArb(t).map((v) => choice([['_xsrf', v]], [], false)) },
  );
}

function idSegmentArb(t: FuzzTargets, action: string): fc.Arbitrary<string | null> {
  const preferred = action.startsWith('_d_') ? [...t.types, ...t.reqs] : action.startsWith('_m_') ? [...t.records, ...t.types] : [...t.types, ...t.records];
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...preferred).map(String) },
    { weight: 3, arbitrary: fc.constantFrom(...t.reqs, ...t.system).map(String) },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...t.reports) },
    { weight: 2, arbitrary: numberText() },
    { weight: 2, arbitrary: fc.constantFrom('client', 'Client', 'city', 'пользователь', 'nosuchtype', '%d0%bf', '..', '.', '%00', '%2F', 'a%20b') },
    { weight: 1, arbitrary: charString(20).map((s) => encodeLenient(s).slice(0, 200)) },
  );
}

/** URL-encodes a name/value; arrays where scalars are expected use name[]. */
function encodePairs(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${encodeLenient(k)}=${encodeLenient(v)}`).join('&');
}

/** encodeURIComponent that survives lone surrogates (they go out as raw %ED.. bytes, as a broken client would send) */
function encodeLenient(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return Array.from(s, (ch) => {
      const code = ch.charCodeAt(0);
      if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) {
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      }
      return encodeURIComponent(ch);
    }).join('');
  }
}

const MALFORMED_JSON = ['{"_xsrf": ', '[', '{"a":[1,2', 'null', '"str"', '123', '{"t1":{"$gt":1}}', '{,}', '{"a":1}{"b":2}', '\u0000{}', "{'a':1}",
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  `${'['.repeat(5000)}${']'.repeat(5000)}`, `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`, '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}'];

const FILE_NAMES = [
  'a.txt', 'scan.PDF', 'photo.jpg', 'noext', '', '.', '..', '../../evil.txt', '..\\..\\evil.txt', '/etc/passwd', 'C:\\x\\y.txt', 'shell.php',
  'SHELL.PhP', 'x.phtml', 'a.php.txt', 'a.txt.php', '.htaccess', 'run.sh', 'x.phar', 'a\u0000.php', 'имя файла.docx', '😀.png', 'a"b.txt',
  'a;b.txt', `${'n'.repeat(300)}.txt`, 'x.', 'trailing.txt ', '%2e%2e%2fx.txt', '<img src=x onerror=alert(1)>.txt',
];

/** the parts of a multipart body: the fields as text parts, plus up to two file parts */
function multipartArb(t: FuzzTargets, pairs: Array<[string, string]>): fc.Arbitrary<FuzzBody> {
  const fileField = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...t.reqs).map((id) => `t${id}`) },
    { weight: 2, arbitrary: fc.constantFrom(...t.types).map((id) => `t${id}`) },
    { weight: 1, arbitrary: fc.constantFrom('bki_file', 'files[]', 't', 't0', 'x', 't1[]', '') },
  );
  const content = fc.oneof(
    { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom('<?php echo 1; ?>', '\u0000\u0001\u00ff', 'DATA\r\n1:x;\r\n') },
    { weight: 1, arbitrary: fc.constantFrom(70_000, 300_000).map((n) => 'z'.repeat(n)) },
  );
  const file = fc.record({ name: fileField, filename: fc.constantFrom(...FILE_NAMES), content, contentType: fc.constantFrom('text/plain', 'application/octet-stream', 'application/x-php', '') });
  return fc.array(file, { maxLength: 2 }).map((files): FuzzBody => ({ kind: 'multipart', parts: [...pairs.map(([name, value]) => ({ name, value })), ...files] }));
}

function bodyArb(t: FuzzTargets, pairs: Array<[string, string]>, arrays: boolean): fc.Arbitrary<FuzzBody> {
  const asJson = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of pairs) {
      const base = k.endsWith('[]') ? k.slice(0, -2) : k;
      if (arrays || k.endsWith('[]')) out[base] = [...((Array.isArray(out[base]) ? out[base] : []) as unknown[]), v];
      else out[base] = v;
    }
    return out;
  };
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant<FuzzBody>({ kind: 'form', pairs: arrays ? pairs.map(([k, v]) => [k.endsWith('[]') ? k : `${k}[]`, v]) : pairs }) },
    { weight: 4, arbitrary: multipartArb(t, pairs) },
    { weight: 4, arbitrary: fc.constant<FuzzBody>({ kind: 'json', value: asJson() }) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...t.reqs), fc.jsonValue({ maxDepth: 3 })).map(([req, value]): FuzzBody => ({
        kind: 'json', value: { ...asJson(), [`t${req}`]: value, up: value },
      })),
    },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text): FuzzBody => ({ kind: 'raw', text, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text): FuzzBody => ({ kind: 'raw', text, contentType: 'text/plain' })) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/octet-stream',
        'application/json; charset=latin1', 'application/x-www-form-urlencoded; charset=koi8-r', 'application/json', '', 'a/b/c;;;=')
        .map((contentType): FuzzBody => ({ kind: 'raw', text: encodePairs(pairs), contentType })),
    },
    { weight: 1, arbitrary: fc.constant<FuzzBody>({ kind: 'raw', text: `--x\r\nContent-Disposition: form-data; name="t1"\r\n\r\nv\r\n--x--`, contentType: 'multipart/form-data; boundary=x' }) },
    { weight: 1, arbitrary: fc.constant<FuzzBody>({ kind: 'raw', text: `${'a[b]'.repeat(2000)}=1&${'x[]=1&'.repeat(3000)}`, contentType: 'application/x-www-form-urlencoded' }) },
    { weight: 1, arbitrary: fc.constant<FuzzBody>({ kind: 'none' }) },
  );
}

/**
 * Requests that change the tree's structure, aimed at the places where a copy or a move could
 * walk into its own output: copy, move and delete of the root (id 1, its own parent), of
 * metadata, and of records into themselves or under their own rows, by the admin with XSRF.
 */
export function structuralRequestArb(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const ids = [1, ...t.system, ...t.records];
  return fc.record({
    kind: fc.constantFrom('copy', 'move', 'delete'),
    id: fc.constantFrom(...ids),
    up: fc.oneof(fc.constantFrom(...ids), fc.constant(-1)),
  }).map(({ kind, id, up }): FuzzRequest => {
    const action = kind === 'copy' ? '_m_save' : kind === 'move' ? '_m_move' : '_m_del';
    const pairs: Array<[string, string]> = [['_xsrf', t.xsrf]];
    if (kind === 'copy') pairs.push(['copybtn', '1']);
    // -1: the record itself as its new parent
    if (kind === 'move') pairs.push(['up', String(up === -1 ? id : up)]);
    return {
      method: 'POST', path: `/my/${action}/${id}`, query: 'JSON', body: { kind: 'form', pairs },
      headers: { 'X-Authorization': t.token }, action, credential: OK,
    };
  });
}

export function requestArb(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  return fc.oneof({ weight: 30, arbitrary: anyRequestArb(t) }, { weight: 1, arbitrary: structuralRequestArb(t) });
}

function anyRequestArb(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const actionArb = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...READ_ACTIONS) },
    { weight: 5, arbitrary: fc.constantFrom(...DDL_ACTIONS) },
    { weight: 6, arbitrary: fc.constantFrom(...DML_ACTIONS) },
    { weight: 1, arbitrary: fc.constant('auth') },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_ACTIONS) },
  );
  return actionArb.chain((action) =>
    credentialArb(t).chain((credential) =>
      fc.record({
        action: fc.constant(action),
        credential: fc.constant(credential),
        db: fc.oneof({ weight: 30, arbitrary: fc.constant('my') }, { weight: 1, arbitrary: fc.constantFrom('MY', 'nodb', 'ru', 'a'.repeat(16), 'my%00', 'my;', '%2e%2e', '', 'api') }),
        apiPrefix: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        id: idSegmentArb(t, action),
        extra: fc.option(fc.oneof(fc.constantFrom(...t.records.map(String)), fc.constantFrom('x', '..', '%ff', 'alice')), { freq: 8 }),
        method: fc.oneof({ weight: 12, arbitrary: fc.constant<FuzzRequest['method']>('POST') }, { weight: 5, arbitrary: fc.constant<FuzzRequest['method']>('GET') },
          { weight: 1, arbitrary: fc.constantFrom<FuzzRequest['method']>('PUT', 'DELETE', 'OPTIONS', 'HEAD') }),
        jsonFlag: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...JSON_FLAGS) }, { weight: 2, arbitrary: fc.constant(null) }),
        flagInBody: fc.boolean(),
        xsrf: xsrfArb(t, credential),
        params: fc.array(fc.tuple(paramNameArb(t), valueArb(t)), { maxLength: 8 }),
        queryParams: fc.array(fc.tuple(paramNameArb(t), valueArb(t).map((v) => v.slice(0, 3000))), { maxLength: 3 }),
        duplicate: fc.boolean(),
        arrays: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        loginPwd: fc.oneof({ weight: 3, arbitrary: valueArb(t) }, { weight: 1, arbitrary: fc.constant(t.password) }),
        loginName: fc.oneof({ weight: 3, arbitrary: fc.constant(t.login) }, { weight: 1, arbitrary: valueArb(t) }),
        rawQuery: fc.option(fc.constantFrom('%', '%%', '%zz=1', 'a=%E0%A4%A', '&&&', '=', '[]=1', 'a[=1', 'JSON&JSON=1&JSON[]=2', '%00=%00'), { freq: 12 }),
      }),
    ),
  ).chain((g) => {
    const pairs: Array<[string, string]> = [...g.params];
    if (g.action === 'auth') {
      pairs.push(['login', g.loginName]);
      // the real password never comes with a password change: that would be a legitimate write
      if (g.loginPwd === t.password) for (let i = pairs.length - 1; i >= 0; i--) if (['change', 'npw1', 'npw2'].includes(pairs[i][0])) pairs.splice(i, 1);
      pairs.push(['pwd', g.loginPwd]);
    }
    if (g.duplicate && pairs.length) pairs.push([pairs[0][0], `${pairs[0][1]}x`]);
    const post: Array<[string, string]> = [...g.xsrf.post, ...g.credential.post, ...pairs];
    const query: Array<[string, string]> = [...g.xsrf.query, ...g.credential.query, ...g.queryParams];
    if (g.jsonFlag) (g.flagInBody ? post : query).push([g.jsonFlag, '']);
    const segments = [g.apiPrefix ? 'api' : null, g.db, g.action, g.id, g.id !== null ? g.extra : null].filter((s): s is string => s !== null);
    const path = `/${segments.map((seg) => (/^[\x21-\x7e]*$/.test(seg) ? seg : encodeLenient(seg))).join('/')}`;
    let queryString = encodePairs(query);
    if (g.rawQuery) queryString = queryString ? `${queryString}&${g.rawQuery}` : g.rawQuery;
    return bodyArb(t, post, g.arrays || g.xsrf.arrayForm).map((body): FuzzRequest => ({
      method: g.method,
      path,
      query: queryString,
      body: g.method === 'GET' || g.method === 'HEAD' ? { kind: 'none' } : body,
      headers: g.credential.headers,
      action: g.action,
      credential: g.credential.name,
    }));
  });
}

const FUZZ_BOUNDARY = '----fuzz-boundary-5d1e';

/** a multipart body as a client writes it; names and file names go out as given (quotes and all) */
function multipartPayload(parts: MultipartPart[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = 'filename' in part
      ? `--${FUZZ_BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n${part.contentType ? `Content-Type: ${part.contentType}\r\n` : ''}\r\n`
      : `--${FUZZ_BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), Buffer.from('filename' in part ? part.content : part.value, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${FUZZ_BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

export interface RawAnswer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * Sends the request with node:http (not fetch): the path goes out exactly as built (no URL
 * normalisation of `..`), and answers with very large headers are still read.
 */
export function send(r: FuzzRequest, baseUrl: string, timeoutMs = 60_000): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...r.headers };
  let body: string | Buffer | undefined;
  switch (r.body.kind) {
    case 'multipart':
      body = multipartPayload(r.body.parts);
      headers['Content-Type'] = `multipart/form-data; boundary=${FUZZ_BOUNDARY}`;
      break;
    case 'form':
      body = encodePairs(r.body.pairs);
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      break;
    case 'json':
      body = JSON.stringify(r.body.value);
      headers['Content-Type'] = 'application/json';
      break;
    case 'raw':
      body = r.body.text;
      if (r.body.contentType !== null) headers['Content-Type'] = r.body.contentType;
      break;
    case 'none':
      break;
  }
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  if (payload) headers['Content-Length'] = String(payload.length);
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: r.method, path: `${r.path}${r.query ? `?${r.query}` : ''}`, headers,
      maxHeaderSize: 64 * 1024 * 1024, agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A short, reproducible description of a request for reports (long values cut). */
export function describeRequest(r: FuzzRequest): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const body = r.body.kind === 'none' ? '' : r.body.kind === 'form' ? encodePairs(r.body.pairs) : r.body.kind === 'json' ? JSON.stringify(r.body.value)
    : r.body.kind === 'multipart' ? JSON.stringify(r.body.parts.map((p) => ('filename' in p ? { ...p, content: cut(p.content) } : p))) : r.body.text;
  const ct = r.body.kind === 'raw' ? ` [${r.body.contentType ?? 'no content-type'}]` : r.body.kind === 'json' ? ' [json]' : r.body.kind === 'form' ? ' [form]'
    : r.body.kind === 'multipart' ? ' [multipart]' : '';
  return `${r.method} ${cut(r.path + (r.query ? `?${r.query}` : ''))} cred=${r.credential}${ct} ${cut(body)}`;
}
