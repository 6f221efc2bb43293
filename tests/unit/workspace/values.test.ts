/**
 * The workspace's pure pieces: the friendly filter editor's conditions in the engine's filter
 * syntax, values between the card's inputs and the engine, the CSV reader and the engine's import
 * form, the English of the engine's Russian messages, and the user's menu (addresses as links, the tree).
 */
import { describe, expect, it } from 'vitest';
import { columnsOf, displayCell, filterValue, fromInput, inputStep, inputType, menuEntries, menuLink, parseAttrs, refParts, toInput, type Column, type FilterCondition } from '../../../workspace/src/values.js';
import { detectSeparator, engineImportText, parseCsv } from '../../../workspace/src/csv.js';
import { engineMessageEn } from '../../../workspace/src/api/engine-messages.js';
import { engineError, plainMessage } from '../../../workspace/src/api/legacy.js';

const column = (base: number, extra: Partial<Column> = {}): Column => ({ id: '1030', name: 'c', base, first: false, multi: false, required: false, readOnly: false, index: 1, ...extra });
const cond = (patch: Partial<FilterCondition>): FilterCondition => ({ column: '1030', mode: 'contains', value: '', from: '', to: '', values: [], ...patch });

describe('filters in the engine syntax', () => {
  it('text, empty and not empty', () => {
    expect(filterValue(column(3), cond({ mode: 'contains', value: 'ab' }))).toBe('%ab%');
    expect(filterValue(column(3), cond({ mode: 'starts', value: 'ab' }))).toBe('ab%');
    expect(filterValue(column(3), cond({ mode: 'equals', value: 'ab' }))).toBe('ab');
    expect(filterValue(column(3), cond({ mode: 'contains', value: '' }))).toBe('');
    expect(filterValue(column(3), cond({ mode: 'empty' }))).toBe('!%');
    expect(filterValue(column(3), cond({ mode: 'notEmpty' }))).toBe('%');
  });

  it('number and date ranges, one bound or two', () => {
    expect(filterValue(column(13), cond({ mode: 'range', from: '5', to: '9' }))).toBe('5..9');
    expect(filterValue(column(13), cond({ mode: 'range', from: '5' }))).toBe('>=5');
    expect(filterValue(column(14), cond({ mode: 'range', to: '2.5' }))).toBe('<=2.5');
    expect(filterValue(column(9), cond({ mode: 'range', from: '2024-01-01', to: '2024-12-31' }))).toBe('2024-01-01..2024-12-31');
    expect(filterValue(column(4), cond({ mode: 'range', from: '2024-01-01T00:00' }))).toBe(`>=${Date.UTC(2024, 0, 1) / 1000}`);
    expect(filterValue(column(13), cond({ mode: 'range' }))).toBe('');
  });

  it('references and multi-selects by their values, booleans by presence', () => {
    expect(filterValue(column(3, { ref: '1018' }), cond({ mode: 'refs', values: ['Moscow', "O'Hare"] }))).toBe("IN('Moscow','O''Hare')");
    expect(filterValue(column(3, { ref: '1018' }), cond({ mode: 'refs', values: [] }))).toBe('');
    expect(filterValue(column(11), cond({ mode: 'bool', value: '1' }))).toBe('%');
    expect(filterValue(column(11), cond({ mode: 'bool', value: '0' }))).toBe('!%');
    expect(filterValue(column(11), cond({ mode: 'bool', value: '' }))).toBe('');
  });
});

describe('values', () => {
  it('the input of each base type (card and grid cell)', () => {
    expect([9, 4, 13, 14, 6, 3, 12].map(inputType)).toEqual(['date', 'datetime-local', 'number', 'number', 'password', 'text', 'text']);
    expect([14, 4, 13].map(inputStep)).toEqual(['any', 1, undefined]);
  });

  it('dates and datetimes between the card and the inputs', () => {
    expect(toInput(9, '17.05.1993')).toBe('1993-05-17');
    expect(toInput(4, '1704164645')).toBe('2024-01-02T03:04:05');
    expect(fromInput(4, '2024-01-02T03:04:05')).toBe('1704164645');
    expect(fromInput(4, '2024-01-02T03:04')).toBe('1704164640');
    expect(toInput(11, '1')).toBe('1');
    expect(toInput(11, '')).toBe('');
  });

  it('grid cells: references, multi-selects, files, datetimes, booleans', () => {
    expect(displayCell(column(3, { ref: '1' }), '1042,1043:vip,new')).toBe('vip, new');
    expect(refParts('1041:Paris, France').labels).toEqual(['Paris, France']);
    expect(refParts('1,2:a&comma;b,c').labels).toEqual(['a,b', 'c']);
    expect(displayCell(column(10), '<a target="_blank" href="/download/db/1/2.txt">contract.txt</a>')).toBe('contract.txt');
    expect(displayCell(column(4), '1704164645')).toBe('02.01.2024 03:04:05');
    expect(displayCell(column(11), 'X')).toBe('✓');
  });

  it('attributes in both encodings, and the columns of a table', () => {
    expect(parseAttrs(':!NULL::MULTI::ALIAS=Tags:')).toEqual({ required: true, multi: true, alias: 'Tags' });
    expect(parseAttrs('{"required":true,"multi":"1","alias":"Mobile"}')).toEqual({ required: true, multi: true, alias: 'Mobile' });
    const cols = columnsOf({
      id: '1021', up: '0', type: '3', val: 'Client', unique: '0', granted: 'READ',
      reqs: [{ num: 1, id: '1029', val: 'Phone', orig: '1022', type: '3', attrs: '{"alias":"Mobile"}', granted: 'READ' }, { num: 2, id: '1037', val: 'City', orig: '1019', type: '3', ref: '1019', ref_id: '1036' }],
    });
    expect(cols.map((c) => [c.id, c.name, c.index, c.readOnly, c.ref ?? ''])).toEqual([
      ['1021', 'Client', 0, false, ''], ['1029', 'Mobile', 1, true, ''], ['1037', 'City', 2, false, '1019'],
    ]);
  });
});

describe('CSV import', () => {
  it('reads quoted fields, separators and line breaks', () => {
    expect(detectSeparator('a;b;c\n1;2;3')).toBe(';');
    expect(detectSeparator('a,b\n1,2')).toBe(',');
    expect(parseCsv('\uFEFFname;note\r\n"Eve; Jr.";"say ""hi""\nbye"\r\n\r\nBob;\n', ';')).toEqual([['name', 'note'], ['Eve; Jr.', 'say "hi"\nbye'], ['Bob', '']]);
  });

  it('writes the engine\'s plain import form with its escapes', () => {
    expect(engineImportText([['Eve; Jr.', 'a:b', 'c\\d'], ['Bob', '', '']])).toBe('DATA\r\nEve\\; Jr.;a\\:b;c\\\\d;\r\nBob;;;\r\n');
  });
});

describe('engine messages', () => {
  it('English for the engine\'s Russian refusals, the message itself when unknown', () => {
    expect(engineMessageEn("У вас нет доступа к реквизиту объекта 1030, 1025 (READ) или его родителю 1030 (). Ваш глобальный доступ: ''"))
      .toBe("You have no access to this field of record 1030 (field 1025: READ, parent 1030: ; your global access: '')");
    expect(engineMessageEn("У вас нет доступа к реквизиту объекта: 1028, 0 (READ) или его родителю 1 ()! Ваш глобальный доступ: ''."))
      .toBe("You have no access to this field of record 1028 (field 0: READ, parent 1: ; your global access: '')");
    expect(engineMessageEn('У вас нет доступа к реквизиту объекта: 1028, 0 ()')).toBe('You have no access to this field of record 1028');
    expect(engineMessageEn('У вас нет прав на создание объектов этого типа.')).toBe('You may not create records in this table.');
    expect(engineMessageEn('Запись с таким ключом уже существует #1044')).toBe('A record with this key already exists (#1044)');
    expect(engineMessageEn('Нельзя удалить объект, на который существуют ссылки (всего: 2)')).toBe('This record cannot be deleted: other records refer to it (2)');
    expect(engineMessageEn('sales Менеджер: У вас нет прав на редактирование типов(READ).')).toBe("sales Менеджер: you may not edit the tables' structure (READ).");
    expect(engineMessageEn('something new')).toBe('something new');
  });

  it('the batch delete\'s refusals, of the command and per record', () => {
    expect(engineMessageEn('У вас нет прав на массовое удаление объектов этого типа')).toBe('You may not delete records of this table in bulk');
    expect(engineMessageEn('Не найден или другой тип')).toBe('Not found, or a record of another table');
    expect(engineMessageEn('Пустой список идентификаторов')).toBe('No records were chosen');
    expect(engineMessageEn('Слишком большой батч (max 10000)')).toBe('Too many records at once (at most 10000)');
    expect(engineMessageEn('Нельзя удалить себя как пользователя')).toBe('You cannot delete your own user');
  });

  it('every shape of the engine\'s errors is found', () => {
    expect(engineError([{ error: 'x' }])).toBe('x');
    expect(engineError({ error: 'Неверный логин', hint: 'h' })).toBe('Неверный логин');
    expect(engineError({ id: 1, obj: 2 })).toBeNull();
    expect(engineError([{ i: 1, r: [] }])).toBeNull();
    expect(plainMessage('Неверный или устаревший токен CSRF<br/>')).toBe('Неверный или устаревший токен CSRF');
  });
});

describe("the user's menu (MyRoleMenu rows)", () => {
  it('opens tables, subordinate lists, records, reports and the structure in the workspace, other pages on the engine', () => {
    expect(menuLink('object/1021', 'shop')).toBe('#/t/1021');
    expect(menuLink('/shop/object/1021/?F_U=1055', 'shop')).toBe('#/t/1021/1055');
    expect(menuLink('object/1021?F_U=1', 'shop')).toBe('#/t/1021');
    expect(menuLink('edit_obj/77', 'shop')).toBe('#/rec/77');
    expect(menuLink('report/45', 'shop')).toBe('#/report/45');
    expect(menuLink('dict', 'shop')).toBe('#/');
    expect(menuLink('object/22', 'shop')).toBe('#/t/22');
    expect(menuLink('report', 'shop')).toBe('#/reports');
    expect(menuLink('edit_types', 'shop')).toBe('#/schema');
    expect(menuLink('organizer', 'shop')).toBe('/shop/organizer');
    expect(menuLink('', 'shop')).toBe('');
  });

  it('puts children after their parent with a depth; unknown parents and missing ids stay at the top', () => {
    const item = (id: string, up: string, name: string, href = '') => ({ id, up, name, href });
    const entries = menuEntries([
      item('10', '', 'Sales'),
      item('11', '10', 'Orders', 'object/5'),
      item('12', '', 'Help', 'info'),
      item('13', '11', 'Open orders', 'object/5?F_U=9'),
      item('14', '99', 'Orphan', 'report/3'),
      item('', '', 'No id 1', 'dict'),
      item('', '', 'No id 2', 'edit_types'),
    ], 'shop');
    expect(entries.map((e) => [e.name, e.depth, e.link])).toEqual([
      ['Sales', 0, ''],
      ['Orders', 1, '#/t/5'],
      ['Open orders', 2, '#/t/5/9'],
      ['Help', 0, '/shop/info'],
      ['Orphan', 0, '#/report/3'],
      ['No id 1', 0, '#/'],
      ['No id 2', 0, '#/schema'],
    ]);
  });
});
