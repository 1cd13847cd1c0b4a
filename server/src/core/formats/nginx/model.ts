import type { Span } from '../../text/source-text';
import type { Comment, SyntaxProblem } from '../common';

/** One nginx configuration file as written (includes are resolved elsewhere). */
export interface NginxFile {
  readonly directives: readonly NginxDirective[];
  readonly comments: readonly Comment[];
  readonly problems: readonly SyntaxProblem[];
  /**
   * Where an unterminated quote opens, if one does: nginx reads the rest of the file as
   * that string, so what the parser reads from here on is its best guess at what was
   * meant, not what nginx sees.
   */
  readonly guessedFrom?: number;
}

export interface NginxDirective {
  readonly name: string;
  readonly nameSpan: Span;
  readonly args: readonly NginxArgument[];
  /** Present when the directive opened a block with `{`. */
  readonly block?: NginxBlock;
  /** From the name to the closing `;` or `}` (or to where the parser gave up). */
  readonly span: Span;
  /** Span of the terminating `;`, when there was one. */
  readonly semicolonSpan?: Span;
}

export interface NginxArgument {
  /** The value nginx sees: quotes removed, `\"`, `\'`, `\\`, `\t`, `\r`, `\n` unescaped. */
  readonly value: string;
  /** The quote character the argument was written in, if any. */
  readonly quote?: '"' | "'";
  /** Span of the argument as written, quotes included. */
  readonly span: Span;
}

export interface NginxBlock {
  /** The `{`. */
  readonly openSpan: Span;
  /** The `}`; absent when the file ended before the block was closed. */
  readonly closeSpan?: Span;
  readonly directives: readonly NginxDirective[];
}
