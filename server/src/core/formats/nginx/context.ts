import type { NginxContext } from '../../knowledge/types';
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
  readonly chain: readonly string[];
  readonly reason: string;
}

const HTTP_FOLDERS = ['conf.d', 'sites-available', 'sites-enabled'];

/** Where a fragment with no folder to go by could sit, innermost last. */
const FRAGMENT_CHAINS: readonly (readonly string[])[] = [['http'], ['http', 'server'], ['http', 'server', 'location']];

/**
 * Places a file that no checked file includes: nginx.conf and files with top-level
 * `http`/`events` are the main file; files in the conf.d and sites-available/-enabled
 * folders are read inside http; any other fragment (a snippet) goes where most of its
 * top-level directives are allowed, the outermost such place on a tie.
 */
export function placeByPath(path: string, file: NginxFile, allowedIn: (name: string) => readonly NginxContext[]): Placement {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  const topLevel = file.directives.map((directive) => directive.name);
  if (name === 'nginx.conf' || topLevel.includes('http') || topLevel.includes('events')) {
    return { chain: [], reason: 'read as the main configuration file' };
  }
  const folder = parts.slice(0, -1).reverse().find((part) => HTTP_FOLDERS.includes(part));
  if (folder) return { chain: ['http'], reason: `checked as if inside http { } because it is in ${folder}/` };
  // Count each name once with its number of uses: a fragment can hold a great many directives.
  const uses = new Map<string, number>();
  for (const directive of topLevel) uses.set(directive, (uses.get(directive) ?? 0) + 1);
  let best = FRAGMENT_CHAINS[0]!;
  let bestScore = -1;
  for (const chain of FRAGMENT_CHAINS) {
    const context = contextOf(chain) as NginxContext;
    let score = 0;
    for (const [directive, count] of uses) if (allowedIn(directive).includes(context)) score += count;
    if (score > bestScore) {
      best = chain;
      bestScore = score;
    }
  }
  const where = best[best.length - 1]!;
  return { chain: best, reason: `checked as if inside ${where} { }, where its directives belong` };
}
