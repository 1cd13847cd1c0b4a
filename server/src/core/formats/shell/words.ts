import type { Span } from '../../text/source-text';
import type { SyntaxProblem, Word } from '../common';

export interface ShellCommand {
  readonly words: readonly Word[];
  readonly span: Span;
}

const OPERATOR_CHARS = new Set([';', '&', '|', '\n']);

/**
 * Splits shell text into simple commands and words, as a POSIX shell would before
 * expansion: single quotes, double quotes (where `\` escapes `$ \` " \\` and newline),
 * backslashes, `#` comments at the start of a word, and `;`, `&`, `|`, newlines between
 * commands. Expansions (`$PORT`) stay in the word text for the caller to interpret.
 */
export function splitShell(text: string, from = 0, to = text.length): { commands: ShellCommand[]; problems: SyntaxProblem[] } {
  const commands: ShellCommand[] = [];
  const problems: SyntaxProblem[] = [];
  let words: Word[] = [];
  let index = from;

  const endCommand = () => {
    if (words.length > 0) {
      commands.push({ words, span: { start: words[0]!.span.start, end: words[words.length - 1]!.span.end } });
    }
    words = [];
  };

  while (index < to) {
    const char = text[index]!;
    if (char === ' ' || char === '\t' || char === '\r') {
      index++;
    } else if (char === '\\' && text[index + 1] === '\n') {
      index += 2; // line continuation between words
    } else if (char === '#') {
      while (index < to && text[index] !== '\n') index++;
    } else if (OPERATOR_CHARS.has(char)) {
      endCommand();
      index++;
    } else {
      const word = readWord(text, index, to, problems);
      words.push(word.word);
      index = word.end;
    }
  }
  endCommand();
  return { commands, problems };
}

function readWord(text: string, start: number, to: number, problems: SyntaxProblem[]): { word: Word; end: number } {
  let value = '';
  let index = start;
  while (index < to) {
    const char = text[index]!;
    if (char === ' ' || char === '\t' || char === '\r' || OPERATOR_CHARS.has(char)) break;
    if (char === '\\') {
      if (text[index + 1] === '\n') {
        index += 2;
        continue;
      }
      if (index + 1 < to) value += text[index + 1];
      index += 2;
    } else if (char === "'") {
      const close = text.indexOf("'", index + 1);
      if (close < 0 || close >= to) {
        problems.push({ span: { start: index, end: index + 1 }, message: 'Unterminated single quote' });
        value += text.slice(index + 1, to);
        index = to;
      } else {
        value += text.slice(index + 1, close);
        index = close + 1;
      }
    } else if (char === '"') {
      const quoted = readDoubleQuoted(text, index, to);
      if (!quoted.closed) problems.push({ span: { start: index, end: index + 1 }, message: 'Unterminated double quote' });
      value += quoted.value;
      index = quoted.end;
    } else {
      value += char;
      index++;
    }
  }
  return { word: { text: value, span: { start, end: Math.min(index, to) } }, end: index };
}

function readDoubleQuoted(text: string, open: number, to: number): { value: string; end: number; closed: boolean } {
  let value = '';
  let index = open + 1;
  while (index < to) {
    const char = text[index]!;
    if (char === '"') return { value, end: index + 1, closed: true };
    if (char === '\\' && index + 1 < to) {
      const next = text[index + 1]!;
      if (next === '\n') {
        index += 2;
        continue;
      }
      if (next === '$' || next === '`' || next === '"' || next === '\\') {
        value += next;
        index += 2;
        continue;
      }
    }
    value += char;
    index++;
  }
  return { value, end: to, closed: false };
}
