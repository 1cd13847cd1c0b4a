import type { Range, Span } from '../../server/src/core/text/source-text';
import { SourceText } from '../../server/src/core/text/source-text';

/** The text a span underlines. */
export function underlined(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** The text an LSP range underlines. */
export function underlinedRange(text: string, range: Range): string {
  const source = new SourceText(text);
  return text.slice(source.offsetAt(range.start), source.offsetAt(range.end));
}
