import type { SyntaxProblem, Word } from '../common';
import { C_ESCAPES } from '../escapes';
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

/** systemd's escapes: C's, plus `\s` for a space. */
const UNIT_ESCAPES: Readonly<Record<string, string>> = { ...C_ESCAPES, s: ' ' };

/**
 * Splits an `ExecStart=`-style value into commands and words as systemd does: a lone
 * unquoted `;` ends a command, `\;` is a literal semicolon, and the first word of each
 * command may carry prefixes. Spans point into the source file, across continuation lines.
 */
export function splitExecValue(entry: UnitEntry): { commands: ExecCommand[]; problems: SyntaxProblem[] } {
  const { words, problems } = splitUnitWords(entry);
  const commands: ExecCommand[] = [];
  let argv: Word[] = [];
  let prefixes = '';
  for (const word of words) {
    if (word.raw === ';') {
      if (argv.length > 0) commands.push({ prefixes, argv });
      argv = [];
      prefixes = '';
      continue;
    }
    if (argv.length === 0) {
      // The first word carries the prefixes; the program is what follows them.
      let prefixLength = 0;
      while (prefixLength < word.raw.length && PREFIX_CHARACTERS.has(word.raw[prefixLength]!)) prefixLength++;
      prefixes = word.raw.slice(0, prefixLength);
      argv.push({ text: word.text.slice(prefixLength), span: valueToSource(entry, word.valueStart + prefixLength, word.valueEnd) });
    } else {
      argv.push({ text: word.text, span: word.span });
    }
  }
  if (argv.length > 0) commands.push({ prefixes, argv });
  return { commands, problems };
}

/** A word of a unit value, with where it sits in the value and as written. */
export interface UnitWord extends Word {
  readonly raw: string;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/**
 * Splits a unit value into words the way systemd's extract_first_word does for Exec*=
 * and Environment=: blanks separate, double and single quotes group (anywhere in a
 * word), C escapes are resolved.
 */
export function splitUnitWords(entry: UnitEntry): { words: UnitWord[]; problems: SyntaxProblem[] } {
  const value = entry.value;
  const words: UnitWord[] = [];
  const problems: SyntaxProblem[] = [];
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
    let openedAt = 0;
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
        openedAt = index;
        index++;
        continue;
      }
      text += char;
      index++;
    }
    if (quote !== undefined) {
      problems.push({ span: valueToSource(entry, openedAt, openedAt + 1), message: 'Unbalanced quoting: systemd ignores this line' });
    }
    words.push({ text, raw: value.slice(start, index), span: valueToSource(entry, start, index), valueStart: start, valueEnd: index });
  }
  return { words, problems };
}

function decodeEscape(value: string, at: number): { text: string; next: number } {
  const char = value[at]!;
  const simple = UNIT_ESCAPES[char];
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
