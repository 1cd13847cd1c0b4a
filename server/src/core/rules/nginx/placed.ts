import type { RuleContext } from '../../engine/rule';
import { contextOf, enterBlock } from '../../formats/nginx/context';
import type { NginxDirective, NginxFile } from '../../formats/nginx/model';
import { walkNginx } from '../../formats/nginx/walk';
import type { NginxContext, NginxDirective as DirectiveEntry } from '../../knowledge/types';

/**
 * Visits every directive with the context nginx reads it in: the file's placement (top
 * level of nginx.conf, or inside http when a site fragment is included there) followed by
 * the blocks around it. Directives inside data blocks (`types`, `map`) and inside blocks
 * nginx itself would refuse are not visited: there is nothing true to say about them.
 */
export function walkPlaced(
  file: NginxFile,
  context: RuleContext,
  visit: (directive: NginxDirective, ancestors: readonly NginxDirective[], where: NginxContext) => void,
): void {
  const chain = context.workspace.nginx.placement(context.document).chain;
  const top = contextOf(chain);
  // The context inside each block, computed once per block rather than once per directive.
  const inside = new Map<NginxDirective, NginxContext | 'opaque' | undefined>();
  walkNginx(file.directives, (directive, ancestors) => {
    const parent = ancestors[ancestors.length - 1];
    const where = parent ? inside.get(parent) : top;
    if (directive.block) inside.set(directive, where === undefined || where === 'opaque' ? where : enterBlock(where, directive.name));
    if (where === undefined || where === 'opaque') return;
    visit(directive, ancestors, where);
  });
}

/** The table's entries for a name that exist in the target release. */
export function availableEntries(name: string, context: RuleContext): readonly DirectiveEntry[] {
  return context.knowledge.nginx.availableIn(name, context.targets.nginx);
}

/** Entries of a name that may appear in a context. */
export function entriesAllowedIn(name: string, where: NginxContext, context: RuleContext): readonly DirectiveEntry[] {
  return availableEntries(name, context).filter((entry) => entry.contexts.includes(where));
}

const CONTEXT_NAMES: Readonly<Record<NginxContext, string>> = {
  main: 'the main context',
  events: 'events',
  http: 'http',
  server: 'server',
  location: 'location',
  upstream: 'upstream',
  sif: 'if in server',
  lif: 'if in location',
  limit_except: 'limit_except',
  mail: 'mail',
  'mail-server': 'mail server',
  stream: 'stream',
  'stream-server': 'stream server',
  'stream-upstream': 'stream upstream',
};

export function describeContext(where: NginxContext): string {
  return CONTEXT_NAMES[where];
}
