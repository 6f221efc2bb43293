// The admin password rules the wizard checks before sending; the same limits the server enforces
// (server/appliance/admin-account.ts: 8..72 characters, bcrypt's limit, not only spaces). The server's
// message still wins if it ever becomes stricter.

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 72;

export type PasswordProblem = 'tooShort' | 'tooLong' | 'onlySpaces' | 'mismatch';

export function passwordProblems(password: string, repeat: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push('tooShort');
  if (password.length > PASSWORD_MAX_LENGTH) problems.push('tooLong');
  if (password.length > 0 && password.trim() === '') problems.push('onlySpaces');
  if (password !== repeat) problems.push('mismatch');
  return problems;
}
