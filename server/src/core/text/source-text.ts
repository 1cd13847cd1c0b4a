/**
 * Text of one document with a lazily built line index.
 *
 * Parsers work with offsets into the string (cheap to carry around); findings and edits
 * leave the core as LSP-style positions: 0-based lines and UTF-16 code units, which is
 * exactly what JavaScript string indices count. Line breaks are `\n`, `\r\n` and a lone
 * `\r`, as in the LSP specification, so positions agree with every client.
 */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A half-open range of offsets into a document's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export class SourceText {
  private lineStarts: number[] | undefined;

  constructor(readonly text: string) {}

  get length(): number {
    return this.text.length;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  /** Offset of the first character of `line` (clamped to the document). */
  lineStart(line: number): number {
    const starts = this.starts();
    if (line <= 0) return 0;
    if (line >= starts.length) return this.text.length;
    return starts[line]!;
  }

  /** Offset just past the last character of `line`, before its line break. */
  lineEnd(line: number): number {
    const starts = this.starts();
    if (line < 0) return 0;
    if (line >= starts.length - 1) return this.text.length;
    let end = starts[line + 1]!;
    if (end > 0 && this.text.charCodeAt(end - 1) === LF) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === CR) end--;
    return end;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - starts[low]! };
  }

  offsetAt(position: Position): number {
    const starts = this.starts();
    if (position.line < 0) return 0;
    if (position.line >= starts.length) return this.text.length;
    const start = starts[position.line]!;
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  /** The line break this document uses most, for text that fixes insert. */
  get eol(): '\n' | '\r\n' {
    const firstLf = this.text.indexOf('\n');
    return firstLf > 0 && this.text.charCodeAt(firstLf - 1) === CR ? '\r\n' : '\n';
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const text = this.text;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === CR) {
        if (text.charCodeAt(i + 1) === LF) i++;
        starts.push(i + 1);
      } else if (code === LF) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    return starts;
  }
}

const LF = 10;
const CR = 13;

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}
