import type { RuleContext } from '../../engine/rule';
import { contextOf, enterBlock } from '../../formats/nginx/context';
import type { NginxDirective, NginxFile } from '../../formats/nginx/model';
import { walkNginx } from '../../formats/nginx/walk';
import type { Knowledge } from '../../knowledge/knowledge';
import type { NginxContext, NginxDirective as DirectiveEntry } from '../../knowledge/types';
import type { Version } from '../../model/version';

/** The table's entries for a directive's name in one release. */
interface Entries {
  readonly knowledge: Knowledge;
  readonly release: Version;
  /** Those that exist in the release. */
  readonly available: readonly DirectiveEntry[];
  /** Those that exist in the release and may appear where the directive is. */
  readonly allowed: readonly DirectiveEntry[];
}

/** A directive with the context it is read in and the block directive around it. */
export class Placed {
  /** Looked up once per release, for every rule that asks (and every keystroke that keeps the directive). */
  private entries: Entries | undefined;

  constructor(
    readonly directive: NginxDirective,
    readonly where: NginxContext,
    readonly parent: Placed | undefined,
  ) {}

  entriesIn(context: RuleContext): Entries {
    const { knowledge, targets } = context;
    let entries = this.entries;
    if (entries?.release !== targets.nginx || entries.knowledge !== knowledge) {
      const name = this.directive.name;
      entries = {
        knowledge,
        release: targets.nginx,
        available: knowledge.nginx.availableIn(name, targets.nginx),
        allowed: knowledge.nginx.allowedIn(name, targets.nginx, this.where),
      };
      this.entries = entries;
    }
    return entries;
  }
}

/** Placed directives per parse and placement: every nginx rule reads the same list. */
const placedCache = new WeakMap<NginxFile, { chain: string; placed: readonly Placed[] }>();

/**
 * Placed directives per top-level directive and placement, kept from one parse to the
 * next: a directive object the reparse keeps (reparseNginx) holds the same text, so it is
 * placed the same way. A keystroke places only the block it changed.
 */
const placedTrees = new WeakMap<NginxDirective, { chain: string; placed: readonly Placed[] }>();

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
  for (const directive of file.directives) {
    let tree = placedTrees.get(directive);
    if (!tree || tree.chain !== key) {
      tree = { chain: key, placed: placedTree(directive, top) };
      placedTrees.set(directive, tree);
    }
    // A loop, not push(...): a block can hold more directives than a call takes arguments.
    for (const entry of tree.placed) placed.push(entry);
  }
  placedCache.set(file, { chain: key, placed });
  return placed;
}

/** A top-level directive and everything inside it, placed, in source order. */
function placedTree(root: NginxDirective, top: NginxContext | 'opaque' | undefined): Placed[] {
  const placed: Placed[] = [];
  // For each block directive: its own Placed, and the context inside it.
  const blocks = new Map<NginxDirective, { placed: Placed | undefined; inside: NginxContext | 'opaque' | undefined }>();
  walkNginx([root], (directive, ancestors) => {
    const owner = ancestors[ancestors.length - 1];
    const around = owner ? blocks.get(owner) : undefined;
    const where = owner ? around?.inside : top;
    const entry = where === undefined || where === 'opaque' ? undefined : new Placed(directive, where, around?.placed);
    if (entry) placed.push(entry);
    if (directive.block) blocks.set(directive, { placed: entry, inside: where === undefined || where === 'opaque' ? where : enterBlock(where, directive.name) });
  });
  return placed;
}

/** The block directives around a placed directive, outermost first. */
export function ancestorsOf(placed: Placed): NginxDirective[] {
  const chain: NginxDirective[] = [];
  for (let parent = placed.parent; parent; parent = parent.parent) chain.unshift(parent.directive);
  return chain;
}

/** The table's entries for the directive's name that exist in the target release. */
export function availableEntries(placed: Placed, context: RuleContext): readonly DirectiveEntry[] {
  return placed.entriesIn(context).available;
}

/** The table's entries for the directive's name that exist in the target release and may appear where it is. */
export function entriesAllowedIn(placed: Placed, context: RuleContext): readonly DirectiveEntry[] {
  return placed.entriesIn(context).allowed;
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
