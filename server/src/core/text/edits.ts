import { comparePositions, SourceText, type Range } from './source-text';

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/**
 * Applies non-overlapping edits to a text. Edits are sorted first, so callers may hand
 * them over in any order; two edits inserting at the same position keep their order.
 * Returns undefined when two edits overlap: the caller decides which to drop.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string | undefined {
  if (edits.length === 0) return text;
  const source = new SourceText(text);
  const ordered = edits
    .map((edit, index) => ({
      start: source.offsetAt(edit.range.start),
      end: source.offsetAt(edit.range.end),
      newText: edit.newText,
      index,
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);

  const parts: string[] = [];
  let cursor = 0;
  for (const edit of ordered) {
    if (edit.start < cursor) return undefined;
    parts.push(text.slice(cursor, edit.start), edit.newText);
    cursor = Math.max(cursor, edit.end);
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}

export function rangesOverlap(a: Range, b: Range): boolean {
  // Touching ranges do not overlap, except two insertions at the same point, which
  // would make the result depend on order.
  if (comparePositions(a.end, b.start) < 0 || comparePositions(b.end, a.start) < 0) return false;
  const aEmpty = comparePositions(a.start, a.end) === 0;
  const bEmpty = comparePositions(b.start, b.end) === 0;
  if (comparePositions(a.end, b.start) === 0) return aEmpty && bEmpty;
  if (comparePositions(b.end, a.start) === 0) return aEmpty && bEmpty;
  return true;
}

/**
 * Where two versions of a text differ, as one stretch: from the first character that
 * differs to the last, in each version (`endBefore`/`endAfter` exclusive). Equal texts
 * give an empty stretch at their end.
 */
export function differingStretch(before: string, after: string): { start: number; endBefore: number; endAfter: number } {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let common = 0;
  while (common < shorter - start && before.charCodeAt(before.length - 1 - common) === after.charCodeAt(after.length - 1 - common)) common++;
  return { start, endBefore: before.length - common, endAfter: after.length - common };
}
