import type { Span } from '../text/source-text';

/**
 * Something a parser could not make sense of. Parsers never throw: they record the
 * problem, recover, and go on, so the rest of the file is still checked. Each format's
 * `<format>/syntax` rule turns these into findings.
 */
export interface SyntaxProblem {
  readonly span: Span;
  readonly message: string;
}

/** A comment as written, kept for inline suppressions and host declarations. */
export interface Comment {
  /** Text after the comment marker, untrimmed. */
  readonly text: string;
  /** The whole comment, marker included. */
  readonly span: Span;
}

/** A word of a command line with the span of its source text (quotes included). */
export interface Word {
  /** The word after unquoting and unescaping. */
  readonly text: string;
  readonly span: Span;
}
