import type { Span } from '../../text/source-text';
import type { Comment, SyntaxProblem } from '../common';
import type { NginxArgument, NginxFile } from './model';

/**
 * Parses an nginx configuration file into directives and blocks.
 *
 * Words are split exactly where nginx's reader (`ngx_conf_read_token`) splits them:
 *
 * - white space is space, tab, CR and LF only; `;` ends a directive, `{` opens a block,
 *   `}` closes one; all three count only between words, except that `;` and `{` also
 *   end an unquoted word;
 * - `#` starts a comment (to the next LF) only where a word could start;
 * - a word that starts with `"` or `'` runs to the matching quote; a backslash hides the
 *   next character everywhere; after a closing quote nginx accepts only white space,
 *   `;`, `{` or `)` (which then starts a word of its own);
 * - `{` right after `$` (or after such a `{`) belongs to the word, so `${var}` is one
 *   word; `}` inside a word is an ordinary character;
 * - a word (or comment) of 4096 bytes or more fails: nginx reads through a buffer of
 *   that size and gives up when one token fills it.
 *
 * nginx stops at the first error. The parser records the problem, recovers, and goes on,
 * so every directive it can find is returned and the rest of the file is still checked.
 * Blocks are tracked with an explicit stack, so depth is bounded by memory rather than by
 * the call stack, and every loop is linear in the length of the text.
 */
export function parseNginx(text: string): NginxFile {
  return new NginxReader(text, 0).read().file;
}

/** How a partial reading (readNginxFrom) ended. */
export interface PartialReading {
  readonly file: NginxFile;
  /** Where it stopped because the caller can take it from there. */
  readonly stoppedAt?: number;
  /** Reading inside a block, it left the block (or met the end of the file) before it could stop. */
  readonly leftBlock?: true;
}

/**
 * Reads from `start`, an offset where the reader is between directives, and stops early
 * at the first start or end of a directive of that level that `canStopAt` accepts,
 * provided nothing read so far was a problem: there the state is as clean as where it
 * started, and what follows can be read as before (see reparse.ts). Reading the body of a
 * block (`inside` names its directive), the `}` that closes it is such a place too; if it
 * cannot stop there, or the file ends first, the reading gives up (`leftBlock`).
 */
export function readNginxFrom(text: string, start: number, canStopAt: (offset: number) => boolean, inside?: string): PartialReading {
  return new NginxReader(text, start, canStopAt, inside).read();
}

/**
 * Blocks whose bodies nginx hands to the module's own line reader (`types`, `map`…): in
 * them a nested `{` is an error, nginx words it `unexpected "{"`.
 */
export const TABLE_BLOCKS: ReadonlySet<string> = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map']);

/** nginx reads a file through a buffer of this many bytes; a token that fills it fails. */
export const NGINX_TOKEN_BUFFER = 4096;

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

/**
 * A level of nesting: the file's top level, or a block directive whose `}` has not come
 * yet. A `{` with no directive before it (an error) is counted on the level it appears
 * in rather than given a level of its own: its `}` must still balance, and the directives
 * inside it still belong to the enclosing list, so they are checked. Counting keeps a
 * file of ten million stray braces from allocating ten million frames.
 */
interface Level {
  /** The block directive, or undefined for the top level. */
  readonly owner: MutableDirective | undefined;
  readonly directives: MutableDirective[];
  /** When the body is a table read by the module (`types`, `map`), where `{` is refused: the block's name. */
  readonly table: string | undefined;
  /** Stray `{` opened on this level and not closed yet. */
  strays: number;
  /** Offset of the outermost of them. */
  firstStray: number;
}

/** Problems recorded at most: nginx stops at the first, and a hostile file can hold millions. */
export const MAX_SYNTAX_PROBLEMS = 1000;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const SINGLE_QUOTE = 39;
const CLOSE_PAREN = 41;
const SEMICOLON = 59;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const BYTE_ORDER_MARK = 0xfeff;

/** nginx's white space: nothing else separates words (not form feed, not U+00A0). */
function isSpace(code: number): boolean {
  return code === SPACE || code === TAB || code === LF || code === CR;
}

/**
 * A run of text nginx keeps in its buffer as one token, from where nginx last set its
 * token start. Only runs that could reach 4096 bytes are measured.
 */
interface TokenRun {
  /** Offset nginx counts from (after the opening quote for a quoted word). */
  start: number;
  /** The token as the user sees it, for the problem's span. */
  spanStart: number;
  spanEnd: number;
  /** For a quoted word, the offset of its closing quote; nginx words an open quote differently. */
  closingQuote: number;
  quote: '"' | "'" | undefined;
}

class NginxReader {
  private readonly top: MutableDirective[] = [];
  private readonly comments: Comment[] = [];
  private readonly problems: SyntaxProblem[] = [];
  /** The top level, then every block not yet closed, innermost last. */
  private readonly levels: Level[];
  /** Words of the directive being read: the name first. */
  private words: NginxArgument[] = [];
  private index = 0;
  private readonly run: TokenRun = { start: 0, spanStart: 0, spanEnd: 0, closingQuote: -1, quote: undefined };
  /** A quote of this kind was found never to close; later ones cannot close either. */
  private guessedFrom: number | undefined;
  private unterminatedDouble = false;
  private unterminatedSingle = false;

  /** Where the reading stopped early (readNginxFrom). */
  private stoppedAt: number | undefined;
  private leftBlock = false;

  constructor(
    private readonly text: string,
    start: number,
    private readonly canStopAt?: (offset: number) => boolean,
    /** The block directive whose body is read, for a partial reading inside a block. */
    private readonly inside?: string,
  ) {
    this.index = start;
    this.run.start = this.run.spanStart = this.run.spanEnd = start;
    const table = inside !== undefined && TABLE_BLOCKS.has(inside) ? inside : undefined;
    this.levels = [{ owner: undefined, directives: this.top, table, strays: 0, firstStray: -1 }];
  }

  read(): PartialReading {
    const text = this.text;
    const length = text.length;
    if (this.index === 0 && text.charCodeAt(0) === BYTE_ORDER_MARK) {
      // Editors hide it; nginx does not, and glues it to the first directive's name.
      this.report({ start: 0, end: 1 }, 'byte order mark at the start of the file: nginx reads it as part of the first directive name and fails');
      this.index = 1;
      this.startRun(1);
    }
    while (this.index < length && this.stoppedAt === undefined && !this.leftBlock) {
      const at = this.index;
      const code = text.charCodeAt(at);
      // Every character read between words is where nginx starts counting a new token.
      this.endRun(at);
      if (isSpace(code)) {
        this.startRun(at);
        this.index = at + 1;
      } else if (code === SEMICOLON) {
        this.endDirective({ start: at, end: at + 1 });
        this.startRun(at + 1);
        this.index = at + 1;
      } else if (code === OPEN_BRACE) {
        this.openBlock({ start: at, end: at + 1 });
        this.startRun(at + 1);
        this.index = at + 1;
      } else if (code === CLOSE_BRACE) {
        this.closeBlock({ start: at, end: at + 1 });
        this.startRun(at + 1);
        this.index = at + 1;
      } else if (code === HASH) {
        this.readComment(at);
      } else if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
        this.readQuoted(at, code === DOUBLE_QUOTE ? '"' : "'");
      } else {
        this.readWord(at);
      }
    }
    if (this.stoppedAt === undefined && this.inside !== undefined) this.leftBlock = true;
    if (this.leftBlock) return { file: { directives: [], comments: [], problems: [] }, leftBlock: true };
    if (this.stoppedAt === undefined) this.endOfFile();
    const file: NginxFile = {
      directives: this.top,
      comments: this.comments,
      problems: this.problems,
      ...(this.guessedFrom !== undefined ? { guessedFrom: this.guessedFrom } : {}),
    };
    return this.stoppedAt === undefined ? { file } : { file, stoppedAt: this.stoppedAt };
  }

  // --- words ---------------------------------------------------------------------------

  private readComment(hash: number): void {
    const text = this.text;
    this.startRun(hash);
    // Only LF ends a comment for nginx; the CR of a CRLF is left out of its text.
    let lineFeed = text.indexOf('\n', hash + 1);
    if (lineFeed === -1) lineFeed = text.length;
    const end = lineFeed > hash + 1 && text.charCodeAt(lineFeed - 1) === CR ? lineFeed - 1 : lineFeed;
    this.comments.push({ text: text.slice(hash + 1, end), span: { start: hash, end } });
    this.run.spanEnd = end;
    // The LF itself is read between words and starts the next token.
    this.index = lineFeed;
  }

  /** An unquoted word: it ends at white space, `;` or `{`, except a `{` that follows `$`. */
  private readWord(start: number): void {
    const text = this.text;
    const length = text.length;
    this.startRun(start);
    let index = start;
    let escaped = false;
    let afterDollar = false;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (code === BACKSLASH) {
        escaped = true;
        afterDollar = false;
        index += 2;
        continue;
      }
      if (code === OPEN_BRACE && afterDollar) {
        // `${`, and nginx keeps treating further `{` the same way.
        index++;
        continue;
      }
      afterDollar = code === DOLLAR;
      if (isSpace(code) || code === SEMICOLON || code === OPEN_BRACE) break;
      index++;
    }
    const end = Math.min(index, length);
    if (this.words.length === 0 && this.levels.length === 1 && this.mayStopAt(start)) return;
    const raw = text.slice(start, end);
    this.words.push({ value: escaped ? unescapeWord(raw) : raw, span: { start, end } });
    this.run.spanEnd = end;
    // nginx swallows a white-space delimiter into the token; `;` and `{` are read next.
    this.index = end < length && isSpace(text.charCodeAt(end)) ? end + 1 : end;
  }

  private readQuoted(open: number, quote: '"' | "'"): void {
    const text = this.text;
    const length = text.length;
    const quoteCode = quote === '"' ? DOUBLE_QUOTE : SINGLE_QUOTE;
    if (this.words.length === 0 && this.levels.length === 1 && this.mayStopAt(open)) return;
    const known = quote === '"' ? this.unterminatedDouble : this.unterminatedSingle;
    let close = -1;
    let escaped = false;
    if (!known) {
      let index = open + 1;
      while (index < length) {
        const code = text.charCodeAt(index);
        if (code === BACKSLASH) {
          escaped = true;
          index += 2;
        } else if (code === quoteCode) {
          close = index;
          break;
        } else {
          index++;
        }
      }
    }
    if (close === -1) {
      this.recoverFromOpenQuote(open, quote);
      return;
    }
    this.startRun(open + 1);
    this.run.spanStart = open;
    this.run.quote = quote;
    this.run.closingQuote = close;
    const raw = text.slice(open + 1, close);
    this.words.push({ value: escaped ? unescapeWord(raw) : raw, quote, span: { start: open, end: close + 1 } });
    this.run.spanEnd = close + 1;

    const after = close + 1;
    if (after >= length) {
      this.index = after;
      return;
    }
    const next = text.charCodeAt(after);
    if (isSpace(next)) {
      this.index = after + 1;
      return;
    }
    this.index = after;
    // `;` and `{` end the directive as usual; `)` starts a word (`if ($a = "b")`); a `}`
    // is reported where it closes the block, as nginx reports it.
    if (next === SEMICOLON || next === OPEN_BRACE || next === CLOSE_PAREN || next === CLOSE_BRACE) return;
    const char = characterAt(text, after);
    this.report({ start: after, end: after + char.length }, `unexpected "${char}" after a quoted string: nginx needs a space, ";" or "{" there`);
  }

  /**
   * A quote that is never closed: nginx reads to the end of the file and fails. The
   * likeliest mistake is a missing closing quote on the same line, so the word ends at
   * the end of that line (before a final `;` or `{`, which then do their usual job), and
   * the lines after are read as directives again.
   */
  private recoverFromOpenQuote(open: number, quote: '"' | "'"): void {
    const text = this.text;
    this.guessedFrom ??= open;
    if (quote === '"') this.unterminatedDouble = true;
    else this.unterminatedSingle = true;
    this.report(
      { start: open, end: open + 1 },
      `unterminated ${quote === '"' ? 'double' : 'single'}-quoted string: the closing ${quote} is missing, nginx reads to the end of the file and fails`,
    );
    let lineEnd = open + 1;
    while (lineEnd < text.length && text.charCodeAt(lineEnd) !== LF && text.charCodeAt(lineEnd) !== CR) lineEnd++;
    let end = lineEnd;
    while (end > open + 1 && isSpace(text.charCodeAt(end - 1))) end--;
    let resume = lineEnd;
    const last = text.charCodeAt(end - 1);
    if (end > open + 1 && (last === SEMICOLON || last === OPEN_BRACE)) {
      resume = end - 1;
      end = resume;
      while (end > open + 1 && isSpace(text.charCodeAt(end - 1))) end--;
    }
    const raw = text.slice(open + 1, end);
    this.words.push({ value: unescapeWord(raw), quote, span: { start: open, end } });
    // Nothing to measure: the problem is already reported at the quote.
    this.startRun(resume);
    this.index = resume;
  }

  // --- the 4096-byte token limit -------------------------------------------------------

  private startRun(start: number): void {
    const run = this.run;
    run.start = start;
    run.spanStart = start;
    run.spanEnd = start;
    run.closingQuote = -1;
    run.quote = undefined;
  }

  /**
   * nginx checks the token length when it refills its buffer: the token fails when the
   * byte at `start + 4096` is read while the token is still open. `next` is the offset
   * of the character that starts the next token (or the end of the file).
   */
  private endRun(next: number): void {
    const run = this.run;
    // A UTF-16 unit is at most 3 UTF-8 bytes: shorter runs cannot fail.
    if (next - run.start < NGINX_TOKEN_BUFFER / 3) return;
    const atEndOfFile = next >= this.text.length;
    const bytes = utf8Length(this.text, run.start, next);
    if (bytes < NGINX_TOKEN_BUFFER + (atEndOfFile ? 1 : 0)) return;
    const stillQuoted = run.quote !== undefined && utf8Length(this.text, run.start, run.closingQuote) >= NGINX_TOKEN_BUFFER;
    const head = firstBytes(this.text, run.start, 10);
    this.report(
      { start: run.spanStart, end: Math.max(run.spanEnd, run.spanStart) },
      stillQuoted
        ? `too long parameter, probably missing terminating "${run.quote}" character: nginx reads at most ${NGINX_TOKEN_BUFFER} bytes of one word`
        : `too long parameter "${head}..." started: nginx reads at most ${NGINX_TOKEN_BUFFER} bytes of one word or comment`,
    );
    // Report a run once.
    run.start = next;
  }

  // --- directives and blocks -----------------------------------------------------------

  private endDirective(semicolon: Span): void {
    if (this.words.length === 0) {
      this.report(semicolon, 'unexpected ";"');
      return;
    }
    const directive = this.takeDirective();
    directive.semicolonSpan = semicolon;
    directive.span = { start: directive.nameSpan.start, end: semicolon.end };
    if (this.levels.length === 1) this.mayStopAt(semicolon.end);
  }

  private openBlock(brace: Span): void {
    const level = this.levels[this.levels.length - 1]!;
    if (this.words.length === 0) {
      this.report(brace, 'unexpected "{"');
      if (level.strays++ === 0) level.firstStray = brace.start;
      return;
    }
    const directive = this.takeDirective();
    if (level.table !== undefined && level.strays === 0) {
      this.report(brace, `unexpected "{": the body of "${level.table}" is a table of values, it cannot hold blocks`);
    }
    const block: MutableBlock = { openSpan: brace, directives: [] };
    directive.block = block;
    directive.span = { start: directive.nameSpan.start, end: brace.end };
    this.levels.push({ owner: directive, directives: block.directives, table: TABLE_BLOCKS.has(directive.name) ? directive.name : undefined, strays: 0, firstStray: -1 });
  }

  private closeBlock(brace: Span): void {
    const level = this.levels[this.levels.length - 1]!;
    if (this.inside !== undefined && this.levels.length === 1 && level.strays === 0) {
      // The `}` of the block being read: the end of the reading, one way or the other.
      if (this.words.length > 0 || !this.mayStopAt(brace.start)) this.leftBlock = true;
      return;
    }
    if (this.words.length > 0) {
      const unterminated = this.takeDirective();
      this.report(brace, `unexpected "}": "${unterminated.name}" is not terminated by ";"`);
    } else if (level.owner === undefined && level.strays === 0) {
      this.report(brace, 'unexpected "}"');
    }
    if (level.strays > 0) {
      level.strays--;
      return;
    }
    if (level.owner === undefined) return;
    this.levels.pop();
    level.owner.block!.closeSpan = brace;
    level.owner.span = { start: level.owner.span.start, end: brace.end };
    if (this.levels.length === 1) this.mayStopAt(brace.end);
  }

  /**
   * A top-level directive starts or ends here: stops, if the caller can take it from here
   * and all was clean. Whether it stopped.
   */
  private mayStopAt(offset: number): boolean {
    if (!this.canStopAt || this.problems.length > 0 || this.guessedFrom !== undefined || this.levels[0]!.strays > 0) return false;
    if (!this.canStopAt(offset)) return false;
    this.stoppedAt = offset;
    return true;
  }

  /** Turns the words read so far into a directive of the innermost open block. */
  private takeDirective(): MutableDirective {
    const words = this.words;
    this.words = [];
    const name = words[0]!;
    const directive: MutableDirective = {
      name: name.value,
      nameSpan: name.span,
      args: words.slice(1),
      span: { start: name.span.start, end: words[words.length - 1]!.span.end },
    };
    this.levels[this.levels.length - 1]!.directives.push(directive);
    return directive;
  }

  private endOfFile(): void {
    const length = this.text.length;
    this.endRun(length);
    if (this.words.length > 0) {
      const directive = this.takeDirective();
      this.report(directive.span, `unexpected end of file, expecting ";" or "}": "${directive.name}" is not terminated by ";"`);
    }
    const levels = this.levels;
    let unclosed = levels.length - 1;
    for (const level of levels) unclosed += level.strays;
    if (unclosed === 0) return;
    // nginx reports one error; the outermost unclosed "{" is the one brace matching blames.
    const top = levels[0]!;
    const outerStray = top.strays > 0;
    const brace = outerStray ? top.firstStray : levels[1]!.owner!.block!.openSpan.start;
    const line = lineNumberAt(this.text, brace);
    const what = outerStray ? `the "{" on line ${line}` : `the "${levels[1]!.owner!.name}" block opened on line ${line}`;
    const inner = unclosed - 1;
    const more = inner === 0 ? '' : ` (nor ${inner === 1 ? 'is the block' : `are the ${inner} blocks`} inside it)`;
    this.report({ start: brace, end: brace + 1 }, `unexpected end of file, expecting "}": ${what} is never closed${more}`);
    for (let index = 1; index < levels.length; index++) {
      const owner = levels[index]!.owner!;
      owner.span = { start: owner.span.start, end: length };
    }
    levels.length = 1;
    top.strays = 0;
  }

  private report(span: Span, message: string): void {
    const count = this.problems.length;
    if (count > MAX_SYNTAX_PROBLEMS) return;
    this.problems.push(
      count < MAX_SYNTAX_PROBLEMS ? { span, message } : { span, message: `more than ${MAX_SYNTAX_PROBLEMS} syntax errors: the rest are not reported` },
    );
  }
}

/**
 * nginx's unescaping of a word: `\"`, `\'` and `\\` drop the backslash, `\t`, `\r` and
 * `\n` become the control character, any other backslash stays as written.
 */
export function unescapeWord(raw: string): string {
  let value = '';
  let copied = 0;
  for (let index = raw.indexOf('\\'); index !== -1 && index + 1 < raw.length; index = raw.indexOf('\\', index)) {
    const next = raw.charCodeAt(index + 1);
    let replacement: string | undefined;
    if (next === DOUBLE_QUOTE || next === SINGLE_QUOTE || next === BACKSLASH) replacement = raw[index + 1];
    else if (next === 116 /* t */) replacement = '\t';
    else if (next === 114 /* r */) replacement = '\r';
    else if (next === 110 /* n */) replacement = '\n';
    if (replacement === undefined) {
      index += 1;
      continue;
    }
    value += raw.slice(copied, index) + replacement;
    index += 2;
    copied = index;
  }
  return copied === 0 ? raw : value + raw.slice(copied);
}

/** The character (a whole surrogate pair when there is one) at an offset. */
function characterAt(text: string, offset: number): string {
  const code = text.codePointAt(offset);
  return code === undefined ? '' : String.fromCodePoint(code);
}

/** Bytes the text between two offsets takes in UTF-8 (a lone surrogate counts as U+FFFD). */
function utf8Length(text: string, start: number, end: number): number {
  let bytes = 0;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < end && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

/** The longest start of the text from `start` that fits in `limit` UTF-8 bytes: what nginx quotes. */
function firstBytes(text: string, start: number, limit: number): string {
  let end = start;
  let bytes = 0;
  while (end < text.length) {
    const width = text.codePointAt(end)! > 0xffff ? 2 : 1;
    const size = utf8Length(text, end, end + width);
    if (bytes + size > limit) break;
    bytes += size;
    end += width;
  }
  return text.slice(start, end);
}

/** 1-based line of an offset, counting LF, CRLF and a lone CR as SourceText does. */
function lineNumberAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset; index++) {
    const code = text.charCodeAt(index);
    if (code === LF) line++;
    else if (code === CR && text.charCodeAt(index + 1) !== LF) line++;
  }
  return line;
}
