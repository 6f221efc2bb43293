/**
 * The workspace's texts in Russian and English, the user's choice remembered in localStorage.
 * Engine messages go through tr(): Russian as the engine wrote them, English through the table
 * in api/engine-messages.ts. The few English texts the engine or the browser produce get Russian.
 */
import { ref } from 'vue';
import { EngineError } from './api/legacy.js';
import { engineMessageEn } from './api/engine-messages.js';

export type Locale = 'ru' | 'en';
const STORAGE_KEY = 'integram-workspace-locale';

const en = {
  appName: 'Integram',
  signIn: 'Sign in',
  signOut: 'Sign out',
  login: 'Login',
  password: 'Password',
  database: 'Database',
  language: 'Language',
  tables: 'Tables',
  reports: 'Reports',
  schema: 'Structure',
  noTables: 'No tables are available to you.',
  chooseTable: 'Choose a table on the left.',
  loading: 'Loading…',
  records: 'Records: {n}',
  page: 'Page {p} of {n}',
  prev: 'Previous',
  next: 'Next',
  pageSize: 'Rows per page',
  columns: 'Columns',
  filters: 'Filters',
  addFilter: 'Add filter',
  applyFilters: 'Apply',
  clearFilters: 'Clear',
  filterContains: 'contains',
  filterEquals: 'equals',
  filterStarts: 'starts with',
  filterEmpty: 'is empty',
  filterNotEmpty: 'is not empty',
  filterRaw: 'engine syntax',
  from: 'from',
  to: 'to',
  yes: 'yes',
  no: 'no',
  any: 'any',
  newRecord: 'New record',
  edit: 'Open',
  save: 'Save',
  saved: 'Saved',
  created: 'Created',
  copy: 'Copy',
  copied: 'Copied',
  delete: 'Delete',
  deleted: 'Deleted',
  confirmDelete: 'Delete this record?',
  move: 'Move',
  moveTo: 'New parent record',
  moved: 'Moved',
  selectRow: 'Select record {name}',
  selectPage: 'Select all records on this page',
  deleteSelected: 'Delete selected ({n})',
  confirmDeleteMany: 'Delete {n} records? This cannot be undone.',
  deletedMany: 'Deleted records: {n}',
  notDeleted: 'Not deleted ({n}):',
  editHint: 'Enter saves, Escape cancels',
  orderColumn: 'Order',
  rowUp: 'Move {name} up',
  rowDown: 'Move {name} down',
  orderSortedHint: 'The order can be changed when the list is neither sorted nor filtered',
  cancel: 'Cancel',
  close: 'Close',
  record: 'Record',
  readOnly: 'read only',
  required: 'required',
  search: 'Search…',
  noValue: '—',
  clear: 'Clear',
  upload: 'Choose a file',
  download: 'Download',
  subordinate: 'Subordinate records',
  openSubordinate: 'Open ({n})',
  back: 'Back',
  export: 'Export',
  exportCsv: 'Export CSV',
  exportBki: 'Export BKI',
  import: 'Import CSV',
  importTitle: 'Import a CSV file into {table}',
  importFile: 'CSV file (UTF-8, first line = column names)',
  importSeparator: 'Separator',
  importPreview: 'Preview: {n} rows',
  importMap: 'Column of the file for each column of the table',
  importSkip: '(skip)',
  importStart: 'Import {n} rows',
  importProgress: 'Imported {done} of {n}',
  importDone: 'Import finished: {n} rows',
  runReport: 'Run',
  reportFilters: 'Filters of the report',
  totals: 'Totals',
  chart: 'Chart',
  chartNone: 'No chart',
  chartBar: 'Bars',
  chartLine: 'Line',
  chartValue: 'Value',
  chartLabel: 'Labels',
  noReports: 'No reports are available to you.',
  rows: 'Rows: {n}',
  schemaTitle: 'Tables and columns',
  newTable: 'New table',
  tableName: 'Table name',
  baseType: 'Type',
  unique: 'unique',
  saveTable: 'Rename / save',
  create: 'Create',
  addColumn: 'Add column',
  columnName: 'Column name',
  reference: 'Reference to',
  referenceNone: '(not a reference)',
  referenceLabel: 'Reference',
  multi: 'multi-select',
  alias: 'Alias',
  setAlias: 'Set alias',
  up: 'Up',
  toggleRequired: 'Required',
  toggleMulti: 'Multi',
  deleteColumn: 'Delete column',
  deleteTable: 'Delete table',
  noSchemaRight: 'You may not edit the structure.',
  errorNetwork: 'The server does not answer',
  errorNoSession: 'The login did not open a session',
  errorHttp: 'The server answered with an error ({status})',
  keyboardHint: 'Arrows move, Enter opens, F2 edits a cell, Space selects, Alt+↑/↓ reorders, PgUp/PgDn page',
  subordinateOf: 'Records of {table} under {record}',
  chat: 'AI chat',
  chatTitle: 'Ask about this database',
  chatHint: 'The assistant sees the tables and columns you may read, and the open report if you include it.',
  chatPlaceholder: 'Your question',
  chatSend: 'Send',
  chatStop: 'Stop',
  chatClear: 'New conversation',
  chatWithReport: 'Include the open report',
  chatYou: 'You',
  chatAssistant: 'Assistant',
  chatAnsweredBy: 'Answered by {provider}',
  chatThinking: 'Waiting for the answer…',
  chatNotConfigured: 'The AI chat is not set up on this server: the administrator sets an AI provider key.',
  chatUnavailable: 'No AI provider answered; try again later.',
  chatInterrupted: 'The answer broke off; ask again.',
  chatSignedOut: 'Your session has ended; sign in again.',
  chatFailed: 'The AI chat failed: {reason}',
} satisfies Record<string, string>;

export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  appName: 'Интеграм',
  signIn: 'Войти',
  signOut: 'Выйти',
  login: 'Логин',
  password: 'Пароль',
  database: 'База',
  language: 'Язык',
  tables: 'Таблицы',
  reports: 'Отчёты',
  schema: 'Структура',
  noTables: 'Вам не доступна ни одна таблица.',
  chooseTable: 'Выберите таблицу слева.',
  loading: 'Загрузка…',
  records: 'Записей: {n}',
  page: 'Страница {p} из {n}',
  prev: 'Назад',
  next: 'Вперёд',
  pageSize: 'Строк на странице',
  columns: 'Колонки',
  filters: 'Фильтры',
  addFilter: 'Добавить фильтр',
  applyFilters: 'Применить',
  clearFilters: 'Сбросить',
  filterContains: 'содержит',
  filterEquals: 'равно',
  filterStarts: 'начинается с',
  filterEmpty: 'пусто',
  filterNotEmpty: 'не пусто',
  filterRaw: 'синтаксис движка',
  from: 'от',
  to: 'до',
  yes: 'да',
  no: 'нет',
  any: 'любое',
  newRecord: 'Новая запись',
  edit: 'Открыть',
  save: 'Сохранить',
  saved: 'Сохранено',
  created: 'Создано',
  copy: 'Копировать',
  copied: 'Скопировано',
  delete: 'Удалить',
  deleted: 'Удалено',
  confirmDelete: 'Удалить эту запись?',
  move: 'Переместить',
  moveTo: 'Новая родительская запись',
  moved: 'Перемещено',
  selectRow: 'Выбрать запись {name}',
  selectPage: 'Выбрать все записи на этой странице',
  deleteSelected: 'Удалить выбранные ({n})',
  confirmDeleteMany: 'Удалить записей: {n}? Отменить это будет нельзя.',
  deletedMany: 'Удалено записей: {n}',
  notDeleted: 'Не удалены ({n}):',
  editHint: 'Enter — сохранить, Escape — отмена',
  orderColumn: 'Порядок',
  rowUp: 'Переместить {name} выше',
  rowDown: 'Переместить {name} ниже',
  orderSortedHint: 'Порядок можно менять, когда список не отсортирован и не отфильтрован',
  cancel: 'Отмена',
  close: 'Закрыть',
  record: 'Запись',
  readOnly: 'только чтение',
  required: 'обязательное',
  search: 'Поиск…',
  noValue: '—',
  clear: 'Очистить',
  upload: 'Выбрать файл',
  download: 'Скачать',
  subordinate: 'Подчинённые записи',
  openSubordinate: 'Открыть ({n})',
  back: 'Назад',
  export: 'Выгрузка',
  exportCsv: 'Выгрузить CSV',
  exportBki: 'Выгрузить BKI',
  import: 'Загрузить CSV',
  importTitle: 'Загрузка файла CSV в таблицу {table}',
  importFile: 'Файл CSV (UTF-8, первая строка — названия колонок)',
  importSeparator: 'Разделитель',
  importPreview: 'Предпросмотр: строк {n}',
  importMap: 'Колонка файла для каждой колонки таблицы',
  importSkip: '(пропустить)',
  importStart: 'Загрузить строк: {n}',
  importProgress: 'Загружено {done} из {n}',
  importDone: 'Загрузка завершена: строк {n}',
  runReport: 'Выполнить',
  reportFilters: 'Фильтры отчёта',
  totals: 'Итоги',
  chart: 'Диаграмма',
  chartNone: 'Без диаграммы',
  chartBar: 'Столбцы',
  chartLine: 'Линия',
  chartValue: 'Значение',
  chartLabel: 'Подписи',
  noReports: 'Вам не доступен ни один отчёт.',
  rows: 'Строк: {n}',
  schemaTitle: 'Таблицы и колонки',
  newTable: 'Новая таблица',
  tableName: 'Название таблицы',
  baseType: 'Тип',
  unique: 'уникальная',
  saveTable: 'Переименовать / сохранить',
  create: 'Создать',
  addColumn: 'Добавить колонку',
  columnName: 'Название колонки',
  reference: 'Ссылка на',
  referenceNone: '(не ссылка)',
  referenceLabel: 'Ссылка',
  multi: 'множественный выбор',
  alias: 'Псевдоним',
  setAlias: 'Задать псевдоним',
  up: 'Выше',
  toggleRequired: 'Обязательное',
  toggleMulti: 'Множественное',
  deleteColumn: 'Удалить колонку',
  deleteTable: 'Удалить таблицу',
  noSchemaRight: 'Вам не разрешено менять структуру.',
  errorNetwork: 'Сервер не отвечает',
  errorNoSession: 'Вход не открыл сеанс',
  errorHttp: 'Сервер ответил ошибкой ({status})',
  keyboardHint: 'Стрелки — перемещение, Enter — открыть, F2 — изменить ячейку, Пробел — выбрать, Alt+↑/↓ — порядок, PgUp/PgDn — страницы',
  subordinateOf: 'Записи таблицы {table} в записи {record}',
  chat: 'Чат с ИИ',
  chatTitle: 'Вопросы об этой базе',
  chatHint: 'Помощник видит таблицы и поля, доступные вам для чтения, и открытый отчёт, если вы его приложите.',
  chatPlaceholder: 'Ваш вопрос',
  chatSend: 'Отправить',
  chatStop: 'Остановить',
  chatClear: 'Новый разговор',
  chatWithReport: 'Приложить открытый отчёт',
  chatYou: 'Вы',
  chatAssistant: 'Помощник',
  chatAnsweredBy: 'Ответил {provider}',
  chatThinking: 'Ждём ответа…',
  chatNotConfigured: 'Чат с ИИ на этом сервере не настроен: администратор задаёт ключ поставщика ИИ.',
  chatUnavailable: 'Ни один поставщик ИИ не ответил; попробуйте позже.',
  chatInterrupted: 'Ответ оборвался; спросите ещё раз.',
  chatSignedOut: 'Сеанс закончился; войдите снова.',
  chatFailed: 'Чат с ИИ не сработал: {reason}',
};

/** names of the base types for the structure editor and labels */
export const BASE_LABELS: Record<Locale, Record<number, string>> = {
  en: { 3: 'Short text', 8: 'Text', 12: 'Memo', 2: 'HTML', 13: 'Number', 14: 'Decimal', 9: 'Date', 4: 'Date and time', 11: 'Yes/no', 10: 'File', 6: 'Password' },
  ru: { 3: 'Строка', 8: 'Текст', 12: 'Многострочный текст', 2: 'HTML', 13: 'Целое число', 14: 'Дробное число', 9: 'Дата', 4: 'Дата и время', 11: 'Да/нет', 10: 'Файл', 6: 'Пароль' },
};

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'ru' || stored === 'en') return stored;
  } catch {
    // storage blocked: the browser's language decides
  }
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export const locale = ref<Locale>(initialLocale());

export function setLocale(next: Locale): void {
  locale.value = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered, still switched
  }
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = (locale.value === 'ru' ? ru : en)[key];
  return text.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? ''));
}

/** An error for the user, in the chosen language: the engine's message translated for EN. */
export function tr(error: unknown): string {
  if (error instanceof EngineError) {
    if (error.message === 'NETWORK') return t('errorNetwork');
    if (error.message === 'NO_SESSION') return t('errorNoSession');
    const http = /^HTTP (\d+)$/.exec(error.message);
    if (http) return t('errorHttp', { status: http[1] });
    return engineText(error.message);
  }
  return error instanceof Error ? error.message : String(error);
}

/** One of the engine's messages (an error, a warning, a per-record refusal) in the user's language. */
export function engineText(message: string): string {
  return locale.value === 'en' ? engineMessageEn(message) : ruForEnglish(message);
}

/** the engine's few English messages, for a Russian user */
function ruForEnglish(message: string): string {
  const table: Array<[RegExp, string]> = [
    [/^Types mismatch (.*)$/, 'Запись нельзя переместить туда (типы $1)'],
    [/^Cannot update meta-data$/, 'Это описание таблицы, а не запись'],
    [/^No authorization token provided$/, 'Вы не вошли в систему'],
    [/^Invalid database$/, 'Недопустимое имя базы'],
    [/^Invalid (ID|id|order)$/, 'Недопустимое значение'],
    [/^The server is busy.*$/, 'Сервер занят, повторите через минуту'],
    [/^Database unavailable.*$/, 'База данных недоступна'],
    [/^The request .* is too large.*$/, 'Слишком большой запрос или файл'],
  ];
  for (const [pattern, text] of table) if (pattern.test(message)) return message.replace(pattern, text);
  return message;
}
