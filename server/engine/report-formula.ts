/**
 * The small expression language of report formulas (column formula 101, WHERE 262, HAVING 263,
 * the request's WHERE). The PHP engine pastes these texts into its SQL; we parse them instead
 * (docs/compatibility.md, "Deliberate differences") and the storage layer compiles the tree
 * into parameterised SQL. Anything outside the grammar is a FormulaError naming the token.
 *
 *   expr    := and (OR and)*
 *   and     := not (AND not)*
 *   not     := NOT not | compare
 *   compare := sum [ (= | <> | != | < | <= | > | >=) sum
 *                  | [NOT] LIKE sum | [NOT] IN ( expr, … ) | IS [NOT] NULL | [NOT] BETWEEN sum AND sum ]
 *   sum     := product ((+ | -) product)*
 *   product := unary ((* | /) unary)*
 *   unary   := (- | +) unary | primary
 *   primary := number | 'text' | "text" | NULL | TRUE | FALSE | [THIS] | [report] | name | name ( [expr, …] ) | ( expr )
 *   name    := word | word.word
 *
 * `COUNT(*)` is the one place a `*` may stand alone. `[report]` (any text without brackets) names
 * another report whose value the formula uses (a sub-report, report-sub.ts) or a built-in (`[TODAY]`).
 */

export type FormulaNode =
  | { kind: 'number'; value: number }
  | { kind: 'text'; value: string }
  | { kind: 'null' }
  | { kind: 'this' }
  | { kind: 'report'; name: string }
  | { kind: 'star' }
  | { kind: 'name'; name: string }
  | { kind: 'call'; name: string; args: FormulaNode[] }
  | { kind: 'neg' | 'not'; arg: FormulaNode }
  | { kind: 'binary'; op: FormulaBinaryOp; left: FormulaNode; right: FormulaNode }
  | { kind: 'like'; arg: FormulaNode; pattern: FormulaNode; negate: boolean }
  | { kind: 'in'; arg: FormulaNode; list: FormulaNode[]; negate: boolean }
  | { kind: 'isNull'; arg: FormulaNode; negate: boolean }
  | { kind: 'between'; arg: FormulaNode; low: FormulaNode; high: FormulaNode; negate: boolean };

export type FormulaBinaryOp = '+' | '-' | '*' | '/' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

/** A text that is not a formula of the grammar; the message names the token (never any SQL). */
export class FormulaError extends Error {}

/** texts longer than this are refused before parsing (a formula is a line, not a program) */
const MAX_FORMULA_LENGTH = 4000;
/** nesting deeper than this is refused (the parser recurses) */
const MAX_DEPTH = 64;

type Token =
  | { kind: 'number'; text: string; value: number }
  | { kind: 'text'; text: string; value: string }
  | { kind: 'word'; text: string }
  | { kind: 'this'; text: string }
  | { kind: 'report'; text: string; name: string }
  | { kind: 'op'; text: string }
  | { kind: 'end'; text: string };

const OPERATORS = ['<=', '>=', '<>', '!=', '=', '<', '>', '+', '-', '*', '/', '(', ')', ','];
/** a name, or a qualified one (`a1018.val` in a FROM record's JOIN ON) */
const WORD = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)?/u;
const NUMBER = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?/;

export function tokenize(source: string): Token[] {
  if (source.length > MAX_FORMULA_LENGTH) throw new FormulaError(`слишком длинное выражение (больше ${MAX_FORMULA_LENGTH} символов)`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest.toUpperCase().startsWith('[THIS]')) {
      tokens.push({ kind: 'this', text: rest.slice(0, 6) });
      i += 6;
      continue;
    }
    const bracket = /^\[([^[\]]+)\]/.exec(rest);
    if (bracket) {
      tokens.push({ kind: 'report', text: bracket[0], name: bracket[1] });
      i += bracket[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // a quote inside is doubled; backslashes are plain characters (no escapes to reason about)
      let value = '';
      let j = 1;
      for (;;) {
        if (j >= rest.length) throw new FormulaError(`незакрытая строка ${rest.slice(0, 20)}`);
        if (rest[j] === quote) {
          if (rest[j + 1] === quote) {
            value += quote;
            j += 2;
            continue;
          }
          break;
        }
        value += rest[j];
        j++;
      }
      tokens.push({ kind: 'text', text: rest.slice(0, j + 1), value });
      i += j + 1;
      continue;
    }
    // comment markers are refused outright (write `a - -1` for a double minus)
    if (rest.startsWith('--') || rest.startsWith('/*')) throw new FormulaError(`комментарии недопустимы: «${rest.slice(0, 2)}»`);
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: 'op', text: op });
      i += op.length;
      continue;
    }
    throw new FormulaError(`недопустимый символ «${[...rest][0]}»`);
  }
  tokens.push({ kind: 'end', text: 'конец выражения' });
  return tokens;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== 'end') this.pos++;
    return t;
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.tokens[this.pos + offset];
    return t !== undefined && t.kind === 'word' && t.text.toUpperCase() === word;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === op;
  }

  private expectOp(op: string): void {
    if (!this.isOp(op)) throw this.unexpected();
    this.next();
  }

  private unexpected(): FormulaError {
    const t = this.peek();
    return new FormulaError(t.kind === 'end' ? 'выражение оборвано' : `неожиданный элемент «${t.text}»`);
  }

  parseAll(): FormulaNode {
    if (this.peek().kind === 'end') throw new FormulaError('пустое выражение');
    const node = this.expr();
    if (this.peek().kind !== 'end') throw this.unexpected();
    return node;
  }

  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new FormulaError('слишком глубокая вложенность выражения');
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private expr(): FormulaNode {
    return this.nested(() => {
      let left = this.and();
      while (this.isWord('OR')) {
        this.next();
        left = { kind: 'binary', op: 'OR', left, right: this.and() };
      }
      return left;
    });
  }

  private and(): FormulaNode {
    let left = this.not();
    while (this.isWord('AND')) {
      this.next();
      left = { kind: 'binary', op: 'AND', left, right: this.not() };
    }
    return left;
  }

  private not(): FormulaNode {
    if (this.isWord('NOT')) {
      this.next();
      return this.nested(() => ({ kind: 'not', arg: this.not() }));
    }
    return this.compare();
  }

  private compare(): FormulaNode {
    const arg = this.sum();
    const t = this.peek();
    if (t.kind === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      const op = (t.text === '!=' ? '<>' : t.text) as FormulaBinaryOp;
      return { kind: 'binary', op, left: arg, right: this.sum() };
    }
    if (this.isWord('IS')) {
      this.next();
      const negate = this.isWord('NOT');
      if (negate) this.next();
      if (!this.isWord('NULL')) throw this.unexpected();
      this.next();
      return { kind: 'isNull', arg, negate };
    }
    const negate = this.isWord('NOT') && (this.isWord('LIKE', 1) || this.isWord('IN', 1) || this.isWord('BETWEEN', 1));
    if (negate) this.next();
    if (this.isWord('LIKE')) {
      this.next();
      return { kind: 'like', arg, pattern: this.sum(), negate };
    }
    if (this.isWord('IN')) {
      this.next();
      this.expectOp('(');
      const list = [this.expr()];
      while (this.isOp(',')) {
        this.next();
        list.push(this.expr());
      }
      this.expectOp(')');
      return { kind: 'in', arg, list, negate };
    }
    if (this.isWord('BETWEEN')) {
      this.next();
      const low = this.sum();
      if (!this.isWord('AND')) throw this.unexpected();
      this.next();
      return { kind: 'between', arg, low, high: this.sum(), negate };
    }
    return arg;
  }

  private sum(): FormulaNode {
    let left = this.product();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as '+' | '-';
      left = { kind: 'binary', op, left, right: this.product() };
    }
    return left;
  }

  private product(): FormulaNode {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next().text as '*' | '/';
      left = { kind: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): FormulaNode {
    if (this.isOp('-')) {
      this.next();
      return this.nested(() => ({ kind: 'neg', arg: this.unary() }));
    }
    if (this.isOp('+')) {
      this.next();
      return this.nested(() => this.unary());
    }
    return this.primary();
  }

  private primary(): FormulaNode {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        if (!Number.isFinite(t.value)) throw new FormulaError(`слишком большое число ${t.text}`);
        return { kind: 'number', value: t.value };
      case 'text':
        this.next();
        return { kind: 'text', value: t.value };
      case 'this':
        this.next();
        return { kind: 'this' };
      case 'report':
        this.next();
        return { kind: 'report', name: t.name };
      case 'word': {
        const upper = t.text.toUpperCase();
        if (upper === 'NULL') {
          this.next();
          return { kind: 'null' };
        }
        if (upper === 'TRUE' || upper === 'FALSE') {
          this.next();
          return { kind: 'number', value: upper === 'TRUE' ? 1 : 0 };
        }
        if (['AND', 'OR', 'NOT', 'LIKE', 'IN', 'IS', 'BETWEEN'].includes(upper)) throw this.unexpected();
        this.next();
        if (!this.isOp('(')) return { kind: 'name', name: t.text };
        this.next();
        const args: FormulaNode[] = [];
        if (upper === 'COUNT' && this.isOp('*')) {
          this.next();
          args.push({ kind: 'star' });
        } else if (!this.isOp(')')) {
          args.push(this.expr());
          while (this.isOp(',')) {
            this.next();
            args.push(this.expr());
          }
        }
        this.expectOp(')');
        return { kind: 'call', name: t.text, args };
      }
      case 'op':
        if (t.text === '(') {
          this.next();
          const inner = this.expr();
          this.expectOp(')');
          return inner;
        }
        throw this.unexpected();
      default:
        throw this.unexpected();
    }
  }
}

/** parses a formula text; throws FormulaError */
export function parseFormula(source: string): FormulaNode {
  return new Parser(tokenize(source)).parseAll();
}

/** a formula that is just one name: on a real column it names the column (an alias) */
export function isBareName(source: string): boolean {
  return /^\s*[\p{L}_][\p{L}\p{N}_]*\s*$/u.test(source) && !/^\s*(NULL|TRUE|FALSE)\s*$/i.test(source);
}
