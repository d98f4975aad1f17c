/**
 * The Python literals a .npy header is written in (NumPy writes `repr(dict)` and reads it back with
 * `ast.literal_eval`): a small parser, so that no header is ever evaluated as code and a hostile
 * one is refused in time linear in its length.
 */

/** Nesting depth accepted (a NumPy header has 2; a structured dtype a few more). */
const MAX_DEPTH = 16;

/** A Python tuple (a JS array stands for a list). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A parsed literal: str, int, bool, None, list, tuple or dict (string keys). */
export type PyValue = string | number | boolean | null | PyValue[] | PyTuple | Map<string, PyValue>;

/** A syntax error at character `at` of the text. */
export class LiteralSyntaxError extends Error {
  override name = 'LiteralSyntaxError';

  constructor(
    readonly at: number,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Parses the subset of Python literals NumPy headers use (what `ast.literal_eval` would accept for
 * them): strings, integers (with Python 2's trailing L), True/False/None, tuples, lists and dicts
 * with string keys. Bounded by the header length and MAX_DEPTH.
 */
export function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  const fail = (detail: string, at = pos): never => {
    throw new LiteralSyntaxError(at, detail);
  };
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos])) pos++;
  };
  const expectChar = (c: string): void => {
    skipSpace();
    if (text[pos] !== c)
      fail(pos < text.length ? `expected '${c}', found '${text[pos]}'` : `expected '${c}'`);
    pos++;
  };

  const string = (): string => {
    const q = text[pos++];
    let s = '';
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text[pos++];
      if (c === q) return s;
      if (c === '\n') fail('line break inside a string', pos - 1);
      if (c !== '\\') {
        s += c;
        continue;
      }
      const e = text[pos++];
      const simple: Record<string, string> = {
        '\\': '\\',
        "'": "'",
        '"': '"',
        n: '\n',
        t: '\t',
        r: '\r',
        '0': '\0',
      };
      if (e in simple) s += simple[e];
      else if (e === 'x' || e === 'u') {
        const n = e === 'x' ? 2 : 4;
        const digits = text.slice(pos, pos + n);
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== n) fail(`bad \\${e} escape`, pos - 2);
        s += String.fromCharCode(parseInt(digits, 16));
        pos += n;
      } else fail(`unsupported escape '\\${e ?? ''}'`, pos - 2);
    }
  };

  const sequence = (close: string, depth: number): { items: PyValue[]; trailingComma: boolean } => {
    const items: PyValue[] = [];
    let trailingComma = false;
    for (;;) {
      skipSpace();
      if (text[pos] === close) {
        pos++;
        return { items, trailingComma };
      }
      items.push(value(depth + 1));
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        trailingComma = true;
      } else if (text[pos] === close) {
        trailingComma = false;
      } else
        fail(pos < text.length ? `expected ',' or '${close}', found '${text[pos]}'` : `expected '${close}'`);
    }
  };

  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    skipSpace();
    const c = text[pos];
    if (c === undefined) return fail('unexpected end');
    if (c === "'" || c === '"') return string();
    if (c === '(') {
      pos++;
      const { items, trailingComma } = sequence(')', depth);
      // (3) is the number 3 in Python; (3,) is a tuple.
      return items.length === 1 && !trailingComma ? items[0] : new PyTuple(items);
    }
    if (c === '[') {
      pos++;
      return sequence(']', depth).items;
    }
    if (c === '{') {
      pos++;
      const dict = new Map<string, PyValue>();
      for (;;) {
        skipSpace();
        if (text[pos] === '}') {
          pos++;
          return dict;
        }
        const keyAt = pos;
        const key = value(depth + 1);
        if (typeof key !== 'string') fail('a dict key is not a string', keyAt);
        if (dict.has(key as string)) fail(`key '${key}' appears twice`, keyAt);
        expectChar(':');
        dict.set(key as string, value(depth + 1));
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}')
          fail(pos < text.length ? `expected ',' or '}', found '${text[pos]}'` : "expected '}'");
      }
    }
    const word = /^(-?[0-9]+)L?(?![0-9A-Za-z_.])|^(True|False|None)(?![0-9A-Za-z_])/.exec(
      text.slice(pos, pos + 40),
    );
    if (!word) return fail(`unexpected '${c}'`);
    pos += word[0].length;
    if (word[2] === 'True') return true;
    if (word[2] === 'False') return false;
    if (word[2] === 'None') return null;
    return Number(word[1]);
  };

  const result = value(0);
  skipSpace();
  if (pos < text.length) fail(`unexpected '${text[pos]}' after the end of the literal`);
  return result;
}

/** The literal written back as Python would print it, for messages. */
export function pyRepr(v: PyValue): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof PyTuple) return `(${v.items.map(pyRepr).join(', ')}${v.items.length === 1 ? ',' : ''})`;
  return `{${[...v].map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
}
