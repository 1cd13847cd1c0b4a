/**
 * Reads Python source without running it: logical lines, the statement tree that
 * indentation implies, and a small expression parser for the constant-ish expressions
 * upstream projects write in class bodies (literals, names, calls, comparisons).
 *
 * Used by the knowledge generators on trusted upstream sources; it is not part of the
 * product core. It never throws on odd input: what it cannot read becomes `opaque`.
 */

/** One logical line: physical lines joined where brackets or a backslash continue them. */
export interface LogicalLine {
  /** Columns of leading whitespace (a tab advances to the next multiple of 8). */
  readonly indent: number;
  /** The code with comments removed; string literals are kept exactly as written. */
  readonly text: string;
  /** 1-based number of the physical line the logical line starts on. */
  readonly line: number;
}

export interface Statement {
  readonly line: LogicalLine;
  /** Statements indented under this one (the suite of a compound statement). */
  readonly body: Statement[];
}

const COMPOUND_KEYWORDS = /^(if|elif|else|for|while|try|except|finally|with|def|class|async)\b/;

export function logicalLines(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let text = '';
  let indent = 0;
  let startLine = 1;
  let physicalLine = 1;
  let depth = 0;
  let atLineStart = true;
  let index = 0;

  const finishLine = (): void => {
    if (text.trim() !== '') lines.push({ indent, text: text.trim(), line: startLine });
    text = '';
    atLineStart = true;
  };

  while (index < source.length) {
    if (atLineStart) {
      // Measure indentation of a fresh logical line.
      let column = 0;
      while (index < source.length && (source[index] === ' ' || source[index] === '\t' || source[index] === '\f')) {
        column = source[index] === '\t' ? (Math.floor(column / 8) + 1) * 8 : column + 1;
        index++;
      }
      indent = column;
      startLine = physicalLine;
      atLineStart = false;
      continue;
    }
    const char = source[index]!;
    if (char === '#') {
      while (index < source.length && source[index] !== '\n') index++;
      continue;
    }
    if (char === '\\' && source[index + 1] === '\n') {
      text += ' ';
      index += 2;
      physicalLine++;
      continue;
    }
    if (char === '\\' && source[index + 1] === '\r' && source[index + 2] === '\n') {
      text += ' ';
      index += 3;
      physicalLine++;
      continue;
    }
    if (char === '\n') {
      physicalLine++;
      index++;
      if (depth > 0) text += ' ';
      else finishLine();
      continue;
    }
    if (char === '\r') {
      index++;
      continue;
    }
    if (char === '"' || char === "'") {
      const end = stringLiteralEnd(source, index);
      const literal = source.slice(index, end);
      for (const c of literal) if (c === '\n') physicalLine++;
      text += literal;
      index = end;
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth++;
    else if ((char === ')' || char === ']' || char === '}') && depth > 0) depth--;
    text += char;
    index++;
  }
  finishLine();
  return lines;
}

/** Offset just past the string literal whose opening quote is at `start`. */
function stringLiteralEnd(source: string, start: number): number {
  const quote = source[start]!;
  const triple = source.startsWith(quote.repeat(3), start);
  let index = start + (triple ? 3 : 1);
  while (index < source.length) {
    const char = source[index]!;
    // A backslash keeps the next character from closing the literal, raw or not.
    if (char === '\\') {
      index += 2;
      continue;
    }
    if (triple) {
      if (source.startsWith(quote.repeat(3), index)) return index + 3;
    } else if (char === quote) {
      return index + 1;
    } else if (char === '\n') {
      return index; // unterminated: stop at the line end
    }
    index++;
  }
  return source.length;
}

/** Builds the statement tree from indentation; one-line suites (`if x: y`) are split. */
export function statementTree(source: string): Statement[] {
  const root: Statement[] = [];
  const stack: { indent: number; statement: Statement }[] = [];
  for (const logical of logicalLines(source)) {
    for (const line of splitOneLineSuite(logical)) {
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= line.indent) stack.pop();
      const statement: Statement = { line, body: [] };
      const parent = stack[stack.length - 1];
      if (parent) parent.statement.body.push(statement);
      else root.push(statement);
      stack.push({ indent: line.indent, statement });
    }
  }
  return root;
}

function splitOneLineSuite(line: LogicalLine): LogicalLine[] {
  if (!COMPOUND_KEYWORDS.test(line.text)) return [line];
  const colon = topLevelColon(line.text);
  if (colon < 0 || line.text.slice(colon + 1).trim() === '') return [line];
  return [
    { ...line, text: line.text.slice(0, colon + 1) },
    { indent: line.indent + 1, text: line.text.slice(colon + 1).trim(), line: line.line },
  ];
}

/** Offset of the first colon outside brackets and strings, or -1. */
export function topLevelColon(text: string): number {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"' || char === "'") {
      index = stringLiteralEnd(text, index) - 1;
    } else if (char === '(' || char === '[' || char === '{') {
      depth++;
    } else if (char === ')' || char === ']' || char === '}') {
      depth--;
    } else if (char === ':' && depth === 0) {
      return index;
    }
  }
  return -1;
}

// ------------------------------------------------------------------ expressions

export type PyConstant = string | number | boolean | null;

export type PyExpr =
  | { readonly kind: 'const'; readonly value: PyConstant }
  | { readonly kind: 'list' | 'tuple' | 'set'; readonly items: readonly PyExpr[] }
  | { readonly kind: 'dict'; readonly entries: readonly (readonly [PyExpr, PyExpr])[] }
  | { readonly kind: 'name'; readonly id: string }
  | { readonly kind: 'attribute'; readonly object: PyExpr; readonly name: string }
  | {
      readonly kind: 'call';
      readonly callee: PyExpr;
      readonly args: readonly PyExpr[];
      readonly keywords: readonly { readonly name: string; readonly value: PyExpr }[];
    }
  | { readonly kind: 'subscript'; readonly object: PyExpr; readonly index: PyExpr }
  | { readonly kind: 'compare'; readonly left: PyExpr; readonly ops: readonly string[]; readonly rights: readonly PyExpr[] }
  | { readonly kind: 'unary'; readonly op: string; readonly operand: PyExpr }
  | { readonly kind: 'binary'; readonly op: string; readonly left: PyExpr; readonly right: PyExpr }
  | { readonly kind: 'boolean'; readonly op: 'and' | 'or'; readonly values: readonly PyExpr[] }
  | { readonly kind: 'conditional'; readonly test: PyExpr; readonly then: PyExpr; readonly otherwise: PyExpr }
  | { readonly kind: 'opaque'; readonly text: string };

interface Token {
  readonly kind: 'name' | 'number' | 'string' | 'op' | 'end';
  readonly text: string;
}

const OPERATORS = ['**=', '//=', '>>=', '<<=', '->', '**', '//', '==', '!=', '<=', '>=', '<<', '>>', ':='];

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index++;
      continue;
    }
    const prefix = /^[rRbBuUfF]{1,2}(?=['"])/.exec(text.slice(index, index + 3));
    if (char === '"' || char === "'" || prefix) {
      const quoteAt = index + (prefix ? prefix[0].length : 0);
      const end = stringLiteralEnd(text, quoteAt);
      tokens.push({ kind: 'string', text: text.slice(index, end) });
      index = end;
      continue;
    }
    if (/[A-Za-z_]/.test(char)) {
      let end = index + 1;
      while (end < text.length && /\w/.test(text[end]!)) end++;
      tokens.push({ kind: 'name', text: text.slice(index, end) });
      index = end;
      continue;
    }
    if (/\d/.test(char) || (char === '.' && /\d/.test(text[index + 1] ?? ''))) {
      const match = /^(0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(\d[\d_]*)?\.?\d[\d_]*([eE][+-]?\d+)?|\d[\d_]*\.)[jJlL]?/.exec(
        text.slice(index),
      );
      if (!match) return undefined;
      tokens.push({ kind: 'number', text: match[0] });
      index += match[0].length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => text.startsWith(candidate, index));
    if (operator) {
      tokens.push({ kind: 'op', text: operator });
      index += operator.length;
      continue;
    }
    if ('()[]{},:.=<>+-*/%@~|&^;'.includes(char)) {
      tokens.push({ kind: 'op', text: char });
      index++;
      continue;
    }
    return undefined;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

class ExpressionSyntaxError extends Error {}

/** Parses one Python expression; anything outside the supported subset is `opaque`. */
export function parseExpression(text: string): PyExpr {
  const opaque: PyExpr = { kind: 'opaque', text: text.trim() };
  const tokens = tokenize(text);
  if (!tokens) return opaque;
  try {
    const parser = new ExpressionParser(tokens);
    const expression = parser.expressionList();
    if (!parser.atEnd()) return opaque;
    return expression;
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return opaque;
    throw error;
  }
}

class ExpressionParser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  atEnd(): boolean {
    return this.peek().kind === 'end';
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    this.position++;
    return token;
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.text === text;
  }

  private isKeyword(text: string): boolean {
    const token = this.peek();
    return token.kind === 'name' && token.text === text;
  }

  private expect(text: string): void {
    if (!this.isOp(text)) throw new ExpressionSyntaxError(`expected ${text}`);
    this.position++;
  }

  /** `a, b` at the top level is a tuple, as in `x = 1, 2`. */
  expressionList(): PyExpr {
    const first = this.expression();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.atEnd()) break;
      items.push(this.expression());
    }
    return { kind: 'tuple', items };
  }

  expression(): PyExpr {
    if (this.isKeyword('lambda')) throw new ExpressionSyntaxError('lambda');
    const value = this.orTest();
    if (this.isKeyword('if')) {
      this.next();
      const test = this.orTest();
      if (!this.isKeyword('else')) throw new ExpressionSyntaxError('conditional without else');
      this.next();
      const otherwise = this.expression();
      return { kind: 'conditional', test, then: value, otherwise };
    }
    return value;
  }

  private orTest(): PyExpr {
    const values = [this.andTest()];
    while (this.isKeyword('or')) {
      this.next();
      values.push(this.andTest());
    }
    return values.length === 1 ? values[0]! : { kind: 'boolean', op: 'or', values };
  }

  private andTest(): PyExpr {
    const values = [this.notTest()];
    while (this.isKeyword('and')) {
      this.next();
      values.push(this.notTest());
    }
    return values.length === 1 ? values[0]! : { kind: 'boolean', op: 'and', values };
  }

  private notTest(): PyExpr {
    if (this.isKeyword('not')) {
      this.next();
      return { kind: 'unary', op: 'not', operand: this.notTest() };
    }
    return this.comparison();
  }

  private comparison(): PyExpr {
    const left = this.arithmetic();
    const ops: string[] = [];
    const rights: PyExpr[] = [];
    for (;;) {
      const token = this.peek();
      let op: string | undefined;
      if (token.kind === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(token.text)) {
        op = token.text;
        this.next();
      } else if (this.isKeyword('in')) {
        op = 'in';
        this.next();
      } else if (this.isKeyword('not') && this.peek(1).kind === 'name' && this.peek(1).text === 'in') {
        op = 'not in';
        this.position += 2;
      } else if (this.isKeyword('is')) {
        this.next();
        op = 'is';
        if (this.isKeyword('not')) {
          this.next();
          op = 'is not';
        }
      }
      if (op === undefined) break;
      ops.push(op);
      rights.push(this.arithmetic());
    }
    return ops.length === 0 ? left : { kind: 'compare', left, ops, rights };
  }

  private arithmetic(): PyExpr {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-') || this.isOp('|') || this.isOp('&') || this.isOp('^')) {
      const op = this.next().text;
      left = { kind: 'binary', op, left, right: this.term() };
    }
    return left;
  }

  private term(): PyExpr {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%') || this.isOp('@')) {
      const op = this.next().text;
      left = { kind: 'binary', op, left, right: this.factor() };
    }
    return left;
  }

  private factor(): PyExpr {
    if (this.isOp('-') || this.isOp('+') || this.isOp('~')) {
      const op = this.next().text;
      return { kind: 'unary', op, operand: this.factor() };
    }
    const base = this.primary();
    if (this.isOp('**')) {
      this.next();
      return { kind: 'binary', op: '**', left: base, right: this.factor() };
    }
    return base;
  }

  private primary(): PyExpr {
    let value = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const name = this.next();
        if (name.kind !== 'name') throw new ExpressionSyntaxError('attribute name');
        value = { kind: 'attribute', object: value, name: name.text };
      } else if (this.isOp('(')) {
        this.next();
        value = this.callArguments(value);
      } else if (this.isOp('[')) {
        this.next();
        const index = this.expressionList();
        this.expect(']');
        value = { kind: 'subscript', object: value, index };
      } else {
        return value;
      }
    }
  }

  private callArguments(callee: PyExpr): PyExpr {
    const args: PyExpr[] = [];
    const keywords: { name: string; value: PyExpr }[] = [];
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) throw new ExpressionSyntaxError('unpacking');
      if (this.peek().kind === 'name' && this.peek(1).kind === 'op' && this.peek(1).text === '=') {
        const name = this.next().text;
        this.next();
        keywords.push({ name, value: this.expression() });
      } else {
        args.push(this.expression());
      }
      if (this.isKeyword('for')) throw new ExpressionSyntaxError('generator');
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expect(')');
    return { kind: 'call', callee, args, keywords };
  }

  private atom(): PyExpr {
    const token = this.next();
    switch (token.kind) {
      case 'name':
        if (token.text === 'True') return { kind: 'const', value: true };
        if (token.text === 'False') return { kind: 'const', value: false };
        if (token.text === 'None') return { kind: 'const', value: null };
        if (['and', 'or', 'not', 'in', 'is', 'if', 'else', 'for', 'lambda'].includes(token.text)) {
          throw new ExpressionSyntaxError(`keyword ${token.text}`);
        }
        return { kind: 'name', id: token.text };
      case 'number':
        return { kind: 'const', value: numberValue(token.text) };
      case 'string': {
        const parts = [token.text];
        // Adjacent literals concatenate.
        while (this.peek().kind === 'string') parts.push(this.next().text);
        // An f-string's value depends on names at run time.
        if (parts.some(isFormatString)) throw new ExpressionSyntaxError('f-string');
        return { kind: 'const', value: parts.map(stringValue).join('') };
      }
      case 'op':
        if (token.text === '(') return this.parenthesized();
        if (token.text === '[') return { kind: 'list', items: this.sequence(']') };
        if (token.text === '{') return this.braces();
        throw new ExpressionSyntaxError(`unexpected ${token.text}`);
      default:
        throw new ExpressionSyntaxError('unexpected end');
    }
  }

  private parenthesized(): PyExpr {
    if (this.isOp(')')) {
      this.next();
      return { kind: 'tuple', items: [] };
    }
    const first = this.expression();
    if (this.isKeyword('for')) throw new ExpressionSyntaxError('generator');
    if (this.isOp(')')) {
      this.next();
      return first;
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(')')) break;
      items.push(this.expression());
    }
    this.expect(')');
    return { kind: 'tuple', items };
  }

  private sequence(close: string): PyExpr[] {
    const items: PyExpr[] = [];
    while (!this.isOp(close)) {
      items.push(this.expression());
      if (this.isKeyword('for')) throw new ExpressionSyntaxError('comprehension');
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expect(close);
    return items;
  }

  private braces(): PyExpr {
    if (this.isOp('}')) {
      this.next();
      return { kind: 'dict', entries: [] };
    }
    const first = this.expression();
    if (!this.isOp(':')) {
      const items = [first];
      while (this.isOp(',')) {
        this.next();
        if (this.isOp('}')) break;
        items.push(this.expression());
      }
      this.expect('}');
      return { kind: 'set', items };
    }
    const entries: (readonly [PyExpr, PyExpr])[] = [];
    let key = first;
    for (;;) {
      this.expect(':');
      entries.push([key, this.expression()]);
      if (this.isKeyword('for')) throw new ExpressionSyntaxError('comprehension');
      if (!this.isOp(',')) break;
      this.next();
      if (this.isOp('}')) break;
      key = this.expression();
    }
    this.expect('}');
    return { kind: 'dict', entries };
  }
}

function isFormatString(token: string): boolean {
  return /^[rRbBuU]?[fF]/.test(token);
}

function numberValue(text: string): number {
  const digits = text.replace(/_/g, '').replace(/[jJlL]$/, '');
  if (/^0[xX]/.test(digits)) return parseInt(digits.slice(2), 16);
  if (/^0[oO]/.test(digits)) return parseInt(digits.slice(2), 8);
  if (/^0[bB]/.test(digits)) return parseInt(digits.slice(2), 2);
  return Number(digits);
}

/** Decodes one string literal token (prefix, quotes, escapes) to its value. */
export function stringValue(token: string): string {
  const prefix = /^[rRbBuUfF]*/.exec(token)![0];
  const raw = /r/i.test(prefix);
  const body = token.slice(prefix.length);
  const quote = body[0]!;
  const triple = body.startsWith(quote.repeat(3));
  const delimiter = triple ? 3 : 1;
  const inner = body.slice(delimiter, body.length >= 2 * delimiter ? body.length - delimiter : body.length);
  if (raw) return inner;
  let value = '';
  for (let index = 0; index < inner.length; index++) {
    const char = inner[index]!;
    if (char !== '\\') {
      value += char;
      continue;
    }
    const escape = inner[++index];
    switch (escape) {
      case undefined:
        value += '\\';
        break;
      case '\n':
        break; // line continuation inside the literal
      case 'n':
        value += '\n';
        break;
      case 't':
        value += '\t';
        break;
      case 'r':
        value += '\r';
        break;
      case '0':
        value += '\0';
        break;
      case '\\':
      case "'":
      case '"':
        value += escape;
        break;
      case 'x': {
        value += String.fromCharCode(parseInt(inner.slice(index + 1, index + 3), 16));
        index += 2;
        break;
      }
      case 'u': {
        value += String.fromCharCode(parseInt(inner.slice(index + 1, index + 5), 16));
        index += 4;
        break;
      }
      default:
        value += '\\' + escape; // unknown escapes stay as written, as in Python
    }
  }
  return value;
}

// ------------------------------------------------------------------ values

/** A Python value the generators can hold: constants, lists and string-keyed dicts. */
export type PyValue = PyConstant | readonly PyValue[] | { readonly [key: string]: PyValue };

/** How Python's repr() writes a value: 'text', ['a', 'b'], {'k': 1}, True, None. */
export function pythonRepr(value: PyValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map((item: PyValue) => pythonRepr(item)).join(', ')}]`;
  const entries = Object.entries(value as { readonly [key: string]: PyValue });
  return `{${entries.map(([key, item]) => `${pythonStringRepr(key)}: ${pythonRepr(item)}`).join(', ')}}`;
}

function pythonFloat(value: number): string {
  const text = String(value);
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}

function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}

// ------------------------------------------------------------------ statements

/** `name = value` (a plain assignment to one name), or undefined. */
export function simpleAssignment(text: string): { readonly target: string; readonly value: string } | undefined {
  const match = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  return { target: match[1]!, value: match[2]! };
}

/** `def name(a, b=1, *args)`: the name and the parameters as written, or undefined. */
export function functionHeader(text: string): { readonly name: string; readonly parameters: readonly string[] } | undefined {
  const match = /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(([\s\S]*)\)\s*(?:->[\s\S]*)?:$/.exec(text);
  if (!match) return undefined;
  const parameters = splitTopLevel(match[2]!, ',')
    .map((parameter) => parameter.trim())
    .filter((parameter) => parameter !== '');
  return { name: match[1]!, parameters };
}

/** `class Name(Base, …):`: the name and the base expressions, or undefined. */
export function classHeader(text: string): { readonly name: string; readonly bases: readonly string[] } | undefined {
  const match = /^class\s+([A-Za-z_]\w*)\s*(?:\(([\s\S]*)\))?\s*:$/.exec(text);
  if (!match) return undefined;
  const bases = splitTopLevel(match[2] ?? '', ',')
    .map((base) => base.trim())
    .filter((base) => base !== '');
  return { name: match[1]!, bases };
}

/** Splits at `separator` where it is outside brackets and strings. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"' || char === "'") index = stringLiteralEnd(text, index) - 1;
    else if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') depth--;
    else if (char === separator && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** A condition header (`if x:`, `elif x:`, `else:`) split into keyword and test. */
export function conditionHeader(text: string): { readonly keyword: 'if' | 'elif' | 'else'; readonly test: string } | undefined {
  const match = /^(if|elif)\s+([\s\S]*):$/.exec(text) ?? /^(else)\s*:$/.exec(text);
  if (!match) return undefined;
  return { keyword: match[1] as 'if' | 'elif' | 'else', test: match[2] ?? '' };
}

/** Every statement in a tree, depth first, in source order. */
export function* walkStatements(statements: readonly Statement[]): Generator<Statement> {
  for (const statement of statements) {
    yield statement;
    yield* walkStatements(statement.body);
  }
}

/** An import statement resolved to absolute dotted names where it is relative. */
export interface ImportBinding {
  /** Name bound in the importing module. */
  readonly local: string;
  /** Dotted module the name comes from. */
  readonly module: string;
  /** Attribute imported from `module` (`from m import x`), or undefined for `import m`. */
  readonly member?: string;
}

/**
 * Reads `import a.b as c` and `from .x import y as z` lines; `packageName` is the dotted
 * package of the importing module, used for relative imports.
 */
export function importBindings(text: string, packageName: string): ImportBinding[] {
  const fromMatch = /^from\s+(\.*)([\w.]*)\s+import\s+\(?([\s\S]*?)\)?$/.exec(text);
  if (fromMatch) {
    const dots = fromMatch[1]!.length;
    let base = fromMatch[2]!;
    if (dots > 0) {
      const packageParts = packageName.split('.');
      const anchor = packageParts.slice(0, packageParts.length - (dots - 1)).join('.');
      base = base === '' ? anchor : `${anchor}.${base}`;
    }
    return splitTopLevel(fromMatch[3]!, ',')
      .map((part) => part.trim())
      .filter((part) => part !== '' && part !== '*')
      .map((part) => {
        const [member, alias] = part.split(/\s+as\s+/);
        return { local: (alias ?? member)!.trim(), module: base, member: member!.trim() };
      });
  }
  const importMatch = /^import\s+([\s\S]+)$/.exec(text);
  if (importMatch) {
    return splitTopLevel(importMatch[1]!, ',').map((part) => {
      const [module, alias] = part.trim().split(/\s+as\s+/);
      const dotted = module!.trim();
      // `import a.b` binds `a`; `import a.b as c` binds `c` to a.b.
      return alias ? { local: alias.trim(), module: dotted } : { local: dotted.split('.')[0]!, module: dotted.split('.')[0]! };
    });
  }
  return [];
}
