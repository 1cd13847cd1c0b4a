import type { Span } from '../../text/source-text';
import type { Comment, SyntaxProblem } from '../common';
import type { NginxArgument, NginxFile } from './model';

/**
 * Parses an nginx configuration file. Words are split exactly where nginx's own reader
 * (`ngx_conf_read_token`) splits them, so a directive has the arguments nginx would
 * give it. Unlike nginx, which stops at the first error, the parser records the problem
 * and goes on, so the rest of the file is still checked.
 *
 * Blocks are tracked with an explicit stack: nesting depth is bounded by memory, not by
 * the call stack.
 */
export function parseNginx(text: string): NginxFile {
  return new NginxReader(text).read();
}

interface MutableDirective {
  name: string;
  nameSpan: Span;
  args: NginxArgument[];
  block?: MutableBlock;
  span: Span;
  semicolonSpan?: Span;
}

interface MutableBlock {
  openSpan: Span;
  closeSpan?: Span;
  directives: MutableDirective[];
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

function isSpace(code: number): boolean {
  return code === SPACE || code === TAB || code === LF || code === CR;
}

class NginxReader {
  private readonly top: MutableDirective[] = [];
  private readonly comments: Comment[] = [];
  private readonly problems: SyntaxProblem[] = [];
  /** Open blocks, innermost last. */
  private readonly open: MutableDirective[] = [];
  /** Words of the statement being read. */
  private words: NginxArgument[] = [];
  private index = 0;

  constructor(private readonly text: string) {}

  read(): NginxFile {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) {
      this.problems.push({
        span: { start: 0, end: 1 },
        message: 'Byte order mark at the start of the file: nginx reads it as part of the first directive name',
      });
      this.index = 1;
    }
    while (this.index < text.length) {
      const code = text.charCodeAt(this.index);
      if (isSpace(code)) {
        this.index++;
      } else if (code === 59 /* ; */) {
        this.endStatement({ start: this.index, end: this.index + 1 });
        this.index++;
      } else if (code === 123 /* { */) {
        this.openBlock({ start: this.index, end: this.index + 1 });
        this.index++;
      } else if (code === 125 /* } */) {
        this.closeBlock({ start: this.index, end: this.index + 1 });
        this.index++;
      } else if (code === 35 /* # */) {
        this.readComment();
      } else if (code === 34 /* " */ || code === 39 /* ' */) {
        this.readQuoted(code === 34 ? '"' : "'");
      } else {
        this.readWord();
      }
    }
    this.endOfFile();
    return { directives: this.top, comments: this.comments, problems: this.problems };
  }

  private readComment(): void {
    const start = this.index;
    let end = start;
    while (end < this.text.length && this.text.charCodeAt(end) !== LF && this.text.charCodeAt(end) !== CR) end++;
    this.comments.push({ text: this.text.slice(start + 1, end), span: { start, end } });
    this.index = end;
  }

  /** An unquoted word: it ends at white space, `;` or `{` (but `${` belongs to a variable). */
  private readWord(): void {
    const text = this.text;
    const start = this.index;
    let index = start;
    while (index < text.length) {
      const code = text.charCodeAt(index);
      if (code === 92 /* \ */) {
        index += 2;
        continue;
      }
      if (isSpace(code) || code === 59) break;
      if (code === 123 /* { */ && !(index > start && text.charCodeAt(index - 1) === 36 /* $ */)) break;
      index++;
    }
    index = Math.min(index, text.length);
    this.words.push({ value: unescape(text.slice(start, index)), span: { start, end: index } });
    this.index = index;
  }

  /** A quoted word; after the closing quote nginx wants white space, `;`, `{` or `)`. */
  private readQuoted(quote: '"' | "'"): void {
    const text = this.text;
    const open = this.index;
    let index = open + 1;
    while (index < text.length && text[index] !== quote) index += text.charCodeAt(index) === 92 ? 2 : 1;
    if (index >= text.length) {
      this.problems.push({
        span: { start: open, end: open + 1 },
        message: `Unterminated ${quote === '"' ? 'double' : 'single'} quote: nginx reads to the end of the file and fails`,
      });
      this.words.push({ value: unescape(text.slice(open + 1)), quote, span: { start: open, end: text.length } });
      this.index = text.length;
      return;
    }
    const close = index;
    this.words.push({ value: unescape(text.slice(open + 1, close)), quote, span: { start: open, end: close + 1 } });
    this.index = close + 1;
    const next = text.charCodeAt(this.index);
    if (this.index < text.length && !isSpace(next) && next !== 59 && next !== 123 && next !== 41 /* ) */) {
      this.problems.push({
        span: { start: this.index, end: this.index + 1 },
        message: `unexpected "${text[this.index]}" after a quoted string: nginx needs a space, ";" or "{" there`,
      });
    }
  }

  private endStatement(semicolon: Span): void {
    if (this.words.length === 0) {
      this.problems.push({ span: semicolon, message: 'unexpected ";"' });
      return;
    }
    const directive = this.startDirective();
    directive.semicolonSpan = semicolon;
    directive.span = { start: directive.nameSpan.start, end: semicolon.end };
  }

  private openBlock(brace: Span): void {
    if (this.words.length === 0) {
      this.problems.push({ span: brace, message: 'unexpected "{"' });
      // Treat it as an anonymous block so its "}" still balances.
      const anonymous: MutableDirective = { name: '', nameSpan: brace, args: [], span: brace, block: { openSpan: brace, directives: [] } };
      this.open.push(anonymous);
      return;
    }
    const directive = this.startDirective();
    directive.block = { openSpan: brace, directives: [] };
    directive.span = { start: directive.nameSpan.start, end: brace.end };
    this.open.push(directive);
  }

  private closeBlock(brace: Span): void {
    if (this.words.length > 0) {
      const unterminated = this.startDirective();
      this.problems.push({ span: brace, message: `unexpected "}": "${unterminated.name}" is not terminated by ";"` });
    }
    const owner = this.open.pop();
    if (!owner) {
      this.problems.push({ span: brace, message: 'unexpected "}"' });
      return;
    }
    owner.block!.closeSpan = brace;
    owner.span = { start: owner.span.start, end: brace.end };
  }

  /** Turns the words read so far into a directive in the innermost open block. */
  private startDirective(): MutableDirective {
    const [name, ...args] = this.words;
    this.words = [];
    const directive: MutableDirective = {
      name: name!.value,
      nameSpan: name!.span,
      args,
      span: { start: name!.span.start, end: (args[args.length - 1] ?? name!).span.end },
    };
    const parent = this.open[this.open.length - 1];
    // Directives inside an anonymous block (after a stray "{") still get checked.
    (parent ? parent.block!.directives : this.top).push(directive);
    return directive;
  }

  private endOfFile(): void {
    // nginx names the line the end of the file is on, after the last line break.
    const atEnd = { start: this.text.length, end: this.text.length };
    if (this.words.length > 0) {
      const directive = this.startDirective();
      this.problems.push({ span: directive.span, message: 'unexpected end of file, expecting ";" or "}"' });
    }
    if (this.open.length > 0) {
      const outermost = this.open[0]!;
      const line = lineNumber(this.text, outermost.block!.openSpan.start);
      this.problems.push({
        span: atEnd,
        message: `unexpected end of file, expecting "}": the "${outermost.name}" block opened on line ${line} is never closed`,
      });
      this.open.length = 0;
    }
  }
}

/** nginx's unescaping of a word: \" \' \\ drop the backslash; \t \r \n become the control character. */
function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let value = '';
  for (let index = 0; index < raw.length; index++) {
    const char = raw[index]!;
    if (char === '\\' && index + 1 < raw.length) {
      const next = raw[index + 1]!;
      if (next === '"' || next === "'" || next === '\\') {
        value += next;
        index++;
        continue;
      }
      if (next === 't' || next === 'r' || next === 'n') {
        value += next === 't' ? '\t' : next === 'r' ? '\r' : '\n';
        index++;
        continue;
      }
    }
    value += char;
  }
  return value;
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index >= 0 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}
