import type { Word } from '../common';
import { splitShell } from './words';

const COMMAND_INSTRUCTIONS = new Set(['RUN', 'CMD', 'ENTRYPOINT']);

/**
 * The command lines of a Dockerfile's RUN, CMD and ENTRYPOINT instructions, in both
 * forms: exec form (a JSON array) and shell form. Continuation lines are followed.
 */
export function dockerfileCommands(text: string): Word[][] {
  const commands: Word[][] = [];
  let lineStart = 0;
  while (lineStart < text.length) {
    const instructionEnd = endOfInstruction(text, lineStart);
    const line = text.slice(lineStart, instructionEnd);
    const match = /^\s*([A-Za-z]+)\s+/.exec(line);
    if (match && COMMAND_INSTRUCTIONS.has(match[1]!.toUpperCase())) {
      const argumentStart = lineStart + match[0].length;
      if (text[argumentStart] === '[') {
        const words = execForm(text, argumentStart, instructionEnd);
        if (words) commands.push(words);
      } else {
        for (const command of splitShell(text, argumentStart, instructionEnd).commands) commands.push([...command.words]);
      }
    }
    lineStart = instructionEnd + 1;
  }
  return commands;
}

/** Where an instruction ends: the first newline not preceded by a backslash. */
function endOfInstruction(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const newline = text.indexOf('\n', index);
    if (newline < 0) return text.length;
    let before = newline - 1;
    if (text[before] === '\r') before--;
    if (text[before] !== '\\') return newline;
    index = newline + 1;
  }
  return text.length;
}

/** `["gunicorn", "-w", "4"]`: JSON strings with their spans; undefined when not a JSON array of strings. */
function execForm(text: string, open: number, end: number): Word[] | undefined {
  const words: Word[] = [];
  let index = open + 1;
  for (;;) {
    while (index < end && /[\s,\\]/.test(text[index]!)) index++;
    if (text[index] === ']') return words;
    if (text[index] !== '"') return undefined;
    let close = index + 1;
    while (close < end && text[close] !== '"') close += text[close] === '\\' ? 2 : 1;
    if (close >= end) return undefined;
    try {
      words.push({ text: JSON.parse(text.slice(index, close + 1)) as string, span: { start: index, end: close + 1 } });
    } catch {
      return undefined;
    }
    index = close + 1;
  }
}
