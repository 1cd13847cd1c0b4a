import type { FileAccess, ReadFailure } from '../../model/file-access';
import type { NginxDirective, NginxFile } from './model';
import { walkNginx } from './walk';

/** Files followed through includes from one root, at most: a bound on hostile trees. */
export const MAX_INCLUDED_FILES = 10_000;

export type IncludeFailure =
  | { readonly reason: ReadFailure; readonly path: string; readonly message: string }
  | { readonly reason: 'cycle'; readonly path: string; readonly chain: readonly string[]; readonly message: string }
  | { readonly reason: 'limit'; readonly path: string; readonly message: string };

/** One `include` directive, where it sits and what it brought in. */
export interface IncludeSite {
  readonly file: string;
  readonly directive: NginxDirective;
  /** Names of the blocks around the include, outermost first, counted from the root file. */
  readonly context: readonly string[];
  /** Files the pattern resolved to, in the order nginx reads them. */
  readonly targets: readonly string[];
  readonly failures: readonly IncludeFailure[];
}

export interface IncludeGraph {
  readonly root: string;
  readonly sites: readonly IncludeSite[];
  /** Every file reached from the root (the root included), with the contexts it is read in. */
  readonly contexts: ReadonlyMap<string, readonly (readonly string[])[]>;
}

export interface IncludeOptions {
  /** Directory relative include paths resolve against (nginx's configuration prefix). */
  readonly prefix: string;
  readonly files: FileAccess;
  /** Parses (and caches) a file, or says why it could not be read. */
  readonly parse: (path: string) => NginxFile | { readonly reason: ReadFailure; readonly message: string };
}

/**
 * Follows `include` directives from a root file, the way nginx reads them: relative
 * patterns against the prefix, globs expanded and sorted, each file read in the context
 * of the include that names it. Cycles (also through links, by FileAccess.identity) are
 * reported and not followed.
 */
export function resolveIncludes(root: string, rootFile: NginxFile, options: IncludeOptions): IncludeGraph {
  const sites: IncludeSite[] = [];
  const contexts = new Map<string, (readonly string[])[]>([[root, [[]]]]);
  const identity = (path: string) => options.files.identity?.(path) ?? path;
  const pending: { path: string; file: NginxFile; context: readonly string[]; chain: readonly string[] }[] = [
    { path: root, file: rootFile, context: [], chain: [identity(root)] },
  ];
  let visited = 1;

  while (pending.length > 0) {
    const { path, file, context, chain } = pending.pop()!;
    const found: IncludeSite[] = [];
    walkNginx(file.directives, (directive, ancestors) => {
      if (directive.name !== 'include' || directive.args.length !== 1) return;
      const siteContext = [...context, ...ancestors.map((ancestor) => ancestor.name)];
      const pattern = directive.args[0]!.value;
      const absolute = pattern.startsWith('/') ? pattern : `${options.prefix.replace(/\/$/, '')}/${pattern}`;
      const targets = hasGlob(absolute) ? expandGlob(absolute, options.files) : [absolute];
      const failures: IncludeFailure[] = [];
      for (const target of targets) {
        if (chain.includes(identity(target))) {
          failures.push({
            reason: 'cycle',
            path: target,
            chain: [...chain, identity(target)],
            message: `${target} includes itself again (through ${chain.length} file${chain.length === 1 ? '' : 's'}): nginx would loop`,
          });
          continue;
        }
        if (visited >= MAX_INCLUDED_FILES) {
          failures.push({ reason: 'limit', path: target, message: `more than ${MAX_INCLUDED_FILES} included files: ${target} and the rest were not read` });
          break;
        }
        const parsed = options.parse(target);
        if ('reason' in parsed) {
          failures.push({ reason: parsed.reason, path: target, message: parsed.message });
          continue;
        }
        visited++;
        const known = contexts.get(target) ?? [];
        if (!known.some((existing) => sameContext(existing, siteContext))) known.push(siteContext);
        contexts.set(target, known);
        pending.push({ path: target, file: parsed, context: siteContext, chain: [...chain, identity(target)] });
      }
      found.push({ file: path, directive, context: siteContext, targets, failures });
    });
    sites.push(...found);
  }
  return { root, sites, contexts };
}

function sameContext(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * Expands a glob(3) pattern one path component at a time through FileAccess.list:
 * `*` and `?` never match a leading dot, results are sorted as glob sorts them.
 */
export function expandGlob(pattern: string, files: FileAccess): string[] {
  const components = pattern.split('/').filter((component) => component !== '');
  let paths = [''];
  for (const component of components) {
    const next: string[] = [];
    for (const base of paths) {
      if (!hasGlob(component)) {
        next.push(`${base}/${component}`);
        continue;
      }
      for (const name of files.list(base === '' ? '/' : base) ?? []) {
        if (name.startsWith('.') && !component.startsWith('.')) continue;
        if (globMatch(component, name)) next.push(`${base}/${name}`);
      }
    }
    paths = next;
    if (paths.length > MAX_INCLUDED_FILES) break;
  }
  return paths.sort();
}

/**
 * Matches one path component against `*`, `?` and `[...]` (with `!` or `^` negation and
 * ranges). Linear two-pointer matching with backtracking only to the last `*`, so no
 * pattern can make it explode.
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
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
    p = starP + 1;
    n = ++starN;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Length of the pattern element at `p` when it matches `char`, 0 when it does not. */
function matchOne(pattern: string, p: number, char: string): number {
  const element = pattern[p]!;
  if (element === '?') return 1;
  if (element === '\\' && p + 1 < pattern.length) return pattern[p + 1] === char ? 2 : 0;
  if (element !== '[') return element === char ? 1 : 0;
  let index = p + 1;
  const negated = pattern[index] === '!' || pattern[index] === '^';
  if (negated) index++;
  let matched = false;
  let first = true;
  while (index < pattern.length && (first || pattern[index] !== ']')) {
    first = false;
    const low = pattern[index]!;
    if (pattern[index + 1] === '-' && index + 2 < pattern.length && pattern[index + 2] !== ']') {
      if (char >= low && char <= pattern[index + 2]!) matched = true;
      index += 3;
    } else {
      if (char === low) matched = true;
      index++;
    }
  }
  if (index >= pattern.length) return element === char ? 1 : 0; // no closing "]": a literal "["
  return matched !== negated ? index + 1 - p : 0;
}
