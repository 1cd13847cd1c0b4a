import type { RuleContext } from '../../engine/rule';
import { contextOf, enterBlock } from '../../formats/nginx/context';
import type { NginxDirective, NginxFile } from '../../formats/nginx/model';
import { walkNginx } from '../../formats/nginx/walk';
import type { NginxContext, NginxDirective as DirectiveEntry } from '../../knowledge/types';

/** A directive with the context it is read in and the block directive around it. */
export interface Placed {
  readonly directive: NginxDirective;
  readonly where: NginxContext;
  readonly parent: Placed | undefined;
}

/** Placed directives per parse and placement: every nginx rule reads the same list. */
const placedCache = new WeakMap<NginxFile, { chain: string; placed: readonly Placed[] }>();

/**
 * Every directive with the context nginx reads it in: the file's placement (top level of
 * nginx.conf, or inside http when a site fragment is included there) followed by the
 * blocks around it. Directives inside data blocks (`types`, `map`) and inside blocks nginx
 * itself would refuse are left out: there is nothing true to say about them. Computed once
 * per parse and placement, in source order.
 */
export function placedDirectives(file: NginxFile, context: RuleContext): readonly Placed[] {
  const chain = context.workspace.nginx.placement(context.document).chain;
  const key = chain.join('>');
  const cached = placedCache.get(file);
  if (cached && cached.chain === key) return cached.placed;
  const top = contextOf(chain);
  const placed: Placed[] = [];
  // For each block directive: its own Placed, and the context inside it.
  const blocks = new Map<NginxDirective, { placed: Placed | undefined; inside: NginxContext | 'opaque' | undefined }>();
  walkNginx(file.directives, (directive, ancestors) => {
    const owner = ancestors[ancestors.length - 1];
    const around = owner ? blocks.get(owner) : undefined;
    const where = owner ? around?.inside : top;
    const entry = where === undefined || where === 'opaque' ? undefined : { directive, where, parent: around?.placed };
    if (entry) placed.push(entry);
    if (directive.block) blocks.set(directive, { placed: entry, inside: where === undefined || where === 'opaque' ? where : enterBlock(where, directive.name) });
  });
  placedCache.set(file, { chain: key, placed });
  return placed;
}

/** The block directives around a placed directive, outermost first. */
export function ancestorsOf(placed: Placed): NginxDirective[] {
  const chain: NginxDirective[] = [];
  for (let parent = placed.parent; parent; parent = parent.parent) chain.unshift(parent.directive);
  return chain;
}

/** The table's entries for a name that exist in the target release. */
export function availableEntries(name: string, context: RuleContext): readonly DirectiveEntry[] {
  return context.knowledge.nginx.availableIn(name, context.targets.nginx);
}

/** Entries of a name that may appear in a context. */
export function entriesAllowedIn(name: string, where: NginxContext, context: RuleContext): readonly DirectiveEntry[] {
  return context.knowledge.nginx.allowedIn(name, context.targets.nginx, where);
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
