import type { Span } from './source-text';

/**
 * What two versions of a text have in common, for the parsers that reread only what an
 * edit touched (formats/nginx/reparse.ts, formats/systemd/reparse.ts), and the small
 * tools they share to find their way in a previous parse.
 */

/** Where two versions of a text differ. */
export interface Edit {
  /** The first offset where they differ. */
  readonly start: number;
  /** Where the difference ends in the previous text. */
  readonly previousEnd: number;
  /** Where the difference ends in the new text: from here on both are the same. */
  readonly end: number;
  /** How far what follows the difference moved. */
  readonly shift: number;
}

/** The edit between two versions of a text: its common head and tail left out. */
export function editBetween(previous: string, text: string): Edit {
  const start = commonPrefixLength(previous, text);
  const unchanged = commonSuffixLength(previous, text, start);
  return { start, previousEnd: previous.length - unchanged, end: text.length - unchanged, shift: text.length - previous.length };
}

/**
 * Texts are compared a chunk at a time first: comparing two slices is done natively, and is
 * twenty times faster than a loop over the characters of a 150 KB file.
 */
const CHUNK = 1024;

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let length = 0;
  while (length + CHUNK <= limit && a.slice(length, length + CHUNK) === b.slice(length, length + CHUNK)) length += CHUNK;
  while (length < limit && a.charCodeAt(length) === b.charCodeAt(length)) length++;
  return length;
}

/** The common tail, not reaching into the common head of `prefix` characters. */
function commonSuffixLength(a: string, b: string, prefix: number): number {
  const limit = Math.min(a.length, b.length) - prefix;
  let length = 0;
  while (length + CHUNK <= limit && a.slice(a.length - length - CHUNK, a.length - length) === b.slice(b.length - length - CHUNK, b.length - length)) length += CHUNK;
  while (length < limit && a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length)) length++;
  return length;
}

/** How many of the items (in source order) end at or before an offset. */
export function countEndingBy(items: readonly { readonly span: Span }[], offset: number): number {
  return countLeading(items, (item) => item.span.end <= offset);
}

/** How many of the items (in source order) start before an offset. */
export function countStartingBefore(items: readonly { readonly span: Span }[], offset: number): number {
  return countLeading(items, (item) => item.span.start < offset);
}

/** How many items, from the first, pass a test that holds for a leading run of them only (binary search). */
export function countLeading<T>(items: readonly T[], passes: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (passes(items[middle]!)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A readonly model type, writable: for the reparsers, which build and move nodes of their own parse. */
export type Mutable<T> = { -readonly [Key in keyof T]: T[Key] };

/**
 * Moves a span of a previous parse in place. Each span object of a parse belongs to one
 * node (the parsers share none), so each moves once.
 */
export function moveSpan(span: Span, shift: number): void {
  const mutable = span as Mutable<Span>;
  mutable.start += shift;
  mutable.end += shift;
}
