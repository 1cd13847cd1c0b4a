import type { Span } from '../../text/source-text';
import type { Comment, SyntaxProblem } from '../common';

/**
 * A systemd unit file or drop-in as written: sections in order (a section name may
 * repeat; systemd merges them), assignments in order (a key may repeat), every piece
 * with the span of its text.
 */
export interface UnitFile {
  readonly sections: readonly UnitSection[];
  /** Assignments before the first section header (systemd ignores them). */
  readonly orphans: readonly UnitEntry[];
  readonly comments: readonly Comment[];
  readonly problems: readonly SyntaxProblem[];
}

export interface UnitSection {
  readonly name: string;
  /** The name between the brackets. */
  readonly nameSpan: Span;
  /** `[Name]` with its brackets. */
  readonly headerSpan: Span;
  readonly entries: readonly UnitEntry[];
}

export interface UnitEntry {
  /** The key as written, e.g. "ExecStart". */
  readonly key: string;
  readonly keySpan: Span;
  /**
   * The value as systemd sees it: leading and trailing whitespace removed, continuation
   * lines joined with each line-ending backslash turned into a space, and comment lines
   * inside the continuation dropped.
   */
  readonly value: string;
  /** From the first to the last character of the value in the source; empty at the `=` end when the value is empty. */
  readonly valueSpan: Span;
  /** Key to the end of the value, over every continuation line. */
  readonly span: Span;
  /** Maps offsets in `value` back to the source; see `valueToSource`. */
  readonly pieces: readonly ValuePiece[];
}

/** `value.slice(valueOffset, valueOffset + length)` is `source.slice(sourceOffset, sourceOffset + length)`. */
export interface ValuePiece {
  readonly valueOffset: number;
  readonly sourceOffset: number;
  readonly length: number;
}
