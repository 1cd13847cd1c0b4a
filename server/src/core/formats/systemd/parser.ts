import type { Span } from '../../text/source-text';
import type { Comment, SyntaxProblem } from '../common';
import type { UnitEntry, UnitFile, UnitSection, ValuePiece } from './model';

/** systemd refuses a unit file with a line longer than this (LONG_LINE_MAX). */
export const LONG_LINE_MAX = 1024 * 1024;

/**
 * Reads a unit file or drop-in the way systemd's config parser does:
 *
 * - lines end at `\n`, `\r\n`, a lone `\r`, or a NUL byte;
 * - a line whose first non-blank character is `#` or `;` is a comment, even in the
 *   middle of a continuation;
 * - a line ending in an unescaped backslash continues on the next line, the backslash
 *   becoming a space;
 * - `[Section]` opens a section; anything else is `Key=Value`, both sides trimmed.
 *
 * Every entry keeps the mapping from its value back to the source (`pieces`), so a word
 * of an `ExecStart=` on a continuation line still has its exact span.
 */
export function parseUnit(text: string): UnitFile {
  const reader = new UnitReader(text);
  reader.read();
  return reader.result();
}

/** A piece of a logical line: source text, or the space a continuation backslash became. */
interface Segment {
  readonly logicalStart: number;
  readonly sourceStart: number;
  readonly length: number;
  readonly synthetic: boolean;
}

interface LogicalLine {
  text: string;
  segments: Segment[];
}

class UnitReader {
  private readonly sections: UnitSection[] = [];
  private readonly orphans: UnitEntry[] = [];
  private readonly comments: Comment[] = [];
  private readonly problems: SyntaxProblem[] = [];
  private current: { name: string; nameSpan: Span; headerSpan: Span; entries: UnitEntry[] } | undefined;
  /** After an invalid header nothing belongs anywhere until the next valid one. */
  private afterInvalidHeader = false;

  constructor(private readonly text: string) {}

  read(): void {
    const text = this.text;
    let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let pending: LogicalLine | undefined;

    while (lineStart < text.length || pending) {
      if (lineStart >= text.length) {
        // The file ended inside a continuation: systemd parses what it has.
        this.parseLine(pending!);
        pending = undefined;
        break;
      }
      const lineEnd = endOfLine(text, lineStart);
      const nextStart = afterLineBreak(text, lineEnd);

      if (lineEnd - lineStart > LONG_LINE_MAX) {
        this.problems.push({
          span: { start: lineStart, end: lineStart + 1 },
          message: `Line longer than ${LONG_LINE_MAX} bytes: systemd refuses to load this file`,
        });
        lineStart = nextStart;
        continue;
      }

      const firstVisible = skipBlanks(text, lineStart, lineEnd);
      const marker = text[firstVisible];
      if (firstVisible < lineEnd && (marker === '#' || marker === ';')) {
        this.comments.push({ text: text.slice(firstVisible + 1, lineEnd), span: { start: firstVisible, end: lineEnd } });
        lineStart = nextStart;
        continue;
      }

      const logical: LogicalLine = pending ?? { text: '', segments: [] };
      const continues = endsWithUnescapedBackslash(text, lineStart, lineEnd);
      const contentEnd = continues ? lineEnd - 1 : lineEnd;
      appendSource(logical, lineStart, contentEnd, text);
      if (continues) {
        logical.segments.push({ logicalStart: logical.text.length, sourceStart: contentEnd, length: 1, synthetic: true });
        logical.text += ' ';
        if (logical.text.length > LONG_LINE_MAX) {
          this.problems.push({
            span: { start: lineStart, end: lineEnd },
            message: `Continued line longer than ${LONG_LINE_MAX} bytes: systemd refuses to load this file`,
          });
          pending = undefined;
        } else {
          pending = logical;
        }
      } else {
        pending = undefined;
        this.parseLine(logical);
      }
      lineStart = nextStart;
    }
    this.closeSection();
  }

  result(): UnitFile {
    return { sections: this.sections, orphans: this.orphans, comments: this.comments, problems: this.problems };
  }

  private parseLine(line: LogicalLine): void {
    const start = skipBlanks(line.text, 0, line.text.length);
    const end = trimEnd(line.text, start);
    if (start >= end) return;
    const whole = this.toSource(line, start, end);

    if (line.text[start] === '[') {
      if (line.text[end - 1] !== ']' || end - start < 3) {
        this.problems.push({
          span: whole,
          message: `Invalid section header "${line.text.slice(start, end)}": systemd refuses to load this file`,
        });
        // systemd refuses the whole file here. We read on so later sections are still
        // checked, but the lines under the broken header belong to no section.
        this.closeSection();
        this.afterInvalidHeader = true;
        return;
      }
      this.closeSection();
      this.afterInvalidHeader = false;
      this.current = {
        name: line.text.slice(start + 1, end - 1),
        nameSpan: this.toSource(line, start + 1, end - 1),
        headerSpan: whole,
        entries: [],
      };
      return;
    }

    const equals = line.text.indexOf('=', start);
    if (equals < 0 || equals >= end) {
      this.problems.push({ span: whole, message: "Missing '=': systemd ignores this line" });
      return;
    }
    const keyEnd = trimEnd(line.text, start, equals);
    if (keyEnd === start) {
      this.problems.push({ span: whole, message: "Missing key name before '=': systemd ignores this line" });
      return;
    }
    const valueStart = skipBlanks(line.text, equals + 1, end);
    const value = line.text.slice(valueStart, end);
    const pieces: ValuePiece[] = [];
    for (const segment of line.segments) {
      if (segment.synthetic) continue;
      const from = Math.max(segment.logicalStart, valueStart);
      const to = Math.min(segment.logicalStart + segment.length, end);
      if (from >= to) continue;
      pieces.push({ valueOffset: from - valueStart, sourceOffset: segment.sourceStart + (from - segment.logicalStart), length: to - from });
    }
    const entry: UnitEntry = {
      key: line.text.slice(start, keyEnd),
      keySpan: this.toSource(line, start, keyEnd),
      value,
      valueSpan: value === '' ? emptyAt(this.toSource(line, equals, equals + 1).end) : this.toSource(line, valueStart, end),
      span: this.toSource(line, start, end),
      pieces,
    };
    if (this.current) this.current.entries.push(entry);
    else if (!this.afterInvalidHeader) this.orphans.push(entry);
  }

  private closeSection(): void {
    if (this.current) this.sections.push(this.current);
    this.current = undefined;
  }

  /** The source span of logical offsets [start, end). */
  private toSource(line: LogicalLine, start: number, end: number): Span {
    return { start: logicalToSource(line.segments, start), end: logicalToSource(line.segments, end - 1) + 1 };
  }
}

function appendSource(line: LogicalLine, start: number, end: number, text: string): void {
  if (end <= start) return;
  line.segments.push({ logicalStart: line.text.length, sourceStart: start, length: end - start, synthetic: false });
  line.text += text.slice(start, end);
}

function logicalToSource(segments: readonly Segment[], offset: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (segments[middle]!.logicalStart <= offset) low = middle;
    else high = middle - 1;
  }
  const segment = segments[low]!;
  return segment.sourceStart + Math.min(offset - segment.logicalStart, segment.length - 1);
}

/** Maps a range of an entry's value to the source (continuations and all). */
export function valueToSource(entry: UnitEntry, start: number, end: number): Span {
  if (end <= start) {
    const at = valueOffsetToSource(entry, start);
    return { start: at, end: at };
  }
  return { start: valueOffsetToSource(entry, start), end: valueOffsetToSource(entry, end - 1) + 1 };
}

/** The source offset of one character of an entry's value. */
export function valueOffsetToSource(entry: UnitEntry, offset: number): number {
  const pieces = entry.pieces;
  if (pieces.length === 0) return entry.valueSpan.start;
  let chosen = pieces[0]!;
  for (const piece of pieces) {
    if (piece.valueOffset > offset) break;
    chosen = piece;
  }
  if (offset >= chosen.valueOffset + chosen.length) {
    // A synthetic space between continuation pieces: it stands where the backslash was.
    return chosen.sourceOffset + chosen.length;
  }
  return chosen.sourceOffset + Math.max(0, offset - chosen.valueOffset);
}

function emptyAt(offset: number): Span {
  return { start: offset, end: offset };
}

function endOfLine(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 13 || code === 0) return index;
  }
  return text.length;
}

function afterLineBreak(text: string, lineEnd: number): number {
  if (text.charCodeAt(lineEnd) === 13 && text.charCodeAt(lineEnd + 1) === 10) return lineEnd + 2;
  return lineEnd + 1;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function skipBlanks(text: string, from: number, to: number): number {
  let index = from;
  while (index < to && isBlank(text.charCodeAt(index))) index++;
  return index;
}

function trimEnd(text: string, start: number, end = text.length): number {
  let index = end;
  while (index > start && isBlank(text.charCodeAt(index - 1))) index--;
  return index;
}

/** Whether the line ends in a backslash that is not itself escaped by one before it. */
function endsWithUnescapedBackslash(text: string, start: number, end: number): boolean {
  let escaped = false;
  for (let index = start; index < end; index++) {
    if (escaped) escaped = false;
    else if (text.charCodeAt(index) === 92) escaped = true;
  }
  return escaped;
}
