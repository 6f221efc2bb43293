/**
 * `_new_db`: a user of the private-space database `my` creates databases from a template. The
 * refusals in the engine's order (not `my`, reserved name, name rule, three databases, occupied),
 * the new database's rows and that the creator's token works in it at once.
 */
import type { Scenario } from '../run.js';

const CREATED = ['ndone', 'ndtwo', 'nd_3'];

const scenario: Scenario = {
  tenant: 'my',
  otherTenants: ['ndx'],
  alsoCompare: CREATED,
  async run(rec, oracle) {
    // the templates as our server ships them: with the root patch (row 1 up=1), like `my`
    oracle.sql(`DROP TABLE IF EXISTS ${[...CREATED, 'ndfour'].join(', ')}; UPDATE en SET up=1 WHERE id=1; UPDATE ru SET up=1 WHERE id=1`);
    await rec.call('new_db_anonymous', 'GET', '/_new_db?JSON&db=ndone', { auth: false });
    await rec.login('login', 'tester', 'tester-pass-1');
    await rec.call('reserved_word', 'GET', '/_new_db?JSON&db=select');
    await rec.call('reserved_word_upper', 'GET', '/_new_db?JSON&db=Table');
    await rec.call('too_short', 'GET', '/_new_db?JSON&db=ab');
    await rec.call('starts_with_digit', 'GET', '/_new_db?JSON&db=1abc');
    await rec.call('too_long', 'GET', '/_new_db?JSON&db=abcdefghijklmnop');
    await rec.call('bad_character', 'GET', '/_new_db?JSON&db=ab-cd');
    await rec.call('no_name', 'GET', '/_new_db?JSON');
    const first = await rec.call('create_from_en', 'POST', '/_new_db?JSON&db=NDone&template=en', { form: { descr: 'Склад — тест' } });
    rec.idOf(first, 'ndone', 'id');
    await rec.call('occupied', 'GET', '/_new_db?JSON&db=ndone');
    await rec.call('token_works_in_new_db', 'GET', '//ndone/xsrf?JSON');
    await rec.call('users_of_new_db', 'GET', '//ndone/object/18?JSON');
    const second = await rec.call('create_unknown_template', 'GET', '/_new_db?JSON&db=ndtwo&template=zz');
    rec.idOf(second, 'ndtwo', 'id');
    const third = await rec.call('create_with_underscore_no_template', 'POST', '/_new_db?JSON&db=nd_3', { form: {} });
    rec.idOf(third, 'nd_3', 'id');
    await rec.call('fourth_refused', 'GET', '/_new_db?JSON&db=ndfour&template=ru');
    await rec.call('my_databases', 'GET', '/object/271?JSON');
    // another database is not the private space
    await rec.login('login_other', 'tester', 'tester-pass-1', 'ndx');
    await rec.call('not_in_my', 'GET', '//ndx/_new_db?JSON&db=ndfive');
  },
};
export default scenario;
