import type { Span } from '../../text/source-text';
import type { Comment } from '../common';
import type { UnitEntry, UnitFile, UnitProblem, UnitProblemEffect, UnitSection, ValuePiece } from './model';

/**
 * systemd's LONG_LINE_MAX. A physical line of this many UTF-8 bytes or more (line break not
 * counted), or continuation lines joining to more than this, make systemd refuse the file.
 * Measured against systemd-analyze verify 252: 1048575 bytes load, 1048576 do not.
 */
export const LONG_LINE_MAX = 1024 * 1024;

/**
 * Reads a unit file or drop-in the way systemd's config parser (src/shared/conf-parser.c,
 * with read_line() of src/basic/fileio.c) does:
 *
 * - a line ends at `\n`, `\r` or NUL; a run of break characters counts as one break as long
 *   as no kind repeats and no NUL came before (`\r\n`, `\n\r`, `\r\n\0` are one break each);
 * - a line whose first non-blank character is `#` or `;` is a comment, even in the middle
 *   of a continuation;
 * - a byte order mark is dropped from the start of a line until one has been seen (after the
 *   comment test, so a marked `#` line is not a comment to systemd);
 * - a line ending in a backslash that is not itself escaped continues on the next line; the
 *   backslash becomes a space;
 * - `[Section]` opens a section; anything else is `Key=Value`, both sides trimmed of blanks.
 *
 * Every entry keeps the mapping from its value back to the source (`pieces`), so a word of
 * an `ExecStart=` on a continuation line still has its exact span. Never throws; linear in
 * the length of the text.
 */
export function parseUnit(text: string): UnitFile {
  const reader = new UnitReader(text, 0);
  reader.read();
  return reader.result();
}

/** Where a partial reading (readUnitFrom) starts: inside a section, or before the first. */
export interface UnitResume {
  /** The section open there, with its entries so far; undefined before the first header. */
  readonly section?: { readonly name: string; readonly nameSpan: Span; readonly headerSpan: Span; readonly entries: readonly UnitEntry[] };
  /** Assignments before the first header, so far. */
  readonly orphans: readonly UnitEntry[];
}

/** A partial reading: what was read, and the section still open where it stopped. */
export interface PartialUnit {
  /** Sections closed during the reading; with `open`, when it stopped. */
  readonly sections: readonly UnitSection[];
  readonly open?: UnitSection;
  readonly orphans: readonly UnitEntry[];
  readonly comments: readonly Comment[];
  readonly problems: readonly UnitProblem[];
  readonly stoppedAt?: number;
}

/**
 * Reads from `start`, the start of a logical line, in the state `resume` describes, and
 * stops at the first later logical line start that `canStopAt` accepts (with the name of
 * the section open there), provided nothing read so far was a problem: from there the
 * reading would go on as it did before (see reparse.ts). Meant for text without byte
 * order marks, whose state the resume does not carry.
 */
export function readUnitFrom(text: string, start: number, resume: UnitResume, canStopAt: (offset: number, section: string | undefined) => boolean): PartialUnit {
  const reader = new UnitReader(text, start, canStopAt);
  reader.resumeIn(resume);
  reader.read();
  return reader.partial();
}

/** Maps a range of an entry's value to the source, across continuation lines. */
export function valueToSource(entry: UnitEntry, start: number, end: number): Span {
  if (end <= start) {
    const at = valueOffsetToSource(entry, start);
    return { start: at, end: at };
  }
  return { start: valueOffsetToSource(entry, start), end: valueOffsetToSource(entry, end - 1) + 1 };
}

/**
 * The source offset of the character at `offset` in an entry's value; for `value.length`,
 * the offset just past the value. A space that stands for a continuation backslash maps to
 * that backslash.
 */
export function valueOffsetToSource(entry: UnitEntry, offset: number): number {
  const pieces = entry.pieces;
  const first = pieces[0];
  if (first === undefined) return entry.valueSpan.start;
  const clamped = Math.max(0, Math.min(offset, entry.value.length));
  let low = 0;
  let high = pieces.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (pieces[middle]!.valueOffset <= clamped) low = middle;
    else high = middle - 1;
  }
  const piece = pieces[low]!;
  if (clamped < piece.valueOffset) return first.sourceOffset;
  // Past the piece: a synthetic space (it stands where the backslash was) or the value's end.
  if (clamped >= piece.valueOffset + piece.length) return piece.sourceOffset + piece.length;
  return piece.sourceOffset + (clamped - piece.valueOffset);
}

const NUL = 0;
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const HASH = 35;
const SEMICOLON = 59;
const BACKSLASH = 92;
const BYTE_ORDER_MARK = 0xfeff;

/** The kinds of line-break characters read_line() tells apart, as bits. */
const BREAK_LF = 1;
const BREAK_CR = 2;
const BREAK_NUL = 4;

interface PhysicalLine {
  readonly start: number;
  /** Just past the last character before the line break. */
  readonly end: number;
  /** Where the next line starts. */
  readonly next: number;
  /** Length in UTF-8 bytes, as systemd measures it against LONG_LINE_MAX. */
  readonly bytes: number;
}

/** A piece of a logical line: source text, or the space a continuation backslash became. */
interface Segment {
  readonly logicalStart: number;
  readonly sourceStart: number;
  readonly length: number;
  readonly synthetic: boolean;
}

/** Physical lines joined by continuations, as systemd hands them to its line parser. */
class LogicalLine {
  text = '';
  bytes = 0;
  readonly segments: Segment[] = [];

  appendSource(source: string, start: number, end: number): void {
    if (end <= start) return;
    this.segments.push({ logicalStart: this.text.length, sourceStart: start, length: end - start, synthetic: false });
    this.text += source.slice(start, end);
  }

  /** The space systemd puts where a continuation backslash (at `backslashAt`) was. */
  appendContinuationSpace(backslashAt: number): void {
    this.segments.push({ logicalStart: this.text.length, sourceStart: backslashAt, length: 1, synthetic: true });
    this.text += ' ';
  }

  /** The source span of logical offsets [start, end), which must not be empty. */
  toSource(start: number, end: number): Span {
    return { start: this.sourceOf(start), end: this.sourceOf(end - 1) + 1 };
  }

  private sourceOf(offset: number): number {
    const segments = this.segments;
    let low = 0;
    let high = segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (segments[middle]!.logicalStart <= offset) low = middle;
      else high = middle - 1;
    }
    const segment = segments[low]!;
    return segment.sourceStart + Math.max(0, Math.min(offset - segment.logicalStart, segment.length - 1));
  }
}

interface OpenSection {
  readonly name: string;
  readonly nameSpan: Span;
  readonly headerSpan: Span;
  readonly entries: UnitEntry[];
}

class UnitReader {
  private readonly sections: UnitSection[] = [];
  private readonly orphans: UnitEntry[] = [];
  private readonly comments: Comment[] = [];
  private readonly problems: UnitProblem[] = [];
  private current: OpenSection | undefined;
  /**
   * After an invalid header systemd has already refused the file. We read on so the rest is
   * still checked, but lines there belong to no section until the next valid header.
   */
  private afterInvalidHeader = false;
  private byteOrderMarkSeen = false;
  /** Where a partial reading stopped (readUnitFrom). */
  private stoppedAt: number | undefined;

  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly canStopAt?: (offset: number, section: string | undefined) => boolean,
  ) {}

  resumeIn(resume: UnitResume): void {
    for (const orphan of resume.orphans) this.orphans.push(orphan);
    if (resume.section) this.current = { ...resume.section, entries: [...resume.section.entries] };
  }

  read(): void {
    const text = this.text;
    let pending: LogicalLine | undefined;
    /** Set after a continuation grew too long: its remaining lines are dropped with it. */
    let droppingContinuation = false;
    let lineStart = this.start;

    while (lineStart < text.length) {
      if (this.canStopAt && !pending && !droppingContinuation && lineStart > this.start && this.problems.length === 0 && !this.afterInvalidHeader && this.canStopAt(lineStart, this.current?.name)) {
        this.stoppedAt = lineStart;
        return;
      }
      const line = readPhysicalLine(text, lineStart);
      lineStart = line.next;

      if (line.bytes >= LONG_LINE_MAX) {
        this.problem(
          { start: line.start, end: line.end },
          `Line too long (${line.bytes} bytes, systemd's limit is ${LONG_LINE_MAX - 1}): systemd refuses to load this file`,
          'file-refused',
        );
        pending = undefined;
        droppingContinuation = false;
        continue;
      }

      const firstVisible = skipBlanks(text, line.start, line.end);
      if (firstVisible < line.end) {
        const marker = text.charCodeAt(firstVisible);
        if (marker === HASH || marker === SEMICOLON) {
          this.comments.push({ text: text.slice(firstVisible + 1, line.end), span: { start: firstVisible, end: line.end } });
          continue;
        }
      }

      let contentStart = line.start;
      let bytes = line.bytes;
      if (!this.byteOrderMarkSeen && text.charCodeAt(contentStart) === BYTE_ORDER_MARK) {
        this.byteOrderMarkSeen = true;
        contentStart++;
        bytes -= 3;
      }
      const continues = endsWithUnescapedBackslash(text, contentStart, line.end);

      if (droppingContinuation) {
        droppingContinuation = continues;
        continue;
      }
      if (pending && pending.bytes + bytes > LONG_LINE_MAX) {
        this.problem(
          pending.toSource(0, pending.text.length),
          `Continuation line too long (over ${LONG_LINE_MAX} bytes joined): systemd refuses to load this file`,
          'file-refused',
        );
        pending = undefined;
        droppingContinuation = continues;
        continue;
      }

      const logical = pending ?? new LogicalLine();
      logical.bytes += bytes;
      if (continues) {
        logical.appendSource(text, contentStart, line.end - 1);
        logical.appendContinuationSpace(line.end - 1);
        pending = logical;
      } else {
        logical.appendSource(text, contentStart, line.end);
        pending = undefined;
        this.parseLogicalLine(logical);
      }
    }
    // A file that ends inside a continuation: systemd parses what it has.
    if (pending) this.parseLogicalLine(pending);
    this.closeSection();
  }

  result(): UnitFile {
    return { sections: this.sections, orphans: this.orphans, comments: this.comments, problems: this.problems };
  }

  partial(): PartialUnit {
    const read = { sections: this.sections, orphans: this.orphans, comments: this.comments, problems: this.problems };
    if (this.stoppedAt === undefined) return read;
    return this.current ? { ...read, open: this.current, stoppedAt: this.stoppedAt } : { ...read, stoppedAt: this.stoppedAt };
  }

  private parseLogicalLine(line: LogicalLine): void {
    const text = line.text;
    const start = skipBlanks(text, 0, text.length);
    const end = trimBlanksEnd(text, start, text.length);
    if (start >= end) return;

    if (text.charCodeAt(start) === 0x5b /* [ */) {
      this.parseHeader(line, start, end);
      return;
    }

    const equals = text.indexOf('=', start);
    if (!this.current && !this.afterInvalidHeader && (equals < 0 || equals >= end || equals === start)) {
      // systemd checks for a section before it looks for '='.
      this.problem(line.toSource(start, end), "Assignment outside of any section: systemd ignores this line", 'ignored');
      return;
    }
    if (equals < 0 || equals >= end) {
      // systemd reads nothing at all in X- sections, so it never sees the missing '='.
      if (!this.current?.name.startsWith('X-')) this.problem(line.toSource(start, end), "Missing '=': systemd ignores this line", 'ignored');
      return;
    }
    if (equals === start) {
      if (!this.current?.name.startsWith('X-')) this.problem(line.toSource(start, end), "Missing key name before '=': systemd ignores this line", 'ignored');
      return;
    }

    const keyEnd = trimBlanksEnd(text, start, equals);
    const valueStart = skipBlanks(text, equals + 1, end);
    const value = text.slice(valueStart, end);
    const pieces: ValuePiece[] = [];
    for (const segment of line.segments) {
      if (segment.synthetic) continue;
      const from = Math.max(segment.logicalStart, valueStart);
      const to = Math.min(segment.logicalStart + segment.length, end);
      if (from >= to) continue;
      pieces.push({ valueOffset: from - valueStart, sourceOffset: segment.sourceStart + (from - segment.logicalStart), length: to - from });
    }
    const afterEquals = line.toSource(equals, equals + 1).end;
    const entry: UnitEntry = {
      key: text.slice(start, keyEnd),
      keySpan: line.toSource(start, keyEnd),
      value,
      valueSpan: value === '' ? { start: afterEquals, end: afterEquals } : line.toSource(valueStart, end),
      span: line.toSource(start, end),
      pieces,
    };
    if (this.current) this.current.entries.push(entry);
    else if (!this.afterInvalidHeader) this.orphans.push(entry);
  }

  private parseHeader(line: LogicalLine, start: number, end: number): void {
    const text = line.text;
    const whole = line.toSource(start, end);
    const written = text.slice(start, end);
    let invalid: string | undefined;
    if (end - start < 2 || text.charCodeAt(end - 1) !== 0x5d /* ] */) {
      invalid = `Invalid section header '${clip(written)}': systemd refuses to load this file`;
    } else if (hasUnsafeCharacter(text, start + 1, end - 1)) {
      invalid = `Bad characters in section header '${clip(written)}' (control characters, quotes and backslashes are not allowed): systemd refuses to load this file`;
    }
    this.closeSection();
    if (invalid !== undefined) {
      this.problem(whole, invalid, 'file-refused');
      this.afterInvalidHeader = true;
      return;
    }
    this.afterInvalidHeader = false;
    const nameSpan = end - start > 2 ? line.toSource(start + 1, end - 1) : { start: whole.start + 1, end: whole.start + 1 };
    this.current = { name: text.slice(start + 1, end - 1), nameSpan, headerSpan: whole, entries: [] };
  }

  private closeSection(): void {
    if (this.current) this.sections.push(this.current);
    this.current = undefined;
  }

  private problem(span: Span, message: string, effect: UnitProblemEffect): void {
    this.problems.push({ span, message, effect });
  }
}

function readPhysicalLine(text: string, start: number): PhysicalLine {
  let index = start;
  let bytes = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === LF || code === CR || code === NUL) break;
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index++;
    } else bytes += 3;
    index++;
  }
  const end = index;
  let kindsSeen = 0;
  while (index < text.length && (kindsSeen & BREAK_NUL) === 0) {
    const kind = breakKind(text.charCodeAt(index));
    if (kind === 0 || (kindsSeen & kind) !== 0) break;
    kindsSeen |= kind;
    index++;
  }
  return { start, end, next: index, bytes };
}

function breakKind(code: number): number {
  if (code === LF) return BREAK_LF;
  if (code === CR) return BREAK_CR;
  if (code === NUL) return BREAK_NUL;
  return 0;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

function skipBlanks(text: string, from: number, to: number): number {
  let index = from;
  while (index < to && isBlank(text.charCodeAt(index))) index++;
  return index;
}

function trimBlanksEnd(text: string, start: number, end: number): number {
  let index = end;
  while (index > start && isBlank(text.charCodeAt(index - 1))) index--;
  return index;
}

/**
 * Whether the line ends in a backslash that is not itself escaped. Only the very last
 * character counts: a backslash followed by blanks does not continue the line.
 */
function endsWithUnescapedBackslash(text: string, start: number, end: number): boolean {
  let run = 0;
  for (let index = end - 1; index >= start && text.charCodeAt(index) === BACKSLASH; index--) run++;
  return run % 2 === 1;
}

/** systemd's string_is_safe(): no control characters, quotes, backslashes or DEL. */
function hasUnsafeCharacter(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x22 || code === 0x27 || code === BACKSLASH || code === 0x7f) return true;
  }
  return false;
}

/** Quoted text in a message stays short: a problem line may be a megabyte long. */
function clip(written: string): string {
  return written.length > 60 ? `${written.slice(0, 57)}...` : written;
}
