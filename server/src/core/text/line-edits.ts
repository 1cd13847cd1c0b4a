import type { SourceText, Span } from './source-text';

/**
 * What to delete to remove a statement cleanly. When the statement has its lines to
 * itself (only indentation before it; only spaces or a comment after it), the whole
 * lines go, line break included, so no blank line is left behind. Otherwise only the
 * statement goes.
 */
export function statementRemoval(source: SourceText, span: Span, commentMarkers: string): Span {
  const text = source.text;
  const first = source.positionAt(span.start).line;
  const last = source.positionAt(span.end).line;
  const lineStart = source.lineStart(first);
  const lineEnd = source.lineEnd(last);
  if (text.slice(lineStart, span.start).trim() !== '') return span;
  const after = text.slice(span.end, lineEnd).trim();
  if (after !== '' && !commentMarkers.includes(after[0]!)) return span;
  return { start: lineStart, end: source.lineStart(last + 1) };
}

/** The indentation (spaces and tabs) of the line holding `offset`. */
export function indentationAt(source: SourceText, offset: number): string {
  const start = source.lineStart(source.positionAt(offset).line);
  let end = start;
  while (source.text[end] === ' ' || source.text[end] === '\t') end++;
  return source.text.slice(start, end);
}

/** The offset where a new line may be inserted after the line holding `offset`. */
export function afterLine(source: SourceText, offset: number): number {
  const line = source.positionAt(offset).line;
  return line + 1 < source.lineCount ? source.lineStart(line + 1) : source.length;
}
