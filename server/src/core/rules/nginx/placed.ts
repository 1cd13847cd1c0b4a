import type { RuleContext } from '../../engine/rule';
import { contextOf, enterBlock } from '../../formats/nginx/context';
import type { NginxDirective, NginxFile } from '../../formats/nginx/model';
import { walkNginx } from '../../formats/nginx/walk';
import type { Knowledge } from '../../knowledge/knowledge';
import type { NginxContext, NginxDirective as DirectiveEntry } from '../../knowledge/types';
import type { Version } from '../../model/version';

/** A directive with the context it is read in and the block directive around it. */
export class Placed {
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

  /** The table's entries for the directive's name that exist in the target release. */
  availableIn({ knowledge, targets }: RuleContext): readonly DirectiveEntry[] {
    return knowledge.nginx.availableIn(this.directive.name, targets.nginx);
  }

  /** Those of them that may appear where the directive is. */
  allowedIn({ knowledge, targets }: RuleContext): readonly DirectiveEntry[] {
    return knowledge.nginx.allowedIn(this.directive.name, targets.nginx, this.where);
  }
}

/**
 * A Placed kept from one check of an editor's document to the next (see placedTrees),
 * which keeps its table entries too: looked up once per release, not per rule and
 * keystroke. Only these carry the fields; a 10 MB configuration read by the CLI has a
 * quarter of a million directives, and four more fields on each cost 25 MB.
 */
class KeptPlaced extends Placed {
  private knowledge: Knowledge | undefined;
  private release: Version | undefined;
  private available: readonly DirectiveEntry[] = [];
  private allowed: readonly DirectiveEntry[] = [];

  override availableIn(context: RuleContext): readonly DirectiveEntry[] {
    this.lookUp(context);
    return this.available;
  }

  override allowedIn(context: RuleContext): readonly DirectiveEntry[] {
    this.lookUp(context);
    return this.allowed;
  }

  private lookUp(context: RuleContext): void {
    if (this.release === context.targets.nginx && this.knowledge === context.knowledge) return;
    this.knowledge = context.knowledge;
    this.release = context.targets.nginx;
    this.available = super.availableIn(context);
    this.allowed = super.allowedIn(context);
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
  // Only a document open in an editor (it has a version) is checked again after an edit;
  // a file the CLI reads is checked once, and keeping its trees would only cost memory.
  const placed = context.document.version === undefined ? placedAtOnce(file.directives, contextOf(chain), undefined) : keptPlacement(file.directives, contextOf(chain), key);
  placedCache.set(file, { chain: key, placed });
  return placed;
}

function keptPlacement(directives: readonly NginxDirective[], where: Where, chain: string): Placed[] {
  const placed: Placed[] = [];
  placeList(directives, where, undefined, chain, placed, 0);
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
      tree = { chain, where, placed: placedAtOnce([directive], where, parent) };
    }
    // A loop, not push(...): a block can hold more directives than a call takes arguments.
    for (const entry of tree.placed) out.push(entry);
  }
}

function placedTree(directive: NginxDirective, where: Where, parent: Placed | undefined, chain: string, depth: number): Placed[] {
  if (where === undefined || where === 'opaque') return [];
  const own = new KeptPlaced(directive, where, parent);
  const placed: Placed[] = [own];
  if (directive.block) placeList(directive.block.directives, enterBlock(where, directive.name), own, chain, placed, depth + 1);
  return placed;
}

/** Directives and everything inside them placed in one walk, without recursion and without keeping trees. */
function placedAtOnce(directives: readonly NginxDirective[], where: Where, parent: Placed | undefined): Placed[] {
  const placed: Placed[] = [];
  // For each block directive: its own Placed, and the context inside it.
  const blocks = new Map<NginxDirective, { placed: Placed | undefined; inside: Where }>();
  walkNginx(directives, (directive, ancestors) => {
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
  for (let parent = placed.parent; parent; parent = parent.parent) chain.push(parent.directive);
  return chain.reverse();
}

/** The table's entries for the directive's name that exist in the target release. */
export function availableEntries(placed: Placed, context: RuleContext): readonly DirectiveEntry[] {
  return placed.availableIn(context);
}

/** The table's entries for the directive's name that exist in the target release and may appear where it is. */
export function entriesAllowedIn(placed: Placed, context: RuleContext): readonly DirectiveEntry[] {
  return placed.allowedIn(context);
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
