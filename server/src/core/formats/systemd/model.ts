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
  readonly problems: readonly UnitProblem[];
}

/**
 * What systemd does about a problem, so a rule can tell a file systemd refuses from a line
 * it skips or a warning it prints and moves past. Severity follows from this.
 */
export type UnitProblemEffect =
  /** systemd refuses to load the whole file (bad section header, overlong line). */
  | 'file-refused'
  /**
   * A fatal error in this setting (an `Exec*=` it cannot parse): systemd stops reading the
   * file at this line, and the unit loads with a bad-setting error and will not start.
   */
  | 'unit-fails'
  /** systemd skips this line or assignment and reads on. */
  | 'ignored'
  /** systemd warns and uses the text as written (an unknown escape sequence). */
  | 'warning';

/** A syntax problem of a unit file, with what systemd does about it. */
export interface UnitProblem extends SyntaxProblem {
  readonly effect: UnitProblemEffect;
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
