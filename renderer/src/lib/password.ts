// The admin password rules the wizard checks before sending; the same limits the server enforces
// (server/appliance/admin-account.ts: 8..72 characters, bcrypt's limit, not only spaces). The server's
// message still wins if it ever becomes stricter.

import type { MessageKey } from '../i18n/messages.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 72;

export type PasswordProblem = 'tooShort' | 'tooLong' | 'onlySpaces' | 'mismatch';

/** Each problem's text (with the limits as {min} and {max}). */
export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem, MessageKey> = {
  tooShort: 'wizard.password.tooShort',
  tooLong: 'wizard.password.tooLong',
  onlySpaces: 'wizard.password.onlySpaces',
  mismatch: 'wizard.password.mismatch',
};

export function passwordProblems(password: string, repeat: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push('tooShort');
  if (password.length > PASSWORD_MAX_LENGTH) problems.push('tooLong');
  if (password.length > 0 && password.trim() === '') problems.push('onlySpaces');
  if (password !== repeat) problems.push('mismatch');
  return problems;
}

// The rules of an Integram user's login and password (server/http/api/schemas.ts LOGIN_RULE and
// passwordProblems): a new database's admin and a user added from the console, checked here to answer
// at once in the admin's language.
export const INTEGRAM_LOGIN_RULE = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;

export function integramPasswordOk(password: string, login: string): boolean {
  return [...password].length >= 8 && /\p{L}/u.test(password) && /\p{N}/u.test(password)
    && password.trim().toLowerCase() !== login.trim().toLowerCase();
}
