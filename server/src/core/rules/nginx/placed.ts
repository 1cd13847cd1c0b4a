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
    private around: Placed | undefined,
  ) {}

  /** The placed block directive this one is in. */
  get parent(): Placed | undefined {
    return this.around;
  }

  /** Placed under a new copy of the block it is in (the reparse copies the blocks around an edit). */
  adopt(parent: Placed | undefined): void {
    this.around = parent;
  }

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

/** A directive and what is inside it, placed: the directive's own Placed first, when it has one. */
interface PlacedTree {
  readonly chain: string;
  readonly where: Where;
  readonly placed: readonly Placed[];
}

/** Where a directive is read: a context, inside a data block ('opaque'), or nowhere nginx would accept. */
type Where = NginxContext | 'opaque' | undefined;

/**
 * Placed trees per directive and placement, kept from one parse to the next: a directive
 * object the reparse keeps (reparseNginx) holds the same text, so it is placed the same
 * way; only the blocks around an edit are new objects. A keystroke places the directives
 * it changed, and lists the rest.
 */
const placedTrees = new WeakMap<NginxDirective, PlacedTree>();

/**
 * Blocks nested deeper than this are placed without keeping their trees: each level's tree
 * lists everything below it, and a pathological nesting would make that quadratic.
 */
const KEPT_DEPTH = 100;

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
  const placed: Placed[] = [];
  placeList(file.directives, contextOf(chain), undefined, key, placed, 0);
  placedCache.set(file, { chain: key, placed });
  return placed;
}

/** Appends the placed trees of a list of directives, each kept or placed anew. */
function placeList(list: readonly NginxDirective[], where: Where, parent: Placed | undefined, chain: string, out: Placed[], depth: number): void {
  for (const directive of list) {
    let tree = placedTrees.get(directive);
    if (tree && tree.chain === chain && tree.where === where) {
      tree.placed[0]?.adopt(parent);
    } else if (depth < KEPT_DEPTH) {
      tree = { chain, where, placed: placedTree(directive, where, parent, chain, depth) };
      placedTrees.set(directive, tree);
    } else {
      tree = { chain, where, placed: deeplyPlaced(directive, where, parent) };
    }
    // A loop, not push(...): a block can hold more directives than a call takes arguments.
    for (const entry of tree.placed) out.push(entry);
  }
}

function placedTree(directive: NginxDirective, where: Where, parent: Placed | undefined, chain: string, depth: number): Placed[] {
  if (where === undefined || where === 'opaque') return [];
  const own = new Placed(directive, where, parent);
  const placed = [own];
  if (directive.block) placeList(directive.block.directives, enterBlock(where, directive.name), own, chain, placed, depth + 1);
  return placed;
}

/** placedTree without recursion or kept trees, for blocks nested past KEPT_DEPTH. */
function deeplyPlaced(root: NginxDirective, where: Where, parent: Placed | undefined): Placed[] {
  const placed: Placed[] = [];
  // For each block directive: its own Placed, and the context inside it.
  const blocks = new Map<NginxDirective, { placed: Placed | undefined; inside: Where }>();
  walkNginx([root], (directive, ancestors) => {
    const owner = ancestors[ancestors.length - 1];
    const around = owner ? blocks.get(owner) : undefined;
    const here = owner ? around?.inside : where;
    const entry = here === undefined || here === 'opaque' ? undefined : new Placed(directive, here, owner ? around?.placed : parent);
    if (entry) placed.push(entry);
    if (directive.block) blocks.set(directive, { placed: entry, inside: here === undefined || here === 'opaque' ? here : enterBlock(here, directive.name) });
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
