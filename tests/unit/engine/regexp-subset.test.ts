import { describe, expect, it } from 'vitest';
import { MAX_REGEXP_LENGTH, portableRegexpProblem } from '../../../server/engine/regexp-subset.js';

describe('portableRegexpProblem: the REGEXP: patterns reports pass to both stores', () => {
  it.each([
    '^O', 'e$', 'a.c', '^(O|P)-[0-9]+$', '[^a-z]', 'red|blue', 'R{2}', 'x{1,3}', 'x{2,}', '\\.', '\\(1\\)', '[]a]', '[-a]',
    '(ab)*c', '((a|b)c)?', 'ф[а-я]+', 'a{255}', '^$',
  ])('accepts %s', (pattern) => {
    expect(portableRegexpProblem(pattern)).toBeNull();
    // and a valid JavaScript one too (a sanity check of the grammar), but for `[]…]`, which
    // POSIX and PCRE read as a class holding `]` and JavaScript as an empty class
    if (!pattern.startsWith('[]')) expect(() => new RegExp(pattern, 'i')).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['(a)\\1', /«\\1» is not supported/],
    ['\\d+', /«\\d» is not supported/],
    ['\\b', /is not supported/],
    ['(?=a)', /«\(\?» is not supported/],
    ['(?i)a', /«\(\?» is not supported/],
    ['(a+)+', /nested repetition/],
    ['((a*)b)*', /nested repetition/],
    ['a**', /repeated repetition/],
    ['a+?', /repeated repetition/],
    ['*a', /nothing to repeat/],
    ['(*a)', /nothing to repeat/],
    ['a|*', /nothing to repeat/],
    ['a{256}', /outside/],
    ['a{3,2}', /outside/],
    ['a{', /without bounds/],
    ['a{x}', /without bounds/],
    ['a}', /unbalanced/],
    ['(a', /unclosed «\(»/],
    ['a)', /unbalanced «\)»/],
    ['[a', /unclosed «\[»/],
    ['[[:digit:]]', /classes/],
    ['[\\d]', /inside/],
    ['a\n', /control character/],
    ['a'.repeat(MAX_REGEXP_LENGTH + 1), /longer than/],
  ])('refuses %j', (pattern, reason) => {
    const problem = portableRegexpProblem(pattern);
    expect(problem).not.toBeNull();
    expect(problem).toMatch(reason);
  });

  it('accepts the longest allowed pattern', () => {
    expect(portableRegexpProblem('a'.repeat(MAX_REGEXP_LENGTH))).toBeNull();
  });
});
