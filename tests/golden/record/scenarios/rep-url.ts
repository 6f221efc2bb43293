/**
 * URL reports (the report's URL, 97): the engine fetches the URL with curl from the server for each
 * row of a column whose function is abn_URL, `[column name]` in it replaced by that row's value. The
 * engine refuses only the host name `localhost` and schemes other than http(s); any other address
 * (127.0.0.1, the private network) is fetched: a server-side request forgery. Ours never fetches
 * (docs/compatibility.md, "Security"). Recorded without any request leaving the engine: the refused
 * host, a refused scheme, and a URL report with no abn_URL column (a plain report).
 */
import { schemaCalls } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const ABN_URL = 91;

const scenario: Scenario = {
  tenant: 'repurl',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const site = await type('site', 'Site', 3);
    await record('s1', site, { [`t${site}`]: 'alpha' });
    await record('s2', site, { [`t${site}`]: 'beta' });
    const local = await makeReport(rec, 'local', { t97: 'http://localhost/page?q=[name]' }, [[site, { t100: 'name' }], [0, { t100: 'fetched', t101: "''", t104: ABN_URL }]]);
    const ftp = await makeReport(rec, 'ftp', { t97: 'ftp://files.invalid/[name]' }, [[site, { t100: 'name' }], [0, { t100: 'fetched', t101: "''", t104: ABN_URL }]]);
    const plain = await makeReport(rec, 'plain', { t97: 'http://localhost/unused' }, [[site, { t100: 'name' }]]);
    // ours answers URL_REFUSED in those cells (the replay's URL rule, driven by these notes)
    const refused = { note: 'url report columns: fetched' };
    await rec.call('local_kv', 'GET', `/report/${local}?JSON_KV`, refused);
    await rec.call('local_json', 'GET', `/report/${local}?JSON`, refused);
    await rec.call('ftp_kv', 'GET', `/report/${ftp}?JSON_KV`, refused);
    await rec.call('plain_kv', 'GET', `/report/${plain}?JSON_KV`);
  },
};

export default scenario;
