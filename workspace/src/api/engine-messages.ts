/**
 * The engine's messages are Russian (the PHP engine's texts, kept by ours). A user who chose
 * English reads them through this one table; a Russian user reads them as the engine wrote them.
 * Each entry is a pattern over the whole message and its English text, `$1`… taking the
 * pattern's groups (ids, names, counts). A message no entry matches is shown as it is.
 */
const TABLE: Array<[RegExp, string]> = [
  [/^Неверный логин или пароль.*$/, 'Wrong login or password'],
  [/^Превышено количество попыток авторизации.*$/, 'Too many failed logins. Consider resetting the password.'],
  [/^Слишком много неудачных попыток входа\. Повторите через (\d+) с\.$/, 'Too many failed logins. Try again in $1 s.'],
  [/^Неверный или устаревший токен CSRF\s*$/, 'Your session token is invalid or expired: sign in again'],
  [/^Ошибка авторизации (.*)$/, 'Not signed in to $1'],
  [/^No authorization token provided$/, 'You are not signed in'],
  [/^Ошибка проверки токена (.*)$/, 'Session check failed for $1'],
  [/^Пользователю (.*) не задана роль$/, 'User $1 has no role'],
  [/^У вас нет доступа к реквизиту объекта:? (\d+), (\d+) \(([A-Z]*)\) или его родителю (\d+) \(([A-Z]*)\)[!.]? Ваш глобальный доступ: '([A-Z]*)'\.?$/,
    'You have no access to this field of record $1 (field $2: $3, parent $4: $5; your global access: \'$6\')'],
  [/^У вас нет доступа к реквизиту объекта:? (\d+)[^\d].*$/, 'You have no access to this field of record $1'],
  [/^У вас нет доступа к реквизиту объекта.*$/, 'You have no access to this field of the record'],
  [/^У вас нет доступа на чтение записей объекта (\d+) \(родитель (.*)\)$/, 'You may not read records of $1 (parent $2)'],
  [/^У вас нет доступа к этому объекту \((.*)\) по маске! \((.*)\)$/, 'The access mask does not let you see this record ($1) ($2)'],
  [/^У вас нет доступа к этому объекту \((.*)\)\)! \((.*)\)$/, 'You have no access to this record ($1) ($2)'],
  [/^Нет доступа к по маске реквизита! \((.*)\)$/, 'The access mask of field $1 does not let you see it'],
  [/^К объекту задан доступ по маске родителя - укажите ID родителя$/, 'Access to these records depends on their parent: open them from the parent record'],
  [/^У вас нет прав на создание объектов этого типа\.?$/, 'You may not create records in this table.'],
  [/^У вас нет прав на выгрузку объектов этого типа$/, 'You may not export records of this table'],
  [/^У вас нет прав на загрузку объектов этого типа(.*)$/, 'You may not import records into this table$1'],
  [/^У вас нет прав на массовое удаление объектов этого типа$/, 'You may not delete records of this table in bulk'],
  [/^У вас нет прав на изменение структуры таблицы$/, 'You may not change the structure of this table'],
  [/^(.*): У вас нет прав на редактирование и просмотр типов ?\((.*)\)\.?$/, '$1: you may not view or edit the tables\' structure ($2).'],
  [/^(.*): У вас нет прав на редактирование типов ?\((.*)\)\.?$/, '$1: you may not edit the tables\' structure ($2).'],
  [/^Данные сохранены\. Необходимо заполнить реквизиты, выделенные красным!\s*$/, 'Saved. Please fill in the required fields.'],
  [/^Запись с таким ключом уже существует #(\d+)$/, 'A record with this key already exists (#$1)'],
  [/^Запись уже существует$/, 'The record already exists'],
  [/^Нельзя оставить пустым имя объекта!?\s*$/, 'The first column cannot be left empty'],
  [/^Нельзя удалить объект, на который существуют? ссылки \(всего: (\d+)\)!?$/, 'This record cannot be deleted: other records refer to it ($1)'],
  [/^Нельзя удалить метаданные.*$/, 'Table definitions cannot be deleted here'],
  [/^Нельзя удалить себя как пользователя$/, 'You cannot delete your own user'],
  [/^Нельзя изменить имя администратора, лучше создайте нового$/, 'The administrator cannot be renamed; create a new one instead'],
  [/^Нельзя удалить тип при наличии его экземпляров \(всего: (\d+)\)!?$/, 'The table cannot be deleted while it has records ($1)'],
  [/^ERROR_COLUMN_DATA Вы хотите удалить реквизит у типа при наличии этого реквизита у экземпляров \(всего: (\d+)\)!?$/, 'The column holds data in $1 records; delete it anyway to remove that data too'],
  [/^Тип или его реквизиты используются в (.*)$/, 'The table or its columns are used in $1'],
  [/^Тип (.*) уже существует!?$/, 'Table $1 already exists'],
  [/^Реквизит (.*) уже существует!?$/, 'Column $1 already exists'],
  [/^Пустой тип$/, 'The name is empty'],
  [/^Не задан базовый тип$/, 'No base type given'],
  [/^Неверный базовый тип:? ?\(?(.*?)\)?\s*$/, 'Invalid base type $1'],
  [/^Недопустимый символ «:» в псевдониме (.*)$/, 'An alias cannot contain «:» ($1)'],
  [/^Некорректный тип (\d+) - это базовый тип$/, 'Type $1 is a base type'],
  [/^Проверка типа неуспешна$/, 'The table was not found'],
  [/^Недопустимый тип файла!?$/, 'This file type is not allowed'],
  [/^Файл не найден$/, 'File not found'],
  [/^Выберите файл \(максимальный размер: (\d+) Б\)$/, 'Choose a file (at most $1 bytes)'],
  [/^Ошибка\. Максимальный размер файла: (\d+) Б$/, 'The file is too large (at most $1 bytes)'],
  [/^Файл импорта должен быть в кодировке UTF-8$/, 'The import file must be UTF-8'],
  [/^Пропущен пустой объект типа (\d+) \(строка (\d+)\)$/, 'Skipped an empty record of table $1 (line $2)'],
  [/^Запрос не найден$/, 'Report not found'],
  [/^Пустой отчет (.*)$/, 'Report $1 has no columns'],
  [/^Ошибка в отчёте (.*?): (.*)$/, 'Error in report $1: $2'],
  [/^Неверная дата (.*?)!?\s*$/, 'Invalid date $1'],
  [/^Неверная ссылка(.*)$/, 'Invalid reference$1'],
  [/^Неверный фильтр (.*?): в таблице (.*) нет колонки «(.*)»$/, 'Invalid filter $1: table $2 has no column «$3»'],
  [/^Неверное регулярное выражение в фильтре:?(.*)$/, 'Invalid regular expression in the filter$1'],
  [/^Объект (\d+) не найден, вероятно, он был удален$/, 'Record $1 was not found; it was probably deleted'],
  [/^Запись (\d+) не найдена.*$/, 'Record $1 was not found'],
  [/^Объект не найден$/, 'Record not found'],
  [/^Недопустимые данные: up=0\..*$/, 'Invalid parent (up=0)'],
  [/^Родительский объект (\d+) не найден\.$/, 'Parent record $1 not found.'],
  [/^Types mismatch (.*)$/, 'The record cannot be moved there (types $1)'],
  [/^Cannot update meta-data$/, 'This is a table definition, not a record'],
  [/^Нет набора атрибутов.*$/, 'Nothing to save'],
  [/^База «(.*)» не найдена$/, 'Database «$1» not found'],
  [/^Invalid database$/, 'Invalid database name'],
  [/^The server is busy.*$/, 'The server is busy; try again in a moment'],
  [/^Database unavailable.*$/, 'The database is unavailable'],
];

/** The engine's message in English (a pattern of the table), or the message itself. */
export function engineMessageEn(message: string): string {
  for (const [pattern, english] of TABLE) {
    if (pattern.test(message)) return message.replace(pattern, english);
  }
  return message;
}
