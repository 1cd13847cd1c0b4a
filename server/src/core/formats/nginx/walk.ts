import type { Span } from '../../text/source-text';
import type { NginxDirective } from './model';
import { groupBy } from '../../model/groups';

/**
 * Visits every directive of a file in source order (a block directive before its
 * children) with the chain of block directives around it, outermost first.
 *
 * The chain is one shared array, valid only during the call and not to be kept or
 * changed: copying it for every directive would cost O(depth²) on deeply nested input.
 * Copy it (`[...ancestors]`) to keep it. The walk uses an explicit stack, so no depth of
 * nesting can overflow the call stack.
 *
 * A visitor that returns `false` skips the directive's block; any other answer (an
 * arrow function around `push` returns a number) goes on.
 */
export function walkNginx(
  directives: readonly NginxDirective[],
  visit: (directive: NginxDirective, ancestors: readonly NginxDirective[]) => unknown,
): void {
  const ancestors: NginxDirective[] = [];
  // One entry per level: the list being walked and the index of its next directive.
  const lists: (readonly NginxDirective[])[] = [directives];
  const next: number[] = [0];
  while (lists.length > 0) {
    const level = lists.length - 1;
    const list = lists[level]!;
    const index = next[level]!;
    if (index >= list.length) {
      lists.pop();
      next.pop();
      ancestors.pop();
      continue;
    }
    next[level] = index + 1;
    const directive = list[index]!;
    const answer = visit(directive, ancestors);
    if (answer !== false && directive.block && directive.block.directives.length > 0) {
      ancestors.push(directive);
      lists.push(directive.block.directives);
      next.push(0);
    }
  }
}

/** Every directive of a tree named `name`, in source order, at any depth. */
export function directivesNamed(directives: readonly NginxDirective[], name: string): NginxDirective[] {
  const found: NginxDirective[] = [];
  walkNginx(directives, (directive) => {
    if (directive.name === name) found.push(directive);
  });
  return found;
}

/**
 * The directives named `name` directly inside a block directive (not deeper). The block's
 * children are grouped by name once: rules ask this of an http block with thousands of
 * servers once per variable of every server.
 */
export function childrenNamed(directive: NginxDirective, name: string): readonly NginxDirective[] {
  const children = directive.block?.directives ?? NONE;
  // A small block is scanned: grouping it would allocate more than the scan costs (every location, at every keystroke).
  if (children.length < GROUP_FROM) {
    let found: NginxDirective[] | undefined;
    for (const child of children) if (child.name === name) (found ??= []).push(child);
    return found ?? NONE;
  }
  let byName = childrenByName.get(directive);
  if (!byName) {
    byName = groupBy(children, (child) => child.name);
    childrenByName.set(directive, byName);
  }
  return byName.get(name) ?? NONE;
}

const childrenByName = new WeakMap<NginxDirective, Map<string, NginxDirective[]>>();
const NONE: readonly NginxDirective[] = [];
/** Children from which a block's children are grouped by name rather than scanned. */
const GROUP_FROM = 32;

/**
 * The last directive named `name` directly inside a block: for directives that may be
 * given once, nginx either refuses a repeat or lets the last one win.
 */
export function lastChildNamed(directive: NginxDirective, name: string): NginxDirective | undefined {
  const children = directive.block?.directives ?? [];
  for (let index = children.length - 1; index >= 0; index--) {
    if (children[index]!.name === name) return children[index];
  }
  return undefined;
}

/** The first argument's value, the usual thing a rule compares (`listen 80` → "80"). */
export function firstArgument(directive: NginxDirective): string | undefined {
  return directive.args[0]?.value;
}

/** Names of a chain of block directives, outermost first (`["http", "server"]`). */
export function blockNames(ancestors: readonly NginxDirective[]): string[] {
  return ancestors.map((ancestor) => ancestor.name);
}

/** Directives whose whole span (block included) contains an offset, outermost first. */
export interface DirectivePath {
  /** The innermost directive at the offset, if any. */
  readonly directive: NginxDirective | undefined;
  /** The block directives around it, outermost first (a fresh array, safe to keep). */
  readonly ancestors: readonly NginxDirective[];
}

/**
 * The innermost directive at an offset, and the blocks around it. Siblings are in source
 * order and do not overlap, so each level is a binary search: cheap enough for every
 * hover and keystroke, and iterative, so deep nesting is no danger.
 */
export function directiveAt(directives: readonly NginxDirective[], offset: number): DirectivePath {
  const ancestors: NginxDirective[] = [];
  let list = directives;
  for (;;) {
    const found = findContaining(list, offset);
    if (!found) return { directive: ancestors.pop(), ancestors };
    if (!found.block || !insideBlock(found, offset)) return { directive: found, ancestors };
    ancestors.push(found);
    list = found.block.directives;
  }
}

function findContaining(list: readonly NginxDirective[], offset: number): NginxDirective | undefined {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const span = list[middle]!.span;
    if (offset < span.start) high = middle - 1;
    else if (offset > span.end) low = middle + 1;
    else return list[middle];
  }
  return undefined;
}

/** Whether an offset lies between a block's braces (an unclosed block reaches to its end). */
function insideBlock(directive: NginxDirective, offset: number): boolean {
  const block = directive.block!;
  const end = block.closeSpan ? block.closeSpan.start : directive.span.end;
  return offset >= block.openSpan.end && offset <= end;
}

/** Whether a span lies within another (both half-open). */
export function spanContains(outer: Span, inner: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}
