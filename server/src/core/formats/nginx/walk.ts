import type { NginxDirective } from './model';

/**
 * Visits every directive of a file in source order with the chain of block directives
 * around it, outermost first. The chain is one shared array, valid during the call
 * only: copying it per directive would cost O(depth²) on deeply nested input. The walk
 * uses an explicit stack, so depth is no danger either.
 */
export function walkNginx(
  directives: readonly NginxDirective[],
  visit: (directive: NginxDirective, ancestors: readonly NginxDirective[]) => void,
): void {
  const ancestors: NginxDirective[] = [];
  const pending: { directives: readonly NginxDirective[]; next: number }[] = [{ directives, next: 0 }];
  while (pending.length > 0) {
    const frame = pending[pending.length - 1]!;
    if (frame.next >= frame.directives.length) {
      pending.pop();
      ancestors.pop();
      continue;
    }
    const directive = frame.directives[frame.next++]!;
    visit(directive, ancestors);
    if (directive.block && directive.block.directives.length > 0) {
      ancestors.push(directive);
      pending.push({ directives: directive.block.directives, next: 0 });
    }
  }
}

/** The directives named `name` directly inside a block (not deeper). */
export function childrenNamed(directive: NginxDirective, name: string): NginxDirective[] {
  return (directive.block?.directives ?? []).filter((child) => child.name === name);
}
