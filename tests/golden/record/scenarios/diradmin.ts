/**
 * `dir_admin`, the file manager of a database's folders (`templates/custom/{db}` and, with
 * `download`, `download/{db}`), run by the database's owner: mkdir, touch, upload (rewrite, blocked
 * extensions, names with `..` or folders), `gf` downloads, delete (files, folders, missing names,
 * names with `..`), `add_path` with `..`, a bad `_xsrf`, the redirect without `JSON`; then a user whose
 * role has READ on the files (10) and one whose role has BARRED there. The listing page itself is
 * the engine's HTML template and is not recorded (ours answers JSON: docs/compatibility.md).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Scenario } from '../run.js';
import { addLevelColumn, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const TENANT = 'diradm10';
const OWNER_PASS = 'owner-pass-10';
const READ = 171;
const BARRED = 172;
const LEVEL_REQ = 136;

const scenario: Scenario = {
  tenant: TENANT,
  login: TENANT,
  password: OWNER_PASS,
  prepare: (oracle, tenant) => {
    // the folders outlive the tenant's table on the oracle: start from none
    const www = process.env.ORACLE_WWW ?? '/tmp/oracle/www';
    for (const dir of [path.join(www, 'templates/custom', tenant), path.join(www, 'download', tenant)]) rmSync(dir, { recursive: true, force: true });
    addLevelColumn(oracle, tenant);
  },
  async run(rec, oracle) {
    await rec.login('owner_login', TENANT, OWNER_PASS);
    const da = '/dir_admin/?JSON=1';
    await rec.call('mkdir_docs', 'POST', `${da}&mkdir=1&dir_name=docs`, { form: {} });
    await rec.call('mkdir_docs_again', 'POST', `${da}&mkdir=1&dir_name=docs`, { form: {} });
    await rec.call('mkdir_bad_name', 'POST', `${da}&mkdir=1`, { form: { dir_name: 'a b' } });
    await rec.call('mkdir_dots', 'POST', `${da}&mkdir=1`, { form: { dir_name: '..' } });
    await rec.call('mkdir_upper_trimmed', 'POST', `${da}&mkdir=1`, { form: { dir_name: '  Reports ' } });
    await rec.call('mkdir_bad_xsrf', 'POST', `${da}&mkdir=1&dir_name=never`, { form: { _xsrf: 'not-the-token' }, xsrf: false });
    await rec.call('mkdir_in_docs', 'POST', `${da}&add_path=/docs&mkdir=1&dir_name=sub`, { form: {} });
    await rec.call('mkdir_escape_add_path', 'POST', `${da}&add_path=/../..&mkdir=1&dir_name=esc`, { form: {} });
    await rec.call('mkdir_missing_add_path', 'POST', `${da}&add_path=/nowhere&mkdir=1&dir_name=top`, { form: {} });

    const file = (filename: string, content: string) => ({ filename, content, contentType: 'text/plain' });
    await rec.call('upload_docs', 'POST', `${da}&add_path=/docs`, { multipart: { upload: '1', file: file('notes.txt', 'first notes\n') } });
    await rec.call('gf_docs', 'GET', `${da}&add_path=/docs&gf=notes.txt`);
    await rec.call('upload_exists', 'POST', `${da}&add_path=/docs`, { multipart: { upload: '1', file: file('notes.txt', 'second\n') } });
    await rec.call('upload_rewrite', 'POST', `${da}&add_path=/docs&rewrite=1`, { multipart: { upload: '1', file: file('notes.txt', 'second notes\n') } });
    await rec.call('gf_rewritten', 'GET', `${da}&add_path=/docs&gf=notes.txt`);
    await rec.call('gf_with_folder', 'GET', `${da}&gf=docs/notes.txt`);
    await rec.call('upload_blocked_ext', 'POST', da, { multipart: { upload: '1', file: file('run.PHP', '<?php echo 1;') } });
    await rec.call('upload_dots_in_name', 'POST', da, { multipart: { upload: '1', file: file('a..b.txt', 'x\n') } });
    await rec.call('upload_traversal_name', 'POST', `${da}&add_path=/docs`, { multipart: { upload: '1', file: file('../../escape.txt', 'kept inside\n') } });
    await rec.call('gf_traversal_kept_inside', 'GET', `${da}&add_path=/docs&gf=escape.txt`);
    await rec.call('gf_parent', 'GET', `${da}&add_path=/docs&gf=../docs/notes.txt`);
    await rec.call('gf_missing', 'GET', `${da}&gf=missing.txt`);
    await rec.call('gf_folder_add_path_dots', 'GET', `${da}&add_path=/../docs&gf=notes.txt`);
    await rec.call('upload_no_file', 'POST', `${da}&add_path=/docs`, { multipart: { upload: '1', delete: '1', 'del[]': 'escape.txt' } });
    await rec.call('gf_after_delete', 'GET', `${da}&add_path=/docs&gf=escape.txt`);
    await rec.call('upload_cyrillic', 'POST', da, { multipart: { upload: '1', file: file('отчёт.txt', 'отчёт\n') } });
    await rec.call('gf_cyrillic', 'GET', `${da}&gf=${encodeURIComponent('отчёт.txt')}`);

    await rec.call('touch_page', 'POST', `${da}&touch=1&dir_name=page`, { form: {} });
    await rec.call('touch_page_again', 'POST', `${da}&touch=1&dir_name=page`, { form: {} });
    await rec.call('touch_style', 'POST', `${da}&add_path=/docs&touch=1&dir_name=Style.CSS`, { form: {} });
    await rec.call('touch_blocked', 'POST', `${da}&touch=1&dir_name=x.sh`, { form: {} });
    await rec.call('touch_bad_name', 'POST', `${da}&touch=1`, { form: { dir_name: 'a/b' } });
    await rec.call('gf_touched', 'GET', `${da}&gf=page.html`);

    await rec.call('mkdir_download', 'POST', `${da}&download=1&mkdir=1&dir_name=extra`, { form: {} });
    await rec.call('upload_download', 'POST', `${da}&download=1&add_path=/extra`, { multipart: { upload: '1', file: file('data.csv', 'a;b\n1;2\n') } });
    await rec.call('gf_download', 'GET', `${da}&download=1&add_path=/extra&gf=data.csv`);
    await rec.call('gf_download_from_templates', 'GET', `${da}&add_path=/extra&gf=data.csv`);

    await rec.call('delete_missing', 'POST', `${da}&add_path=/docs`, { form: { delete: '1', 'del[]': 'missing.txt' } });
    await rec.call('delete_unsafe_names', 'POST', `${da}&add_path=/docs`, { multipart: { delete: '1', 'del[]': '../page.html' } });
    await rec.call('gf_unsafe_kept', 'GET', `${da}&gf=page.html`);
    await rec.call('delete_file', 'POST', `${da}&add_path=/docs`, { form: { delete: '1', 'del[]': 'notes.txt' } });
    await rec.call('gf_deleted', 'GET', `${da}&add_path=/docs&gf=notes.txt`);
    await rec.call('delete_folder', 'POST', da, { form: { delete: '1', 'del[]': 'docs' } });
    await rec.call('gf_in_deleted_folder', 'GET', `${da}&add_path=/docs&gf=style.css`);
    await rec.call('mkdir_after_folder_delete', 'POST', `${da}&mkdir=1&dir_name=docs`, { form: {} });
    await rec.call('delete_not_array', 'POST', da, { form: { delete: '1', del: 'page.html' } });
    await rec.call('gf_not_array_kept', 'GET', `${da}&gf=page.html`);
    await rec.call('mkdir_redirect', 'POST', '/dir_admin/?mkdir=1&dir_name=plain', { form: {} });
    await rec.call('mkdir_redirect_again', 'POST', `${da}&mkdir=1&dir_name=plain`, { form: {} });

    // users of other roles: READ on the files (10), and BARRED there
    const readRole = rec.idOf(await rec.call('m_new_read_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Files Reader' } }), 'readRole');
    const barredRole = rec.idOf(await rec.call('m_new_barred_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'No Files' } }), 'barredRole');
    const grantOf = (role: number): number => Number(oracle.sql(`SELECT id FROM ${TENANT} WHERE up=${role} AND t=116 ORDER BY id LIMIT 1`).trim());
    await rec.call('m_save_read_grant', 'POST', `/_m_save/${grantOf(readRole)}?JSON`, { form: { t116: 10, [`t${LEVEL_REQ}`]: READ } });
    await rec.call('m_save_barred_grant', 'POST', `/_m_save/${grantOf(barredRole)}?JSON`, { form: { t116: 10, [`t${LEVEL_REQ}`]: BARRED } });
    rec.idOf(await rec.call('m_new_reader', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'reader', t20: 'reader-pass-1', t115: readRole, ...NO_USER_DEFAULTS } }), 'reader');
    rec.idOf(await rec.call('m_new_outsider', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'outsider', t20: 'outsider-pass-1', t115: barredRole, ...NO_USER_DEFAULTS } }), 'outsider');

    await rec.login('reader_login', 'reader', 'reader-pass-1');
    await rec.call('reader_gf', 'GET', `${da}&gf=page.html`);
    await rec.call('reader_mkdir', 'POST', `${da}&mkdir=1&dir_name=mine`, { form: {} });
    await rec.call('reader_touch', 'POST', `${da}&touch=1&dir_name=mine`, { form: {} });
    await rec.call('reader_upload', 'POST', da, { multipart: { upload: '1', file: file('mine.txt', 'mine\n') } });
    await rec.call('reader_delete', 'POST', da, { form: { delete: '1', 'del[]': 'page.html' } });
    await rec.call('reader_gf_kept', 'GET', `${da}&gf=page.html`);

    await rec.login('outsider_login', 'outsider', 'outsider-pass-1');
    await rec.call('outsider_gf', 'GET', `${da}&gf=page.html`);
    await rec.call('outsider_mkdir', 'POST', `${da}&mkdir=1&dir_name=mine`, { form: {} });
    await rec.call('outsider_list', 'GET', da);
  },
};

export default scenario;
