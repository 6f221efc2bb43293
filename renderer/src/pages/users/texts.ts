// The Users & roles page's texts for the admin API's codes: an outcome's code and parameters, or an
// error's code and fields, in the chosen language; an unknown code falls back to the console's error text.
import type { DbUsersAnswer } from '../../contract.js';
import { errorText } from '../../app-state.js';
import { ApiError } from '../../bridge/errors.js';
import { isMessageKey, t } from '../../i18n/index.js';

export function usersErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `users.error.${error.code}`;
    if (isMessageKey(key)) return t(key, error.fields);
  }
  return errorText(error);
}

export function usersDoneText(answer: DbUsersAnswer): string {
  const key = `users.done.${answer.code}`;
  return isMessageKey(key) ? t(key, answer.params) : answer.code;
}

