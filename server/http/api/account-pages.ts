/**
 * The small pages a mailed link opens when no FRONTEND_URL takes it (docs/modern-api.md, "Mail"):
 * the new-password form of a reset link and the answer pages. Plain HTML in Russian and English,
 * no script (the server's CSP allows none inline); the form posts to the same address.
 */
import type { Response } from 'express';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1f2933; }
label { display: block; margin-top: 1rem; }
input { width: 100%; padding: .5rem; box-sizing: border-box; }
button { margin-top: 1.25rem; padding: .5rem 1.25rem; }
.en { color: #52606d; }
.error { color: #b42318; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** Two lines, Russian first, then English. */
function both(ru: string, en: string, tag = 'p', cls = ''): string {
  const c = cls ? ` class="${cls}"` : '';
  return `<${tag}${c}>${escapeHtml(ru)}</${tag}>\n<${tag} class="en${cls ? ` ${cls}` : ''}">${escapeHtml(en)}</${tag}>`;
}

export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
}

export function resetFormPage(token: string, problem?: { ru: string; en: string }): string {
  return page('Новый пароль / New password', [
    both('Новый пароль', 'New password', 'h1'),
    problem ? both(problem.ru, problem.en, 'p', 'error') : '',
    `<form method="post" action="reset-password">`,
    `<input type="hidden" name="token" value="${escapeHtml(token)}">`,
    `<label for="password">Новый пароль / New password</label>`,
    `<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">`,
    `<label for="password2">Ещё раз / Once more</label>`,
    `<input id="password2" name="password2" type="password" autocomplete="new-password" required minlength="8">`,
    `<button type="submit">Сохранить / Save</button>`,
    `</form>`,
    both('Не короче 8 символов, хотя бы одна буква и одна цифра.', 'At least 8 characters, at least one letter and one digit.'),
  ].join('\n'));
}

export function donePage(db: string, login: string, what: 'reset' | 'confirmed'): string {
  const ru = what === 'reset' ? `Пароль пользователя ${login} в базе ${db} изменён.` : `Адрес почты подтверждён: пользователь ${login} в базе ${db} может войти.`;
  const en = what === 'reset' ? `The password of ${login} in the database ${db} is changed.` : `Your e-mail address is confirmed: ${login} can sign in to the database ${db}.`;
  return page('Готово / Done', [
    both('Готово', 'Done', 'h1'),
    both(ru, en),
    `<p><a href="/${encodeURIComponent(db)}">/${escapeHtml(db)}</a></p>`,
  ].join('\n'));
}

export function linkInvalidPage(): string {
  return page('Ссылка недействительна / Link not valid', [
    both('Ссылка недействительна', 'This link is not valid', 'h1'),
    both(
      'Ею уже воспользовались, её срок истёк или она скопирована не полностью. Запросите новую.',
      'It was used already, has expired, or was copied incompletely. Ask for a new one.',
    ),
  ].join('\n'));
}
