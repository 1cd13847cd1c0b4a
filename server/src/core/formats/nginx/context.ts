import type { NginxContext } from '../../knowledge/types';
import type { IncludeGraph, IncludeSite } from './includes';
import type { NginxFile } from './model';

/**
 * Blocks whose bodies nginx hands to the block's own parser instead of reading them as
 * directives (`types { text/html html; }`, `map $a $b { default 0; }`): their lines are
 * data, not directives.
 */
export const OPAQUE_BLOCKS: ReadonlySet<string> = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map', 'match']);

/**
 * The configuration context a chain of enclosing blocks puts a directive in, named as
 * the knowledge table names contexts; 'opaque' inside a data block; undefined for chains
 * nginx itself would have refused (the outer mistake is reported where it is).
 */
export function contextOf(chain: readonly string[]): NginxContext | 'opaque' | undefined {
  let context: NginxContext | 'opaque' | undefined = 'main';
  for (const block of chain) {
    context = enterBlock(context, block);
    if (context === undefined || context === 'opaque') return context;
  }
  return context;
}

/** The context inside a block opened in `context`. */
export function enterBlock(context: NginxContext, block: string): NginxContext | 'opaque' | undefined {
  if (OPAQUE_BLOCKS.has(block)) return 'opaque';
  switch (block) {
    case 'events':
      return context === 'main' ? 'events' : undefined;
    case 'http':
      return context === 'main' ? 'http' : undefined;
    case 'mail':
      return context === 'main' ? 'mail' : undefined;
    case 'stream':
      return context === 'main' ? 'stream' : undefined;
    case 'server':
      return context === 'http' ? 'server' : context === 'mail' ? 'mail-server' : context === 'stream' ? 'stream-server' : undefined;
    case 'upstream':
      return context === 'http' ? 'upstream' : context === 'stream' ? 'stream-upstream' : undefined;
    case 'location':
      return context === 'server' || context === 'location' ? 'location' : undefined;
    case 'if':
      return context === 'server' ? 'sif' : context === 'location' ? 'lif' : undefined;
    case 'limit_except':
      return context === 'location' ? 'limit_except' : undefined;
    default:
      // An unknown block: what is inside cannot be placed.
      return undefined;
  }
}

/** Where a file's top level sits, and why we think so (shown in hover). */
export interface Placement {
  /** Names of the blocks around the file's top level, outermost first; empty for the main context. */
  readonly chain: readonly string[];
  readonly reason: string;
}

export interface InferredContext extends Placement {
  /** What decided it: a file that includes it, its name, its folder, or what it holds. */
  readonly source: 'include' | 'name' | 'folder' | 'content';
  /** Further contexts the file is read in, when it is included from several places. */
  readonly others: readonly (readonly string[])[];
}

export interface ContextOptions {
  /** Include graphs of the configurations checked together; a file they reach is read where they include it. */
  readonly graphs?: readonly IncludeGraph[];
  /** Contexts a directive may appear in (from the knowledge table), to place a fragment by what it holds. */
  readonly allowedIn?: (name: string) => readonly NginxContext[];
}

/** Folders whose files Debian's nginx.conf includes inside `http { }`. */
const HTTP_FOLDERS: ReadonlySet<string> = new Set(['conf.d', 'sites-available', 'sites-enabled']);
/** Folders whose files Debian's nginx.conf includes at the top (load_module lines). */
const MAIN_FOLDERS: ReadonlySet<string> = new Set(['modules-enabled', 'modules-available']);
/** Blocks that only a main configuration file holds at its top level. */
const MAIN_BLOCKS: readonly string[] = ['http', 'events', 'stream', 'mail'];

/** Where a fragment could sit, in order of preference when several fit equally well. */
const FRAGMENT_CHAINS: readonly (readonly string[])[] = [
  ['http'],
  [],
  ['http', 'server'],
  ['http', 'server', 'location'],
  ['http', 'upstream'],
  ['stream'],
  ['stream', 'server'],
  ['events'],
  ['mail'],
  ['mail', 'server'],
];

/**
 * Without the knowledge table, a few directives that only make sense in one place are
 * enough to place the usual fragments; the innermost place any of them needs wins.
 */
const FALLBACK_HOMES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ...['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'alias', 'internal', 'limit_except'].map((name) => [name, ['http', 'server', 'location']] as const),
  ...['location', 'listen', 'server_name'].map((name) => [name, ['http', 'server']] as const),
  ...['server', 'upstream', 'map', 'geo', 'split_clients', 'log_format', 'limit_req_zone', 'limit_conn_zone', 'proxy_cache_path'].map((name) => [name, ['http']] as const),
  ...['user', 'worker_processes', 'pid', 'load_module', 'worker_rlimit_nofile', 'daemon'].map((name) => [name, []] as const),
]);

/**
 * The context a file's top level is read in when it is checked on its own:
 *
 * 1. where a file of the graphs includes it (the first place in reading order; the
 *    others are listed);
 * 2. the main context for `nginx.conf` and for files with a top-level `http`, `events`,
 *    `stream` or `mail` block;
 * 3. inside `http` for files in `conf.d/`, `sites-available/` or `sites-enabled/`, at the
 *    top for `modules-enabled/`, as Debian's nginx.conf includes them;
 * 4. otherwise where most of its top-level directives are allowed, the outermost such
 *    place on a tie (`server { }` → inside http, `location` → inside server).
 */
export function inferContext(path: string, file: NginxFile, options: ContextOptions = {}): InferredContext {
  return placeByInclude(path, options.graphs ?? []) ?? placeByPathOnly(path, file, options.allowedIn);
}

/** Kept for callers that have no include graph: steps 2 to 4 of inferContext. */
export function placeByPath(path: string, file: NginxFile, allowedIn: (name: string) => readonly NginxContext[]): InferredContext {
  return placeByPathOnly(path, file, allowedIn);
}

function placeByInclude(path: string, graphs: readonly IncludeGraph[]): InferredContext | undefined {
  const found: { chain: readonly string[]; site: IncludeSite | undefined }[] = [];
  const seen = new Set<string>();
  for (const graph of graphs) {
    if (graph.root === path) continue;
    const contexts = graph.contexts.get(path);
    if (!contexts) continue;
    const sites = graph.includedFrom.get(path) ?? [];
    for (const chain of contexts) {
      const key = chain.join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ chain, site: sites.find((site) => site.contexts.some((context) => context.join('\u0000') === key)) });
    }
  }
  const [first, ...rest] = found;
  if (!first) return undefined;
  const includer = first.site ? baseName(first.site.file) : 'another file';
  const elsewhere = rest.length === 0 ? '' : ` (it is also read ${rest.length === 1 ? describeChain(rest[0]!.chain) : `in ${rest.length} other places`})`;
  return {
    chain: first.chain,
    reason: `checked ${describeChain(first.chain)} because ${includer} includes it there${elsewhere}`,
    source: 'include',
    others: rest.map((other) => other.chain),
  };
}

function placeByPathOnly(path: string, file: NginxFile, allowedIn: ((name: string) => readonly NginxContext[]) | undefined): InferredContext {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  const topLevel = file.directives.map((directive) => directive.name);
  if (name === 'nginx.conf') return { chain: [], reason: 'checked as the main configuration file (nginx.conf)', source: 'name', others: [] };
  const mainBlock = MAIN_BLOCKS.find((block) => topLevel.includes(block));
  if (mainBlock) {
    return { chain: [], reason: `checked as a main configuration file because it holds an ${mainBlock} { } block`, source: 'content', others: [] };
  }
  for (let index = parts.length - 2; index >= 0; index--) {
    const folder = parts[index]!;
    if (HTTP_FOLDERS.has(folder)) return { chain: ['http'], reason: `checked as if inside http { } because it is in ${folder}/`, source: 'folder', others: [] };
    if (MAIN_FOLDERS.has(folder)) return { chain: [], reason: `checked at the top level (main context) because it is in ${folder}/`, source: 'folder', others: [] };
  }
  if (topLevel.length === 0) return { chain: [], reason: 'checked at the top level (main context): it holds no directives', source: 'content', others: [] };
  const chain = allowedIn ? bestFit(topLevel, allowedIn) : fallbackFit(topLevel);
  const sample = [...new Set(topLevel)].slice(0, 3).join(', ');
  return { chain, reason: `checked ${describeChain(chain)}, where its top-level directives (${sample}) belong`, source: 'content', others: [] };
}

/** The place that allows most of the top-level directives; the earlier candidate on a tie. */
function bestFit(topLevel: readonly string[], allowedIn: (name: string) => readonly NginxContext[]): readonly string[] {
  let best = FRAGMENT_CHAINS[0]!;
  let bestScore = -1;
  const allowed = new Map<string, readonly NginxContext[]>();
  for (const chain of FRAGMENT_CHAINS) {
    const context = contextOf(chain);
    if (context === undefined || context === 'opaque') continue;
    let score = 0;
    for (const name of topLevel) {
      let contexts = allowed.get(name);
      if (!contexts) {
        contexts = allowedIn(name);
        allowed.set(name, contexts);
      }
      if (contexts.includes(context)) score++;
    }
    if (score > bestScore) {
      best = chain;
      bestScore = score;
    }
  }
  return best;
}

function fallbackFit(topLevel: readonly string[]): readonly string[] {
  let best: readonly string[] | undefined;
  for (const name of topLevel) {
    const home = FALLBACK_HOMES.get(name);
    if (home && (best === undefined || home.length > best.length)) best = home;
  }
  return best ?? ['http'];
}

/** "inside http { server { } }", or "at the top level (main context)". */
export function describeChain(chain: readonly string[]): string {
  if (chain.length === 0) return 'at the top level (main context)';
  const shown = chain.length > 6 ? [...chain.slice(0, 2), '…', ...chain.slice(-2)] : chain;
  return `as if inside ${shown.join(' { ')} {${' }'.repeat(shown.length)}`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
