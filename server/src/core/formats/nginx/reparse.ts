import { countEndingBy, countStartingBefore, editBetween, moveSpan, type Edit, type Mutable } from '../../text/changed-range';
import type { Comment } from '../common';
import type { NginxBlock, NginxDirective, NginxFile } from './model';
import { parseNginx, readNginxFrom } from './parser';

/**
 * An earlier version of a file and its parse, handed over: reparseNginx moves the
 * directives after the edit in place, so the parse must not be read afterwards.
 */
export interface PreviousNginx {
  readonly text: string;
  readonly file: NginxFile;
}

/** A reparse, and how much of the previous parse it took over. */
export interface Reparse {
  readonly file: NginxFile;
  /** How many blocks deep the list of directives was that the edit was read in: 0 for the top level. */
  readonly depth: number;
  /** Directives of that list before the edit, kept as they were (the same objects). */
  readonly keptBefore: number;
  /** Directives of that list after the edit, taken over with their offsets moved (the same objects too). */
  readonly keptAfter: number;
}

/** A list of directives the edit lies in: the top level, or the body of a block. */
interface Body {
  readonly directives: readonly NginxDirective[];
  /** Where the list starts: the start of the file, or just after the block's `{`. */
  readonly start: number;
  /** For a block: its directive's name, and the offset of its `}`. */
  readonly block?: { readonly name: string; readonly close: number };
}

/**
 * Parses a new version of a file, reusing the previous parse where the edit cannot have
 * changed it: the result is what `parseNginx(text)` gives, but a keystroke in a
 * 5,000-line configuration reads a few lines instead of all of them.
 *
 * Between two directives of a list, nginx's reader carries nothing from one to the next
 * when the file has no syntax problem (no open quote, no stray brace). So in the innermost
 * block whose body holds the whole edit (or at the top level), the directives that end
 * before the first changed character read the same, and reading resumes after the last of
 * them. It stops again where a directive of that list starts or ends (or where the block's
 * `}` is) in the unchanged tail, if the previous parse had one start or end at the same
 * place: from there both read the same text from the same state, and the previous
 * directives (and comments) follow, moved in place by the change in length. The blocks
 * around the edit are copied with their new lists; everything else is the previous
 * parse's. When reading leaves the block (the edit changed its braces), the top level is
 * read instead. A previous parse with problems is not trusted: the file is read whole.
 */
export function reparseNginx(previous: PreviousNginx, text: string): Reparse {
  const old = previous.file;
  if (old.problems.length > 0 || old.guessedFrom !== undefined) return { file: parseNginx(text), depth: 0, keptBefore: 0, keptAfter: 0 };
  const edit = editBetween(previous.text, text);
  const path = blocksAround(old.directives, edit);
  const innermost = path[path.length - 1];
  if (innermost) {
    const block = innermost.directive.block!;
    const body = { directives: block.directives, start: block.openSpan.end, block: { name: innermost.directive.name, close: block.closeSpan!.start } };
    const reading = readBody(old, body, edit, text);
    if (reading) {
      return {
        file: { ...reading.file, directives: withBlocksCopied(old.directives, path, reading.file.directives, edit.shift) },
        depth: path.length,
        keptBefore: reading.keptBefore,
        keptAfter: reading.keptAfter,
      };
    }
  }
  return { ...readBody(old, { directives: old.directives, start: 0 }, edit, text)!, depth: 0 };
}

/** A block directive, and its place in the list that holds it. */
interface Around {
  readonly directive: NginxDirective;
  readonly index: number;
}

/** The block directives whose bodies hold the whole edit, outermost first. */
function blocksAround(tops: readonly NginxDirective[], edit: Edit): Around[] {
  const path: Around[] = [];
  let list = tops;
  for (;;) {
    const index = countEndingBy(list, edit.start);
    const directive = list[index];
    const block = directive?.block;
    if (!block?.closeSpan || block.openSpan.end > edit.start || edit.previousEnd > block.closeSpan.start) return path;
    path.push({ directive: directive!, index });
    list = block.directives;
  }
}

/**
 * Reads the part of a list the edit touched (see reparseNginx). The file it returns holds
 * the list's new directives, and the comments and problems of the whole file. Undefined
 * when reading left the block.
 */
function readBody(old: NginxFile, body: Body, edit: Edit, text: string): { file: NginxFile; keptBefore: number; keptAfter: number } | undefined {
  const list = body.directives;
  const keptBefore = countEndingBy(list, edit.start);
  const resumeAt = keptBefore > 0 ? list[keptBefore - 1]!.span.end : body.start;
  const close = body.block?.close;
  const reading = readNginxFrom(
    text,
    resumeAt,
    (offset) => offset >= edit.end && (isBoundary(list, offset - edit.shift) || offset - edit.shift === close),
    body.block?.name,
  );
  if (reading.leftBlock) return undefined;
  const read = reading.file;
  const kept = list.slice(0, keptBefore);
  const commentsBefore = commentsEndingBy(old.comments, resumeAt);
  if (reading.stoppedAt === undefined) {
    return { file: { ...read, directives: [...kept, ...read.directives], comments: [...commentsBefore, ...read.comments] }, keptBefore, keptAfter: 0 };
  }
  const previousResume = reading.stoppedAt - edit.shift;
  const following = list.slice(countEndingBy(list, previousResume));
  const followingComments = old.comments.slice(countStartingBefore(old.comments, previousResume));
  if (edit.shift !== 0) {
    moveInPlace(following, edit.shift);
    for (const comment of followingComments) moveSpan(comment.span, edit.shift);
  }
  return {
    file: { ...read, directives: [...kept, ...read.directives, ...following], comments: [...commentsBefore, ...read.comments, ...followingComments] },
    keptBefore,
    keptAfter: following.length,
  };
}

/**
 * The top-level list with the blocks around the edit copied, innermost first: each copy
 * holds the list below it, its end and `}` moved; what follows each is moved in place.
 */
function withBlocksCopied(tops: readonly NginxDirective[], path: readonly Around[], innermost: readonly NginxDirective[], shift: number): readonly NginxDirective[] {
  let children = innermost;
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const { directive, index } = path[depth]!;
    const block = directive.block!;
    // Built in the parser's order of fields, so that rules see one shape of object.
    const copiedBlock: Mutable<NginxBlock> = { openSpan: block.openSpan, directives: children };
    copiedBlock.closeSpan = { start: block.closeSpan!.start + shift, end: block.closeSpan!.end + shift };
    const copy: NginxDirective = { name: directive.name, nameSpan: directive.nameSpan, args: directive.args, span: { start: directive.span.start, end: directive.span.end + shift }, block: copiedBlock };
    const siblings = depth === 0 ? tops : path[depth - 1]!.directive.block!.directives;
    const following = siblings.slice(index + 1);
    if (shift !== 0) moveInPlace(following, shift);
    children = [...siblings.slice(0, index), copy, ...following];
  }
  return children;
}

/** Whether a directive of the list starts or ends exactly at an offset. */
function isBoundary(list: readonly NginxDirective[], offset: number): boolean {
  const count = countEndingBy(list, offset);
  return (count > 0 && list[count - 1]!.span.end === offset) || list[count]?.span.start === offset;
}

function commentsEndingBy(comments: readonly Comment[], offset: number): readonly Comment[] {
  return comments.slice(0, countEndingBy(comments, offset));
}

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
      moveSpan(directive.nameSpan, shift);
      moveSpan(directive.span, shift);
      for (const argument of directive.args) moveSpan(argument.span, shift);
      if (directive.semicolonSpan) moveSpan(directive.semicolonSpan, shift);
      const block = directive.block;
      if (!block) continue;
      moveSpan(block.openSpan, shift);
      if (block.closeSpan) moveSpan(block.closeSpan, shift);
      pending.push(block.directives);
    }
  }
}
