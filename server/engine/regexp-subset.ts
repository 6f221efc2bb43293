/**
 * The part of regular-expression syntax that MariaDB's REGEXP (PCRE2) and PostgreSQL's `~*` (ARE)
 * read alike, for the engine's `REGEXP:` filter values in reports. Anything outside it gets a reason
 * instead of reaching a database: the two stores must give the same rows, and no pattern may fail as
 * SQL or run away (no backreferences, no look-arounds, no nested repetition, bounded size).
 *
 * Accepted: literal characters; `.`, `^`, `$`, `|`; groups `( … )`; bracket expressions `[…]`, `[^…]`
 * with ranges (no `[:class:]`, no escapes inside); the quantifiers `*`, `+`, `?`, `{n}`, `{n,}`,
 * `{n,m}` (n, m ≤ 255) once after an atom; `\` before one of `.^$|()[]{}*+?\-/`.
 */

export const MAX_REGEXP_LENGTH = 200;
const MAX_REPEAT = 255;
const ESCAPABLE = new Set('.^$|()[]{}*+?\\-/'.split(''));

/** why `pattern` is outside the portable subset (a short English/Russian text), or null when it is inside */
export function portableRegexpProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'пустой шаблон / empty pattern';
  if (pattern.length > MAX_REGEXP_LENGTH) return `длиннее ${MAX_REGEXP_LENGTH} символов / longer than ${MAX_REGEXP_LENGTH} characters`;
  // each open group: whether something inside it is repeated
  const groups: boolean[] = [];
  /** what the last atom was: nothing to repeat, a plain atom, a group with repetition inside, or already repeated */
  let last: 'none' | 'atom' | 'group' | 'nestedGroup' | 'repeated' = 'none';
  const repeat = (at: number): string | null => {
    if (last === 'none') return `повтор без выражения в позиции ${at + 1} / nothing to repeat at ${at + 1}`;
    if (last === 'repeated') return `двойной повтор в позиции ${at + 1} / repeated repetition at ${at + 1}`;
    if (last === 'nestedGroup') return `вложенный повтор в позиции ${at + 1} / nested repetition at ${at + 1}`;
    if (groups.length) groups[groups.length - 1] = true;
    last = 'repeated';
    return null;
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch.charCodeAt(0) < 32) return `управляющий символ в позиции ${i + 1} / control character at ${i + 1}`;
    switch (ch) {
      case '\\': {
        const next = pattern[i + 1];
        if (next === undefined || !ESCAPABLE.has(next)) return `«\\${next ?? ''}» не поддерживается / «\\${next ?? ''}» is not supported`;
        i++;
        last = 'atom';
        break;
      }
      case '(':
        if (pattern[i + 1] === '?') return `«(?» не поддерживается / «(?» is not supported`;
        groups.push(false);
        last = 'none';
        break;
      case ')': {
        if (!groups.length) return `лишняя «)» в позиции ${i + 1} / unbalanced «)» at ${i + 1}`;
        const inner = groups.pop()!;
        if (inner && groups.length) groups[groups.length - 1] = true;
        last = inner ? 'nestedGroup' : 'group';
        break;
      }
      case '[': {
        let j = i + 1;
        if (pattern[j] === '^') j++;
        if (pattern[j] === ']') j++;
        for (; j < pattern.length && pattern[j] !== ']'; j++) {
          if (pattern[j] === '\\') return `«\\» внутри […] не поддерживается / «\\» inside […] is not supported`;
          if (pattern[j] === '[' && /[:.=]/.test(pattern[j + 1] ?? '')) return `классы [: :] не поддерживаются / [: :] classes are not supported`;
        }
        if (j >= pattern.length) return `незакрытая «[» в позиции ${i + 1} / unclosed «[» at ${i + 1}`;
        i = j;
        last = 'atom';
        break;
      }
      case '*': case '+': case '?': {
        const problem = repeat(i);
        if (problem) return problem;
        break;
      }
      case '{': {
        const m = /^\{(\d{1,3})(,(\d{1,3})?)?\}/.exec(pattern.slice(i));
        if (!m) return `«{» без границ повтора в позиции ${i + 1} / «{» without bounds at ${i + 1}`;
        const low = Number(m[1]);
        const high = m[3] === undefined ? low : Number(m[3]);
        if (low > MAX_REPEAT || high > MAX_REPEAT || (m[3] !== undefined && high < low)) {
          return `границы повтора ${m[0]} вне 0…${MAX_REPEAT} / repetition bounds ${m[0]} outside 0…${MAX_REPEAT}`;
        }
        const problem = repeat(i);
        if (problem) return problem;
        i += m[0].length - 1;
        break;
      }
      case '}': case ']':
        return `лишняя «${ch}» в позиции ${i + 1} / unbalanced «${ch}» at ${i + 1}`;
      case '|': case '^': case '$':
        last = 'none';
        break;
      default:
        last = 'atom';
    }
  }
  if (groups.length) return 'незакрытая «(» / unclosed «(»';
  return null;
}
