import type { Span } from '../../text/source-text';
import type { SyntaxProblem, Word } from '../common';
import type { UnitEntry } from './model';
import { valueToSource } from './parser';

/** One command of an `Exec*=` value (several are separated by a lone `;`). */
export interface ExecCommand {
  /** Special prefixes before the path: `-` `@` `:` `+` `!` `!!`. */
  readonly prefixes: string;
  /** The program and its arguments, unquoted and unescaped, with source spans. */
  readonly argv: readonly Word[];
}

const PREFIX_CHARACTERS = new Set(['-', '@', ':', '+', '!', '|']);

const C_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  s: ' ',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * Splits an `ExecStart=`-style value into commands and words as systemd does: words are
 * separated by blanks, double and single quotes group (anywhere in a word), C escapes
 * are resolved, a lone unquoted `;` ends a command and `\;` is a literal semicolon.
 * Spans point into the source file, across continuation lines.
 */
export function splitExecValue(entry: UnitEntry): { commands: ExecCommand[]; problems: SyntaxProblem[] } {
  const value = entry.value;
  const commands: ExecCommand[] = [];
  const problems: SyntaxProblem[] = [];
  let argv: Word[] = [];
  let prefixes = '';

  const finish = () => {
    if (argv.length > 0) commands.push({ prefixes, argv });
    argv = [];
    prefixes = '';
  };

  let index = 0;
  while (index < value.length) {
    const code = value.charCodeAt(index);
    if (code === 32 || code === 9) {
      index++;
      continue;
    }
    const start = index;
    let text = '';
    let quote: string | undefined;
    let unterminatedAt: number | undefined;
    while (index < value.length) {
      const char = value[index]!;
      if (quote === undefined && (char === ' ' || char === '\t')) break;
      if (char === '\\' && index + 1 < value.length) {
        const escaped = decodeEscape(value, index + 1);
        text += escaped.text;
        index = escaped.next;
        continue;
      }
      if (quote !== undefined && char === quote) {
        quote = undefined;
        index++;
        continue;
      }
      if (quote === undefined && (char === '"' || char === "'")) {
        quote = char;
        unterminatedAt = index;
        index++;
        continue;
      }
      text += char;
      index++;
    }
    if (quote !== undefined && unterminatedAt !== undefined) {
      problems.push({ span: valueToSource(entry, unterminatedAt, unterminatedAt + 1), message: 'Unbalanced quoting: systemd ignores this command line' });
    }
    const raw = value.slice(start, index);
    if (raw === ';') {
      finish();
      continue;
    }
    let span: Span = valueToSource(entry, start, index);
    if (argv.length === 0) {
      // The first word carries the prefixes; the program is what follows them.
      let prefixLength = 0;
      while (prefixLength < raw.length && PREFIX_CHARACTERS.has(raw[prefixLength]!)) prefixLength++;
      prefixes = raw.slice(0, prefixLength);
      text = text.slice(prefixLength);
      span = valueToSource(entry, start + prefixLength, index);
    }
    argv.push({ text, span });
  }
  finish();
  return { commands, problems };
}

function decodeEscape(value: string, at: number): { text: string; next: number } {
  const char = value[at]!;
  const simple = C_ESCAPES[char];
  if (simple !== undefined) return { text: simple, next: at + 1 };
  if (char === ';') return { text: ';', next: at + 1 };
  const hexLength = char === 'x' ? 2 : char === 'u' ? 4 : char === 'U' ? 8 : 0;
  if (hexLength > 0) {
    const hex = value.slice(at + 1, at + 1 + hexLength);
    const codePoint = /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength ? Number.parseInt(hex, 16) : -1;
    if (codePoint >= 0 && codePoint <= 0x10ffff) return { text: String.fromCodePoint(codePoint), next: at + 1 + hexLength };
  }
  if (char >= '0' && char <= '7') {
    const octal = value.slice(at, at + 3);
    if (/^[0-7]{3}$/.test(octal)) return { text: String.fromCharCode(Number.parseInt(octal, 8)), next: at + 3 };
  }
  // systemd keeps an unknown escape's character (it warns in newer releases).
  return { text: char, next: at + 1 };
}
