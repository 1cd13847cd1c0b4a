import type { FileAccess, ReadFailure } from '../../model/file-access';
import { normalizePath } from '../../text/paths';
import type { NginxDirective, NginxFile } from './model';
import { walkNginx } from './walk';

/** Files read through includes from one root, at most: a bound on hostile trees. */
export const MAX_INCLUDED_FILES = 10_000;
/** Text read through includes from one root, at most (in UTF-16 units, about bytes). */
export const MAX_INCLUDED_BYTES = 64 * 1024 * 1024;
/**
 * Blocks around an include, counted from the root, beyond which it is not followed.
 * Real configurations nest a handful deep; a hostile file nesting thousands deep must
 * not make every include site cost its depth.
 */
export const MAX_CONTEXT_DEPTH = 64;

/** Blocks whose module reads `include` as a value of its table, not as a directive. */
const NO_INCLUDE_BLOCKS: ReadonlySet<string> = new Set(['split_clients', 'charset_map']);

export type IncludeFailure =
  | { readonly reason: ReadFailure; readonly path: string; readonly message: string }
  | { readonly reason: 'cycle'; readonly path: string; readonly chain: readonly string[]; readonly message: string }
  | { readonly reason: 'limit'; readonly path: string; readonly message: string };

/** One `include` directive, what it named and what it brought in. */
export interface IncludeSite {
  /** The file the directive is in. */
  readonly file: string;
  readonly directive: NginxDirective;
  /** The path or pattern as nginx opens it: absolute, relative ones joined to the prefix. */
  readonly pattern: string;
  /** Names of the blocks around the include, outermost first, counted from the root: the first place it is read in. */
  readonly context: readonly string[];
  /** Every distinct context the include is read in (its file may be included from several places). */
  readonly contexts: readonly (readonly string[])[];
  /** Files the pattern resolved to, in the order nginx reads them (a glob's matches sorted). */
  readonly targets: readonly string[];
  /** Targets that were not followed, and why; each kept once. */
  readonly failures: readonly IncludeFailure[];
}

/** An include loop, reported once however many ways it is entered. */
export interface IncludeCycle {
  /** Paths from the first file of the loop back to it (`a → b → a`). */
  readonly chain: readonly string[];
  /** The include that closes the loop. */
  readonly site: IncludeSite;
}

export interface IncludeGraph {
  readonly root: string;
  /** Directory relative include paths were resolved against. */
  readonly prefix: string;
  /** Every include directive reached, in the order nginx reads them. */
  readonly sites: readonly IncludeSite[];
  /** Every file reached (the root included), in reading order, with the distinct contexts it is read in. */
  readonly contexts: ReadonlyMap<string, readonly (readonly string[])[]>;
  /** For every file reached through an include, the include sites that brought it in. */
  readonly includedFrom: ReadonlyMap<string, readonly IncludeSite[]>;
  readonly cycles: readonly IncludeCycle[];
  /** The bound on files or bytes was reached; the site that hit it carries a 'limit' failure. */
  readonly truncated: boolean;
}

/** A parsed file, or why it could not be read (a failed ReadResult fits). */
export type ParsedInclude = NginxFile | { readonly ok?: false; readonly reason: ReadFailure; readonly message: string };

export interface IncludeOptions {
  readonly files: FileAccess;
  /** Parses a file, or says why it could not be read. Called once per visit: the caller caches. */
  readonly parse: (path: string) => ParsedInclude;
  /**
   * Directory relative include paths resolve against: nginx's configuration prefix, the
   * directory of the main file it was started with (/etc/nginx on Debian). Defaults to
   * the root file's directory.
   */
  readonly prefix?: string;
  /** Blocks the root file itself is read in, when it is a fragment (default: the main context). */
  readonly rootContext?: readonly string[];
  readonly maxFiles?: number;
  readonly maxBytes?: number;
}

/** Like resolveIncludes, reading the root through `parse` too. */
export function includeGraphOf(root: string, options: IncludeOptions): IncludeGraph | { readonly rootFailure: IncludeFailure } {
  const parsed = options.parse(root);
  if (isFailure(parsed)) return { rootFailure: readFailure(root, parsed) };
  return resolveIncludes(root, parsed, options);
}

/**
 * Follows `include` directives from a root file the way nginx reads them: depth first in
 * source order, relative patterns joined to the prefix, globs expanded and sorted, each
 * file read in the context of the include that names it.
 *
 * A file included from several places is read once per distinct context (nginx reads it
 * every time). Loops, also through links (FileAccess.identity), are reported once and not
 * followed. At most `maxFiles` files and `maxBytes` of text are read; the walk is
 * iterative, so neither nesting nor long include chains can overflow the stack.
 */
export function resolveIncludes(root: string, rootFile: NginxFile, options: IncludeOptions): IncludeGraph {
  return new IncludeResolver(root, options).resolve(rootFile);
}

interface MutableSite {
  readonly file: string;
  readonly directive: NginxDirective;
  readonly pattern: string;
  context: readonly string[];
  readonly contexts: (readonly string[])[];
  targets: readonly string[];
  readonly failures: IncludeFailure[];
}

/** What a site has recorded already, kept beside it so the site stays plain data. */
interface SiteKeys {
  readonly contexts: Set<string>;
  readonly failures: Set<string>;
}

/** An include directive of a file with the blocks around it inside that file. */
interface LocalInclude {
  readonly directive: NginxDirective;
  /** Names of the enclosing blocks in the file, at most MAX_CONTEXT_DEPTH + 1 of them. */
  readonly chain: readonly string[];
}

/** A file being read, with where its reading has got to. */
interface Frame {
  readonly path: string;
  readonly identity: string;
  readonly context: readonly string[];
  readonly includes: readonly LocalInclude[];
  nextInclude: number;
  site: MutableSite | undefined;
  siteContext: readonly string[];
  targets: readonly string[];
  nextTarget: number;
}

/** Include directives per parsed file: a file read in many contexts is walked once. */
const includesCache = new WeakMap<NginxFile, readonly LocalInclude[]>();

function includesOf(file: NginxFile): readonly LocalInclude[] {
  const cached = includesCache.get(file);
  if (cached) return cached;
  const found: LocalInclude[] = [];
  walkNginx(file.directives, (directive, ancestors) => {
    if (directive.block) return !NO_INCLUDE_BLOCKS.has(directive.name);
    // `include` with no file or with several is refused by nginx and reported by a rule.
    if (directive.name !== 'include' || directive.args.length !== 1) return true;
    const depth = Math.min(ancestors.length, MAX_CONTEXT_DEPTH + 1);
    const chain: string[] = new Array<string>(depth);
    for (let index = 0; index < depth; index++) chain[index] = ancestors[index]!.name;
    found.push({ directive, chain });
    return true;
  });
  includesCache.set(file, found);
  return found;
}

class IncludeResolver {
  private readonly prefix: string;
  private readonly maxFiles: number;
  private readonly maxBytes: number;
  private readonly sites: MutableSite[] = [];
  private readonly sitesByFile = new Map<string, Map<NginxDirective, MutableSite>>();
  private readonly siteKeys = new Map<MutableSite, SiteKeys>();
  private readonly contexts = new Map<string, (readonly string[])[]>();
  private readonly contextKeys = new Map<string, Set<string>>();
  private readonly includedFrom = new Map<string, MutableSite[]>();
  private readonly cycles: IncludeCycle[] = [];
  private readonly cycleKeys = new Set<string>();
  /** Files already read in a context: identity and context, joined. */
  private readonly visited = new Set<string>();
  private readonly globs = new Map<string, GlobExpansion>();
  private readonly stack: Frame[] = [];
  /** Identities of the files on the stack, to the index of their frame. */
  private readonly onStack = new Map<string, number>();
  private filesRead = 0;
  private bytesRead = 0;
  private truncated = false;

  constructor(
    private readonly root: string,
    private readonly options: IncludeOptions,
  ) {
    this.prefix = normalizePath(options.prefix ?? directoryOf(root));
    this.maxFiles = options.maxFiles ?? MAX_INCLUDED_FILES;
    this.maxBytes = options.maxBytes ?? MAX_INCLUDED_BYTES;
  }

  resolve(rootFile: NginxFile): IncludeGraph {
    const rootContext = [...(this.options.rootContext ?? [])];
    // The root is not read through an include: the bound counts the files included from it.
    this.filesRead = 0;
    this.bytesRead = extentOf(rootFile);
    this.addContext(this.root, rootContext);
    this.push(this.root, this.identity(this.root), rootFile, rootContext);

    while (this.stack.length > 0) {
      const frame = this.stack[this.stack.length - 1]!;
      if (frame.site && frame.nextTarget < frame.targets.length) {
        this.follow(frame, frame.site, frame.targets[frame.nextTarget++]!);
        continue;
      }
      if (frame.nextInclude < frame.includes.length) {
        this.reachInclude(frame, frame.includes[frame.nextInclude++]!);
        continue;
      }
      this.stack.pop();
      this.onStack.delete(frame.identity);
    }

    return {
      root: this.root,
      prefix: this.prefix,
      sites: this.sites,
      contexts: this.contexts,
      includedFrom: this.includedFrom,
      cycles: this.cycles,
      truncated: this.truncated,
    };
  }

  private push(path: string, identity: string, file: NginxFile, context: readonly string[]): void {
    this.visited.add(visitKey(identity, context));
    this.onStack.set(identity, this.stack.length);
    this.stack.push({ path, identity, context, includes: includesOf(file), nextInclude: 0, site: undefined, siteContext: context, targets: [], nextTarget: 0 });
  }

  /** An include directive of the file on top of the stack: resolve it, then follow its targets. */
  private reachInclude(frame: Frame, local: LocalInclude): void {
    const site = this.siteFor(frame.path, local.directive);
    const depth = frame.context.length + local.chain.length;
    const siteContext = depth > MAX_CONTEXT_DEPTH ? [...frame.context, ...local.chain].slice(0, MAX_CONTEXT_DEPTH) : [...frame.context, ...local.chain];
    const key = siteContext.join('\u0000');
    const keys = this.siteKeys.get(site)!;
    if (!keys.contexts.has(key)) {
      keys.contexts.add(key);
      if (site.contexts.length === 0) site.context = siteContext;
      site.contexts.push(siteContext);
    }
    frame.site = site;
    frame.siteContext = siteContext;
    frame.nextTarget = 0;
    if (depth > MAX_CONTEXT_DEPTH) {
      this.addFailure(site, {
        reason: 'limit',
        path: site.pattern,
        message: `include nested more than ${MAX_CONTEXT_DEPTH} blocks deep: ${site.pattern} was not followed`,
      });
      frame.targets = [];
      return;
    }
    frame.targets = site.targets;
  }

  /** One file an include resolved to. */
  private follow(frame: Frame, site: MutableSite, target: string): void {
    const identity = this.identity(target);
    const loopStart = this.onStack.get(identity);
    if (loopStart !== undefined) {
      this.reportCycle(site, target, loopStart);
      return;
    }
    const context = frame.siteContext;
    if (this.visited.has(visitKey(identity, context))) {
      // Read before in the same context: nothing new to learn, but it is reached from here too.
      this.reached(target, context, site);
      return;
    }
    if (this.truncated) return;
    if (this.filesRead >= this.maxFiles) {
      this.stop(site, target, `more than ${this.maxFiles} files are included from ${this.root}: ${target} and the rest were not followed`);
      return;
    }
    const parsed = this.options.parse(target);
    if (isFailure(parsed)) {
      this.addFailure(site, readFailure(target, parsed));
      return;
    }
    const size = extentOf(parsed);
    if (this.bytesRead + size > this.maxBytes) {
      this.stop(site, target, `the files included from ${this.root} add up to more than ${this.maxBytes} characters: ${target} and the rest were not followed`);
      return;
    }
    this.filesRead++;
    this.bytesRead += size;
    this.reached(target, context, site);
    this.push(target, identity, parsed, context);
  }

  private reached(target: string, context: readonly string[], site: MutableSite): void {
    this.addContext(target, context);
    const sites = this.includedFrom.get(target);
    if (!sites) this.includedFrom.set(target, [site]);
    else if (!sites.includes(site)) sites.push(site);
  }

  private stop(site: MutableSite, target: string, message: string): void {
    this.truncated = true;
    this.addFailure(site, { reason: 'limit', path: target, message });
  }

  private reportCycle(site: MutableSite, target: string, loopStart: number): void {
    const members = this.stack.slice(loopStart);
    // The same loop entered at another file is the same loop: key it by its smallest member.
    const identities = members.map((member) => member.identity);
    let smallest = 0;
    for (let index = 1; index < identities.length; index++) if (identities[index]! < identities[smallest]!) smallest = index;
    const key = [...identities.slice(smallest), ...identities.slice(0, smallest)].join('\u0000');
    if (this.cycleKeys.has(key)) return;
    this.cycleKeys.add(key);
    const chain = [...members.map((member) => member.path), target];
    this.addFailure(site, { reason: 'cycle', path: target, chain, message: `${chain.join(' → ')}: nginx follows the loop until it crashes` });
    this.cycles.push({ chain, site });
  }

  private siteFor(file: string, directive: NginxDirective): MutableSite {
    let byDirective = this.sitesByFile.get(file);
    if (!byDirective) {
      byDirective = new Map();
      this.sitesByFile.set(file, byDirective);
    }
    const known = byDirective.get(directive);
    if (known) return known;
    const pattern = resolveIncludePath(directive.args[0]!.value, this.prefix);
    const site: MutableSite = {
      file,
      directive,
      pattern,
      context: [],
      contexts: [],
      targets: [],
      failures: [],
    };
    this.siteKeys.set(site, { contexts: new Set(), failures: new Set() });
    if (isGlobPattern(pattern)) {
      let expansion = this.globs.get(pattern);
      if (!expansion) {
        // One match past the bound, so that the walk reaches it and says where it stopped.
        expansion = expandPattern(pattern, this.options.files, this.maxFiles + 1);
        this.globs.set(pattern, expansion);
      }
      site.targets = expansion.matches;
      for (const failure of expansion.unlisted) this.addFailure(site, failure);
    } else {
      site.targets = [pattern];
    }
    byDirective.set(directive, site);
    this.sites.push(site);
    return site;
  }

  private addFailure(site: MutableSite, failure: IncludeFailure): void {
    const key = `${failure.reason}\u0000${failure.path}`;
    const keys = this.siteKeys.get(site)!;
    if (keys.failures.has(key)) return;
    keys.failures.add(key);
    site.failures.push(failure);
  }

  private addContext(path: string, context: readonly string[]): void {
    const key = context.join('\u0000');
    let keys = this.contextKeys.get(path);
    if (!keys) {
      keys = new Set();
      this.contextKeys.set(path, keys);
      this.contexts.set(path, []);
    }
    if (keys.has(key)) return;
    keys.add(key);
    this.contexts.get(path)!.push(context);
  }

  private identity(path: string): string {
    return this.options.files.identity?.(path) ?? path;
  }
}

function visitKey(identity: string, context: readonly string[]): string {
  return `${identity}\u0001${context.join('\u0000')}`;
}

function isFailure(parsed: ParsedInclude): parsed is { readonly reason: ReadFailure; readonly message: string } {
  return 'reason' in parsed;
}

function readFailure(path: string, failure: { readonly reason: ReadFailure; readonly message: string }): IncludeFailure {
  if (failure.reason === 'missing') return { reason: 'missing', path, message: `open() "${path}" failed (2: No such file or directory)` };
  return { reason: failure.reason, path, message: failure.message };
}

/**
 * How far a parsed file reaches into its text: the end of its last directive, comment or
 * problem. Trailing white space aside, that is its length.
 */
function extentOf(file: NginxFile): number {
  const lastDirective = file.directives[file.directives.length - 1];
  const lastComment = file.comments[file.comments.length - 1];
  const lastProblem = file.problems[file.problems.length - 1];
  return Math.max(lastDirective?.span.end ?? 0, lastComment?.span.end ?? 0, lastProblem?.span.end ?? 0);
}

// --- paths -------------------------------------------------------------------------------

/**
 * The path nginx opens for an include argument: absolute as written, relative joined to
 * the configuration prefix (nginx does not normalise it; the kernel resolves `..` the
 * same way for paths without links, so the lexical form names the same file).
 */
export function resolveIncludePath(argument: string, prefix: string): string {
  // normalizePath collapses the `//` a prefix ending in `/` makes (a `/\/+$/` trim is quadratic in a run of slashes).
  return normalizePath(argument.startsWith('/') ? argument : `${prefix}/${argument}`);
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** nginx hands a path to glob(3) when it holds any of `*`, `?`, `[` (checked on the whole path). */
export function isGlobPattern(path: string): boolean {
  return path.includes('*') || path.includes('?') || path.includes('[');
}

// --- glob(3) -----------------------------------------------------------------------------

interface GlobExpansion {
  readonly matches: readonly string[];
  /** Directories the pattern needed that FileAccess would not list because they are outside. */
  readonly unlisted: readonly IncludeFailure[];
}

/**
 * Expands a glob(3) pattern one path component at a time through FileAccess.list, as
 * glob does without flags: `*`, `?` and `[…]` never match a leading dot, backslash
 * escapes the next character, only existing entries are returned (directories too), and
 * the result is sorted byte-wise, as glob sorts in nginx's C locale.
 */
export function expandGlob(pattern: string, files: FileAccess): string[] {
  return [...expandPattern(pattern, files, MAX_INCLUDED_FILES).matches];
}

function expandPattern(pattern: string, files: FileAccess, limit: number): GlobExpansion {
  const components = pattern.split('/').filter((component) => component !== '');
  const unlisted: IncludeFailure[] = [];
  const listings = new Map<string, readonly string[] | undefined>();
  const list = (directory: string): readonly string[] | undefined => {
    if (listings.has(directory)) return listings.get(directory);
    const names = files.list(directory);
    listings.set(directory, names);
    if (names === undefined) {
      // An unlistable directory usually does not exist (fine for a glob); one the reader
      // may not enter is worth saying, since nginx on the server would read it.
      const probe = files.read(directory);
      if (!probe.ok && probe.reason === 'outside') unlisted.push({ reason: 'outside', path: directory, message: probe.message });
    }
    return names;
  };
  let paths = [''];
  let matched = false;
  for (let index = 0; index < components.length; index++) {
    const component = components[index]!;
    const last = index === components.length - 1;
    const magic = hasGlobMagic(component);
    if (!magic && !matched && !last) {
      paths = paths.map((base) => `${base}/${component}`);
      continue;
    }
    matched = true;
    const next: string[] = [];
    for (const base of paths) {
      for (const name of list(base === '' ? '/' : base) ?? []) {
        if (name.startsWith('.') && !component.startsWith('.') && !component.startsWith('\\.')) continue;
        if (globMatch(component, name)) next.push(`${base}/${name}`);
        if (next.length >= limit) break;
      }
      if (next.length >= limit) break;
    }
    paths = next;
    if (paths.length === 0) break;
  }
  return { matches: paths.sort(compareBytes), unlisted };
}

function hasGlobMagic(component: string): boolean {
  return component.includes('*') || component.includes('?') || component.includes('[') || component.includes('\\');
}

/** Byte order of the UTF-8 forms, which is code point order. */
function compareBytes(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a.codePointAt(index)!;
    const right = b.codePointAt(index)!;
    if (left !== right) return left - right;
    if (left > 0xffff) index++;
  }
  return a.length - b.length;
}

/**
 * Matches one path component against `*`, `?`, `[…]` (with `!` or `^` negation, ranges
 * and POSIX classes) and backslash escapes. Backtracks only to the last `*`, so the cost
 * is at most pattern length times name length: no pattern can make it explode.
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] === '*') {
      starP = ++p;
      starN = n;
      continue;
    }
    if (p < pattern.length) {
      const step = matchOne(pattern, p, name[n]!);
      if (step > 0) {
        p += step;
        n++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    n = ++starN;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

const POSIX_CLASSES: Readonly<Record<string, (char: string) => boolean>> = {
  alpha: (char) => /^[A-Za-z]$/.test(char),
  digit: (char) => char >= '0' && char <= '9',
  alnum: (char) => /^[A-Za-z0-9]$/.test(char),
  upper: (char) => char >= 'A' && char <= 'Z',
  lower: (char) => char >= 'a' && char <= 'z',
  space: (char) => ' \t\n\r\f\v'.includes(char),
  xdigit: (char) => /^[0-9A-Fa-f]$/.test(char),
  punct: (char) => /^[!-/:-@[-`{-~]$/.test(char),
};

/** Length of the pattern element at `p` when it matches `char`, 0 when it does not. */
function matchOne(pattern: string, p: number, char: string): number {
  const element = pattern[p]!;
  if (element === '?') return 1;
  if (element === '\\') {
    if (p + 1 >= pattern.length) return char === '\\' ? 1 : 0;
    return pattern[p + 1] === char ? 2 : 0;
  }
  if (element !== '[') return element === char ? 1 : 0;
  let index = p + 1;
  const negated = pattern[index] === '!' || pattern[index] === '^';
  if (negated) index++;
  let matched = false;
  let first = true;
  while (index < pattern.length && (first || pattern[index] !== ']')) {
    first = false;
    if (pattern.startsWith('[:', index)) {
      const close = pattern.indexOf(':]', index + 2);
      const test = close === -1 ? undefined : POSIX_CLASSES[pattern.slice(index + 2, close)];
      if (test) {
        if (test(char)) matched = true;
        index = close + 2;
        continue;
      }
    }
    let low = pattern[index]!;
    if (low === '\\' && index + 1 < pattern.length) low = pattern[++index]!;
    if (pattern[index + 1] === '-' && index + 2 < pattern.length && pattern[index + 2] !== ']') {
      let high = pattern[index + 2]!;
      let width = 3;
      if (high === '\\' && index + 3 < pattern.length) {
        high = pattern[index + 3]!;
        width = 4;
      }
      if (char >= low && char <= high) matched = true;
      index += width;
    } else {
      if (char === low) matched = true;
      index++;
    }
  }
  // No closing "]": glob reads the "[" as an ordinary character.
  if (index >= pattern.length) return element === char ? 1 : 0;
  return matched !== negated ? index + 1 - p : 0;
}
