import type { Span } from '../../text/source-text';
import type { Word } from '../common';
import type { UnitEntry, UnitProblem, UnitProblemEffect } from './model';
import { valueToSource } from './parser';

/**
 * Command lines of `ExecStart=` and the other `Exec*=` keys, split the way systemd 252 splits
 * them: config_parse_exec() in src/core/load-fragment.c, with extract_first_word() of
 * src/basic/extract-word.c (flags EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE, blanks separate):
 *
 * - double and single quotes group, anywhere in a word (`a"b c"d` is one word `ab cd`), and
 *   backslash escapes work inside both kinds of quote;
 * - C escapes (`\n`, `\t`, `\x41`, `\101`, `\u00e9`, `\U0001F600`, `\s` for a space) are
 *   decoded; an unknown one (`\d`) makes systemd warn and keep it as written;
 * - a lone unquoted `;` separates commands; `\;` standing alone is a literal `;` word;
 * - the first word may start with prefixes: `-` `@` `:` `+` `!` `!!`.
 *
 * Commands are returned even where systemd gives up on the line (an open quote runs to the
 * end of the value), so the rest can still be checked; the problems say what systemd does.
 */

/** A word of a unit value, with where it sits in the value and how it was written. */
export interface UnitWord extends Word {
  /** The word as written in the value, quotes and backslashes included. */
  readonly raw: string;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** One command of an `Exec*=` value (several are separated by a lone `;`). */
export interface ExecCommand {
  /** The special prefixes before the path, as written: any of `-` `@` `:` `+` `!` `!!`. */
  readonly prefixes: string;
  /** Where the prefixes are written; empty, just before the path, when there are none. */
  readonly prefixSpan: Span;
  /**
   * The path first (prefixes removed), then the arguments, unquoted and unescaped, with
   * their spans in the source file. With the `@` prefix the second word is the argv[0] the
   * program sees, so the process gets `argv.slice(1)`.
   */
  readonly argv: readonly UnitWord[];
  /**
   * `$NAME` and `${NAME}` written in the words, in order. systemd expands them when it runs
   * the command, from the unit's environment (not at load time, not in the path).
   */
  readonly variables: readonly VariableReference[];
  /** From the prefixes to the end of the last word. */
  readonly span: Span;
}

/**
 * A reference to an environment variable in a command line. How systemd treats it:
 *
 * - `split`: a word that is `$NAME` and nothing else is replaced by the variable's value
 *   split at whitespace: zero or more words. systemd takes everything after the `$` as the
 *   name, so `$HOME/bin` looks up a variable called `HOME/bin` (and the word disappears).
 * - `inline`: `${NAME}` anywhere in a word is replaced by the value as it is, inside the word.
 * - `literal`: left as written: `$NAME` inside a longer word, any reference in the path, every
 *   reference of a command with the `:` prefix, and `${NAME:-default}` (unsupported in 252).
 */
export interface VariableReference {
  readonly name: string;
  readonly form: 'split' | 'inline' | 'literal';
  /** `$NAME` or `${NAME}` in the source. */
  readonly span: Span;
  /** The index in `argv` of the word it is in. */
  readonly wordIndex: number;
}

const PREFIX_CHARACTERS = '-@:+!';

/** Splits an `Exec*=` value into commands and words as systemd does. */
export function splitExecValue(entry: UnitEntry): { commands: ExecCommand[]; problems: UnitProblem[] } {
  const value = entry.value;
  const commands: ExecCommand[] = [];
  const problems: UnitProblem[] = [];
  let position = skipSeparators(value, 0);

  while (position < value.length) {
    const first = extractWord(value, position);
    position = first.next;
    // A lone ";" in the place of a command is a separator, however it was quoted.
    if (first.text === ';' && first.openQuoteAt === undefined) continue;

    // Prefixes are read from the unquoted word, so "-/bin/true" counts as written with '-'.
    let prefixLength = 0;
    let prefixes = '';
    while (prefixLength < first.text.length && acceptsPrefix(prefixes, first.text[prefixLength]!)) {
      prefixes += first.text[prefixLength]!;
      prefixLength++;
    }
    const failure: UnitProblemEffect = prefixes.includes('-') ? 'ignored' : 'unit-fails';
    // systemd gives up on the line quietly when the first word cannot be read: not fatal.
    reportWordProblems(entry, first, 'ignored', problems);

    const pathWord = subWord(entry, first, prefixLength);
    // systemd stops at the first failing check; later words then go unreported.
    let failed = first.openQuoteAt !== undefined || checkPath(entry, first, pathWord, failure, problems);
    const argv: UnitWord[] = [pathWord];
    const extracted: ExtractedWord[] = [first];
    let endsWithSeparator = false;
    while (position < value.length) {
      if (isLoneSemicolon(value, position, position + 1)) {
        position = skipSeparators(value, position + 1);
        endsWithSeparator = true;
        break;
      }
      if (value.charCodeAt(position) === BACKSLASH && isLoneSemicolon(value, position + 1, position + 2)) {
        argv.push({ text: ';', raw: '\\;', span: valueToSource(entry, position, position + 2), valueStart: position, valueEnd: position + 2 });
        extracted.push(literalWord(position, ';'));
        position = skipSeparators(value, position + 2);
        continue;
      }
      const word = extractWord(value, position);
      position = word.next;
      if (!failed) {
        reportWordProblems(entry, word, failure, problems);
        failed = word.openQuoteAt !== undefined;
      }
      argv.push(toUnitWord(entry, value, word));
      extracted.push(word);
    }
    if (!failed && prefixes.includes('@') && argv.length < 2) {
      problems.push({ span: valueToSource(entry, first.start, first.end), message: `Missing argv[0] after the path of an '@' command: ${consequence(failure)}`, effect: failure });
    }

    const prefixSpan = prefixLength > 0 ? valueToSource(entry, writtenStart(first, 0), writtenEnd(first, prefixLength - 1)) : { start: pathWord.span.start, end: pathWord.span.start };
    commands.push({
      prefixes,
      prefixSpan,
      argv,
      variables: findVariables(entry, extracted, prefixLength, prefixes.includes(':')),
      span: { start: valueToSource(entry, first.start, first.start).start, end: argv[argv.length - 1]!.span.end },
    });
    if (!endsWithSeparator) break;
  }
  return { commands, problems };
}

/**
 * Splits a unit value into words the way extract_first_word() does with EXTRACT_UNQUOTE |
 * EXTRACT_CUNESCAPE, as `Environment=` and other list keys read their values. Those keys use
 * it strictly: an unknown escape or an open quote makes systemd ignore the whole assignment.
 */
export function splitUnitWords(entry: UnitEntry): { words: UnitWord[]; problems: UnitProblem[] } {
  const value = entry.value;
  const words: UnitWord[] = [];
  const problems: UnitProblem[] = [];
  let position = skipSeparators(value, 0);
  while (position < value.length) {
    const word = extractWord(value, position);
    position = word.next;
    reportWordProblems(entry, word, 'ignored', problems, false);
    words.push(toUnitWord(entry, value, word));
  }
  return { words, problems };
}

const TAB = 9;
const SPACE = 32;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const BACKSLASH = 92;

/** A word as extract_first_word() returns it, with where each character came from. */
interface ExtractedWord {
  readonly text: string;
  /** Value offsets: the word as written, and after the blanks that follow it. */
  readonly start: number;
  readonly end: number;
  readonly next: number;
  /**
   * For each UTF-16 unit of `text`, the value range it was written in; absent for a word
   * written without quotes or escapes, whose units sit one for one from `start`
   * (see `writtenStart`/`writtenEnd`). Most words are plain, and these arrays were most of
   * the time a keystroke in a long unit took.
   */
  readonly charStart?: readonly number[];
  readonly charEnd?: readonly number[];
  /** Escapes systemd does not know (or a backslash at the very end): it keeps them as written. */
  readonly unknownEscapes: readonly { start: number; end: number }[];
  /** The opening quote that is never closed. */
  readonly openQuoteAt?: number;
}

/** Value offset where the `unit`-th UTF-16 unit of the word's text was written. */
function writtenStart(word: ExtractedWord, unit: number): number {
  return word.charStart ? word.charStart[unit]! : word.start + unit;
}

/** Value offset just after the `unit`-th UTF-16 unit of the word's text. */
function writtenEnd(word: ExtractedWord, unit: number): number {
  return word.charEnd ? word.charEnd[unit]! : word.start + unit + 1;
}

function extractWord(value: string, start: number): ExtractedWord {
  const plainEnd = plainRunEnd(value, start);
  if (plainEnd === value.length || value.charCodeAt(plainEnd) === SPACE || value.charCodeAt(plainEnd) === TAB) {
    return { text: value.slice(start, plainEnd), start, end: plainEnd, next: skipSeparators(value, plainEnd), unknownEscapes: [] };
  }
  let text = '';
  const charStart: number[] = [];
  const charEnd: number[] = [];
  const unknownEscapes: { start: number; end: number }[] = [];
  let quote = 0;
  let quoteAt = -1;
  let index = start;
  const append = (characters: string, from: number, to: number) => {
    text += characters;
    for (let unit = 0; unit < characters.length; unit++) {
      charStart.push(from);
      charEnd.push(to);
    }
  };

  while (index < value.length) {
    const code = value.charCodeAt(index);
    if (quote === 0 && (code === SPACE || code === TAB)) break;
    if (code === BACKSLASH) {
      if (index + 1 >= value.length) {
        // A trailing backslash: kept as written outside quotes; inside, the quote stays open.
        if (quote === 0) {
          unknownEscapes.push({ start: index, end: index + 1 });
          append('\\', index, index + 1);
        }
        index++;
        break;
      }
      const escape = decodeEscape(value, index + 1);
      if (escape) {
        append(escape.text, index, index + 1 + escape.length);
        index += 1 + escape.length;
      } else {
        unknownEscapes.push({ start: index, end: index + 2 });
        append(value.slice(index, index + 2), index, index + 2);
        index += 2;
      }
      continue;
    }
    if (quote !== 0) {
      if (code === quote) quote = 0;
      else append(value[index]!, index, index + 1);
      index++;
      continue;
    }
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      quote = code;
      quoteAt = index;
      index++;
      continue;
    }
    append(value[index]!, index, index + 1);
    index++;
  }
  const word: ExtractedWord = { text, start, end: index, next: skipSeparators(value, index), charStart, charEnd, unknownEscapes };
  return quote !== 0 ? { ...word, openQuoteAt: quoteAt } : word;
}

/** A word systemd makes itself (the `;` of a standing `\;`). */
function literalWord(start: number, text: string): ExtractedWord {
  return { text, start, end: start + 2, next: start + 2, charStart: [start], charEnd: [start + 2], unknownEscapes: [] };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  s: ' ',
};

/**
 * The escape after a backslash as systemd's cunescape_one() reads it, or undefined when it
 * refuses it: NUL in any form, `\U` beyond Unicode or on a non-character, octal above 255.
 * `\x` and octal give a raw byte; here it becomes the character with that code.
 */
function decodeEscape(value: string, at: number): { text: string; length: number } | undefined {
  const char = value[at]!;
  const simple = SIMPLE_ESCAPES[char];
  if (simple !== undefined) return { text: simple, length: 1 };
  if (char === 'x' || char === 'u' || char === 'U') {
    const digits = char === 'x' ? 2 : char === 'u' ? 4 : 8;
    const code = readDigits(value, at + 1, digits, 16);
    if (code === undefined || code === 0) return undefined;
    if (char === 'U' && !isValidCodePoint(code)) return undefined;
    return { text: char === 'U' ? String.fromCodePoint(code) : String.fromCharCode(code), length: 1 + digits };
  }
  if (char >= '0' && char <= '7') {
    const code = readDigits(value, at, 3, 8);
    if (code === undefined || code === 0 || code > 255) return undefined;
    return { text: String.fromCharCode(code), length: 3 };
  }
  return undefined;
}

function readDigits(value: string, from: number, count: number, radix: number): number | undefined {
  if (from + count > value.length) return undefined;
  let result = 0;
  for (let index = from; index < from + count; index++) {
    const digit = digitValue(value.charCodeAt(index));
    if (digit < 0 || digit >= radix) return undefined;
    result = result * radix + digit;
  }
  return result;
}

function digitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** systemd's unichar_is_valid(): inside Unicode, no surrogates, no non-characters. */
function isValidCodePoint(code: number): boolean {
  if (code >= 0x110000) return false;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  if (code >= 0xfdd0 && code <= 0xfdef) return false;
  return (code & 0xfffe) !== 0xfffe;
}

/** Where the run of characters that need no unquoting or unescaping, from `from`, ends. */
function plainRunEnd(value: string, from: number): number {
  let index = from;
  while (index < value.length) {
    const code = value.charCodeAt(index);
    if (code === SPACE || code === TAB || code === BACKSLASH || code === DOUBLE_QUOTE || code === SINGLE_QUOTE) break;
    index++;
  }
  return index;
}

function skipSeparators(value: string, from: number): number {
  let index = from;
  while (index < value.length) {
    const code = value.charCodeAt(index);
    if (code !== SPACE && code !== TAB) break;
    index++;
  }
  return index;
}

/** Whether the character at `at` is `;` with a blank or the end of the value after it. */
function isLoneSemicolon(value: string, at: number, after: number): boolean {
  if (value[at] !== ';') return false;
  const next = value.charCodeAt(after);
  return after >= value.length || next === SPACE || next === TAB;
}

/**
 * Whether `next` adds to the prefixes already read: `-`, `@` and `:` once each; `+` only
 * without `!`; `!` only without `+`, and a second `!` makes `!!`.
 */
function acceptsPrefix(prefixes: string, next: string): boolean {
  if (!PREFIX_CHARACTERS.includes(next)) return false;
  const bangs = prefixes.split('!').length - 1;
  if (next === '!') return !prefixes.includes('+') && bangs < 2;
  if (next === '+') return !prefixes.includes('+') && bangs === 0;
  return !prefixes.includes(next);
}

function toUnitWord(entry: UnitEntry, value: string, word: ExtractedWord): UnitWord {
  return { text: word.text, raw: value.slice(word.start, word.end), span: valueToSource(entry, word.start, word.end), valueStart: word.start, valueEnd: word.end };
}

/**
 * The first word without its prefix characters. Its span starts right after the last
 * prefix, so a quote opened before the prefixes ("-/bin/true") stays with them.
 */
function subWord(entry: UnitEntry, word: ExtractedWord, prefixLength: number): UnitWord {
  const valueStart = prefixLength === 0 ? word.start : writtenEnd(word, prefixLength - 1);
  return {
    text: word.text.slice(prefixLength),
    raw: entry.value.slice(valueStart, word.end),
    span: valueToSource(entry, valueStart, word.end),
    valueStart,
    valueEnd: word.end,
  };
}

/**
 * In a command line an unknown escape is a warning; in an assignment read strictly
 * (`inCommand` false) it makes systemd ignore the assignment, like an open quote.
 */
function reportWordProblems(entry: UnitEntry, word: ExtractedWord, failure: UnitProblemEffect, problems: UnitProblem[], inCommand = true): void {
  const escapeEffect: UnitProblemEffect = inCommand ? 'warning' : failure;
  if (word.openQuoteAt !== undefined) {
    // systemd's relaxed retry fails too, so the escape warnings never appear.
    problems.push({ span: valueToSource(entry, word.openQuoteAt, word.openQuoteAt + 1), message: `Unbalanced quoting: ${consequence(failure, inCommand)}`, effect: failure });
    return;
  }
  for (const escape of word.unknownEscapes) {
    const written = entry.value.slice(escape.start, escape.end);
    problems.push({
      span: valueToSource(entry, escape.start, escape.end),
      message:
        escapeEffect === 'warning'
          ? `Unknown escape sequence "${written}": systemd warns and keeps it as written`
          : `Unknown escape sequence "${written}": ${consequence(escapeEffect, inCommand)}`,
      effect: escapeEffect,
    });
  }
}

function consequence(effect: UnitProblemEffect, inCommand = true): string {
  if (effect === 'unit-fails') return 'systemd rejects this command line and the unit will not start';
  return inCommand ? 'systemd ignores this command and the rest of the line' : 'systemd ignores this assignment';
}

/**
 * The checks config_parse_exec() makes of the path right after reading it. Reports the
 * first that fails and says whether one did.
 */
function checkPath(entry: UnitEntry, first: ExtractedWord, path: UnitWord, failure: UnitProblemEffect, problems: UnitProblem[]): boolean {
  let what: string | undefined;
  let span = path.span;
  // Specifiers are resolved before these checks; what they resolve to is unknown here.
  const resolvable = !path.text.includes('%');
  if (path.text === '') {
    what = 'Empty executable path';
    span = valueToSource(entry, first.start, first.end);
  } else if (!resolvable) {
    return false;
  } else if (hasUnsafeCharacter(path.text)) {
    what = 'Executable name contains special characters (control characters, quotes or backslashes)';
  } else if (path.text.endsWith('/')) {
    what = 'Executable path specifies a directory';
  } else if (!(path.text.startsWith('/') ? isValidPath(path.text) : isValidFileName(path.text))) {
    what = 'Neither a valid executable name nor an absolute path (a relative path is not searched)';
  }
  if (what === undefined) return false;
  problems.push({ span, message: `${what}: ${consequence(failure)}`, effect: failure });
  return true;
}

function hasUnsafeCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === DOUBLE_QUOTE || code === SINGLE_QUOTE || code === BACKSLASH || code === 0x7f) return true;
  }
  return false;
}

/** systemd's filename_is_valid(): a single name, not `.` or `..`, at most 255 bytes. */
function isValidFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && utf8Length(name) <= 255;
}

/** systemd's path_is_valid(): every component at most 255 bytes, the whole under PATH_MAX. */
function isValidPath(path: string): boolean {
  if (utf8Length(path) >= 4096) return false;
  return path.split('/').every((component) => utf8Length(component) <= 255);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? (index++, 4) : 3;
  }
  return bytes;
}

/**
 * The variable references of a command's words. systemd expands after unquoting, so a
 * reference may be written in quotes (`"${PORT}"`) and still count.
 */
function findVariables(entry: UnitEntry, words: readonly ExtractedWord[], prefixLength: number, expansionOff: boolean): VariableReference[] {
  const found: VariableReference[] = [];
  words.forEach((word, wordIndex) => {
    const from = wordIndex === 0 ? prefixLength : 0;
    const text = word.text;
    const span = (start: number, end: number) => valueToSource(entry, writtenStart(word, start), writtenEnd(word, end - 1));
    // Neither the path nor a ':' command is expanded.
    const literalOnly = expansionOff || wordIndex === 0;

    if (!literalOnly && text.length - from > 1 && text[from] === '$' && text[from + 1] !== '{' && text[from + 1] !== '$') {
      found.push({ name: text.slice(from + 1), form: 'split', span: span(from, text.length), wordIndex });
      return;
    }
    let index = from;
    while (index < text.length) {
      if (text[index] !== '$') {
        index++;
        continue;
      }
      const next = text[index + 1];
      if (next === '$') {
        index += 2;
        continue;
      }
      if (next === '{') {
        const close = text.indexOf('}', index + 2);
        if (close < 0) break;
        const name = text.slice(index + 2, close);
        const colon = name.indexOf(':');
        if (colon >= 0) {
          // replace_env() without the extended syntax gives up at the ':' and reads on as text,
          // so "${A:-${B}}" leaves "${A:-" and "}" as written but still expands "${B}".
          found.push({ name: name.slice(0, colon), form: 'literal', span: span(index, close + 1), wordIndex });
          index += 2 + colon + 1;
          continue;
        }
        found.push({ name, form: literalOnly ? 'literal' : 'inline', span: span(index, close + 1), wordIndex });
        index = close + 1;
        continue;
      }
      let nameEnd = index + 1;
      while (nameEnd < text.length && isNameCharacter(text.charCodeAt(nameEnd), nameEnd === index + 1)) nameEnd++;
      if (nameEnd > index + 1) found.push({ name: text.slice(index + 1, nameEnd), form: 'literal', span: span(index, nameEnd), wordIndex });
      index = Math.max(nameEnd, index + 1);
    }
  });
  return found;
}

function isNameCharacter(code: number, first: boolean): boolean {
  if (code === 95 || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return true;
  return !first && code >= 48 && code <= 57;
}
