import type { Span } from '../../text/source-text';
import type { Comment } from '../common';
import type { NginxDirective, NginxFile } from './model';
import { parseNginx, readNginxFrom } from './parser';

/**
 * An earlier version of a file and its parse, handed over: reparseNginx moves the
 * directives after the edit in place, so the parse must not be read afterwards.
 */
export interface PreviousNginx {
  readonly text: string;
  readonly file: NginxFile;
}

/** A reparse, with how many top-level directives it took over from the previous parse. */
export interface Reparse {
  readonly file: NginxFile;
  /** Top-level directives before the edit, kept as they were (the same objects). */
  readonly keptBefore: number;
  /** Top-level directives after the edit, taken over with their offsets moved (the same objects too). */
  readonly keptAfter: number;
}

/**
 * Parses a new version of a file, reusing the previous parse where the edit cannot have
 * changed it: the result is what `parseNginx(text)` gives, but a keystroke in a
 * 5,000-line site reads one server block instead of all of them.
 *
 * nginx's reader carries no state from one top-level directive to the next when the file
 * has no syntax problem (no open quote, no stray brace). So the top-level directives that
 * end before the first changed character read the same, and reading resumes after the last
 * of them. It stops again where a top-level directive starts or ends in the unchanged
 * tail, if one started or ended at the same place in the previous parse: from there both
 * read the same text from the same state, and the previous directives (and comments)
 * follow, moved in place by the change in length. A previous parse with problems is not
 * trusted for this: the file is read whole.
 */
export function reparseNginx(previous: PreviousNginx, text: string): Reparse {
  const old = previous.file;
  if (old.problems.length > 0 || old.guessedFrom !== undefined) return { file: parseNginx(text), keptBefore: 0, keptAfter: 0 };
  const before = commonPrefixLength(previous.text, text);
  const after = commonSuffixLength(previous.text, text, before);
  const shift = text.length - previous.text.length;
  const tops = old.directives;

  const keptBefore = countEndingBy(tops, before);
  const resumeAt = keptBefore > 0 ? tops[keptBefore - 1]!.span.end : 0;
  const unchangedFrom = text.length - after;
  const reading = readNginxFrom(text, resumeAt, (offset) => offset >= unchangedFrom && isBoundary(tops, offset - shift));
  const read = reading.file;
  if (reading.stoppedAt === undefined) {
    return {
      file: { ...read, directives: [...tops.slice(0, keptBefore), ...read.directives], comments: [...commentsEndingBy(old.comments, resumeAt), ...read.comments] },
      keptBefore,
      keptAfter: 0,
    };
  }
  const oldResume = reading.stoppedAt - shift;
  const following = tops.slice(countEndingBy(tops, oldResume));
  const followingComments = old.comments.slice(countStartingBefore(old.comments, oldResume));
  if (shift !== 0) {
    moveInPlace(following, shift);
    for (const comment of followingComments) move(comment.span, shift);
  }
  return {
    file: {
      ...read,
      directives: [...tops.slice(0, keptBefore), ...read.directives, ...following],
      comments: [...commentsEndingBy(old.comments, resumeAt), ...read.comments, ...followingComments],
    },
    keptBefore,
    keptAfter: following.length,
  };
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
function countEndingBy(items: readonly { readonly span: Span }[], offset: number): number {
  return countLeading(items, (item) => item.span.end <= offset);
}

/** How many of the items (in source order) start before an offset. */
function countStartingBefore(items: readonly { readonly span: Span }[], offset: number): number {
  return countLeading(items, (item) => item.span.start < offset);
}

/** How many items, from the first, pass a test that holds for a leading run of them only (binary search). */
function countLeading<T>(items: readonly T[], passes: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (passes(items[middle]!)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether a top-level directive starts or ends exactly at an offset. */
function isBoundary(tops: readonly NginxDirective[], offset: number): boolean {
  const count = countEndingBy(tops, offset);
  return (count > 0 && tops[count - 1]!.span.end === offset) || tops[count]?.span.start === offset;
}

function commentsEndingBy(comments: readonly Comment[], offset: number): readonly Comment[] {
  return comments.slice(0, countEndingBy(comments, offset));
}

type Mutable<T> = { -readonly [Key in keyof T]: T[Key] };

/**
 * Moves every offset of directives (and everything inside them) in place. In place,
 * because a keystroke at the top of a 5,000-line file moves every directive after it: a
 * moved copy costs as much as reading the file again, and the garbage of a whole tree per
 * keystroke is what made the collector the largest cost of a re-check. Iterative: blocks
 * nested 100,000 deep are legal nginx, and must not exhaust the call stack.
 */
function moveInPlace(directives: readonly NginxDirective[], shift: number): void {
  const pending: (readonly NginxDirective[])[] = [directives];
  while (pending.length > 0) {
    for (const directive of pending.pop()!) {
      move(directive.nameSpan, shift);
      move(directive.span, shift);
      for (const argument of directive.args) move(argument.span, shift);
      if (directive.semicolonSpan) move(directive.semicolonSpan, shift);
      const block = directive.block;
      if (!block) continue;
      move(block.openSpan, shift);
      if (block.closeSpan) move(block.closeSpan, shift);
      pending.push(block.directives);
    }
  }
}

/** Each span object of a parse belongs to one node (the parser shares none), so each moves once. */
function move(span: Span, shift: number): void {
  const mutable = span as Mutable<Span>;
  mutable.start += shift;
  mutable.end += shift;
}
