// The admin password rules the wizard checks before sending (the server checks again and its
// message wins when it is stricter).

export const PASSWORD_MIN_LENGTH = 8;

export type PasswordProblem = 'tooShort' | 'needsLetter' | 'needsDigit' | 'mismatch';

export function passwordProblems(password: string, repeat: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push('tooShort');
  if (!/\p{L}/u.test(password)) problems.push('needsLetter');
  if (!/\d/.test(password)) problems.push('needsDigit');
  if (password !== repeat) problems.push('mismatch');
  return problems;
}
