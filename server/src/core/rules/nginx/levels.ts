import type { ParsedDocument } from '../../engine/document';
import type { RuleContext } from '../../engine/rule';
import type { Workspace } from '../../engine/workspace';
import { contextOf, enterBlock } from '../../formats/nginx/context';
import type { IncludeSite } from '../../formats/nginx/includes';
import type { NginxDirective, NginxFile } from '../../formats/nginx/model';
import { parseNginx } from '../../formats/nginx/parser';
import { directiveAt, walkNginx } from '../../formats/nginx/walk';
import type { NginxContext } from '../../knowledge/types';
import { compareVersions } from '../../model/version';
import { SourceText } from '../../text/source-text';
import { groupBy } from '../../model/groups';

/**
 * Configuration levels as nginx merges them: http, server, location, if in location.
 * Many directives (proxy_set_header, add_header, proxy_http_version) are read from the
 * innermost level that sets them, and a level that sets any `proxy_set_header` or
 * `add_header` of its own inherits none of the outer ones. The rules that reason about
 * this see each level with its includes read in, across files: a site in sites-enabled/
 * sits inside the http block of the nginx.conf that includes it.
 */

/** A file nginx reads: a checked document, or one read through an include. */
export type NginxSource = Pick<ParsedDocument, 'path' | 'source'>;

export interface LevelEntry {
  readonly directive: NginxDirective;
  /** The file the directive is written in. */
  readonly file: NginxSource;
  /** For a directive read through an include: the include written in the level's own block. */
  readonly via?: NginxDirective;
}

export interface Level {
  readonly context: NginxContext;
  /** The block directive that opens the level; absent for a level the file is only assumed to sit in, and for the main context. */
  readonly block?: NginxDirective;
  /** The file the level's block is written in (for an assumed level, the file that sits in it). */
  readonly file: NginxSource;
  /** The level's own directives in reading order, included files read in. */
  readonly entries: readonly LevelEntry[];
  /** Includes whose files could not be read: the level may hold more than its entries. */
  readonly unread: readonly NginxDirective[];
}

/**
 * Files Debian's nginx package installs beside nginx.conf, which repositories rarely carry,
 * by what the rules need of them. proxy_params as installed (nginx 1.22.1-9+deb12u*): its
 * four lines decide whether a location has proxy_set_header lines of its own. The others
 * hold only a `types` table, `*_param` lines or certificate paths: nothing these rules read,
 * so an include of them hides nothing.
 */
const PACKAGED_INCLUDES: ReadonlyMap<string, string> = new Map([
  [
    'proxy_params',
    'proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\nproxy_set_header X-Forwarded-Proto $scheme;\n',
  ],
  ['mime.types', ''],
  ['fastcgi_params', ''],
  ['fastcgi.conf', ''],
  ['uwsgi_params', ''],
  ['scgi_params', ''],
  ['fastcgi-php.conf', ''],
  ['snakeoil.conf', ''],
]);

/** Directives read into one level at most: a file included twice by a file included twice… must not grow without bound. */
const MAX_LEVEL_ENTRIES = 100_000;

/** Blocks around a directive beyond which levels are not worked out (includes.ts bounds include contexts the same way). */
const MAX_BLOCK_DEPTH = 64;

/** Included files read within one level, at most this deep (a bound on hostile trees; loops are cut by the include graph). */
const MAX_INCLUDE_DEPTH = 16;

interface ReadFile {
  readonly file: NginxFile;
  readonly source: NginxSource;
}

interface State {
  /** Include sites of every configuration of the run, by file and offset of the include. */
  readonly sites: Map<string, IncludeSite>;
  readonly files: Map<string, ReadFile | undefined>;
  readonly levels: WeakMap<NginxDirective, Level>;
  readonly fileLevels: Map<string, readonly Level[]>;
  /** Main configuration files of the run: roots whose include graphs place the others. */
  readonly roots: readonly ParsedDocument[];
  /** Directives by name across the known files, found once per run. */
  readonly named: Map<string, readonly Found[]>;
}

/** A directive anywhere in the known files, with its file and the blocks around it. */
export interface Found {
  readonly directive: NginxDirective;
  readonly source: NginxSource;
  readonly ancestors: readonly NginxDirective[];
}

const states = new WeakMap<Workspace, State>();

function stateOf(context: RuleContext): State {
  let state = states.get(context.workspace);
  if (state) return state;
  const documents = [...context.workspace.documents].filter((document) => document.nginx !== undefined);
  const roots = documents.filter((document) => context.workspace.nginx.placement(document).chain.length === 0);
  const sites = new Map<string, IncludeSite>();
  // Main files first: their resolution of an include (against their prefix) is the one nginx uses.
  for (const document of [...roots, ...documents.filter((candidate) => !roots.includes(candidate))]) {
    for (const site of context.workspace.nginx.graph(document).sites) {
      const key = siteKey(site.file, site.directive.span.start);
      if (!sites.has(key)) sites.set(key, site);
    }
  }
  state = { sites, files: new Map(), levels: new WeakMap(), fileLevels: new Map(), roots, named: new Map() };
  states.set(context.workspace, state);
  return state;
}

function siteKey(path: string, offset: number): string {
  return `${path}\u0000${offset}`;
}

function readFile(path: string, context: RuleContext, state: State): ReadFile | undefined {
  if (state.files.has(path)) return state.files.get(path);
  const document = context.workspace.document(path);
  let read: ReadFile | undefined;
  if (document?.nginx) read = { file: document.nginx, source: document };
  else if (!document) {
    const result = context.workspace.files.read(path);
    if (result.ok) read = { file: parseNginx(result.text), source: { path, source: new SourceText(result.text) } };
  }
  state.files.set(path, read);
  return read;
}

/** A level's directives with its includes read in. */
function expand(directives: readonly NginxDirective[], file: NginxSource, context: RuleContext, state: State): { entries: LevelEntry[]; unread: NginxDirective[] } {
  const entries: LevelEntry[] = [];
  const unread: NginxDirective[] = [];
  const visit = (list: readonly NginxDirective[], from: NginxSource, via: NginxDirective | undefined, depth: number, reading: readonly string[]) => {
    for (const directive of list) {
      if (directive.name !== 'include') {
        entries.push({ directive, file: from, ...(via ? { via } : {}) });
        continue;
      }
      const outer = via ?? directive;
      const site = state.sites.get(siteKey(from.path, directive.span.start));
      if (!site || depth >= MAX_INCLUDE_DEPTH || entries.length >= MAX_LEVEL_ENTRIES) {
        unread.push(outer);
        continue;
      }
      const failed = new Set(site.failures.map((failure) => failure.path));
      for (const target of site.targets) {
        // A loop is cut where the include graph cut it; a failure is looked at below.
        if (failed.has(target)) continue;
        const read = reading.includes(target) ? undefined : readFile(target, context, state);
        if (read) visit(read.file.directives, read.source, outer, depth + 1, [...reading, target]);
        else unread.push(outer);
      }
      for (const failure of site.failures) {
        const packaged = PACKAGED_INCLUDES.get(failure.path.slice(failure.path.lastIndexOf('/') + 1));
        if (failure.reason === 'missing' && packaged !== undefined) {
          visit(parseNginx(packaged).directives, { path: failure.path, source: new SourceText(packaged) }, outer, depth + 1, reading);
        } else if (failure.reason !== 'cycle') {
          unread.push(outer);
        }
      }
    }
  };
  visit(directives, file, undefined, 0, [file.path]);
  return { entries, unread };
}

function blockLevel(block: NginxDirective, where: NginxContext, file: NginxSource, context: RuleContext, state: State): Level {
  let level = state.levels.get(block);
  if (!level) {
    const { entries, unread } = expand(block.block?.directives ?? [], file, context, state);
    level = { context: where, block, file, entries, unread };
    state.levels.set(block, level);
  }
  return level;
}

/**
 * The levels down to the one a file's top-level directives belong to, outermost first:
 * through the main file of the run that includes it (the first that does, in reading
 * order), else where the file is placed on its own (a site is assumed inside an http
 * block that sets nothing).
 */
function fileLevels(path: string, context: RuleContext, state: State, depth = 0): readonly Level[] {
  const known = state.fileLevels.get(path);
  if (known) return known;
  // A file reached again while its own levels are being worked out (an include loop) sits nowhere.
  state.fileLevels.set(path, []);
  const read = readFile(path, context, state);
  let levels: readonly Level[] = [];
  if (read) levels = (depth < MAX_INCLUDE_DEPTH ? levelsThroughIncluder(path, context, state, depth) : undefined) ?? assumedLevels(read, context, state);
  state.fileLevels.set(path, levels);
  return levels;
}

function levelsThroughIncluder(path: string, context: RuleContext, state: State, depth: number): readonly Level[] | undefined {
  for (const root of state.roots) {
    if (root.path === path) continue;
    const site = context.workspace.nginx.graph(root).sites.find((candidate) => candidate.targets.includes(path) && candidate.file !== path);
    if (!site) continue;
    const host = readFile(site.file, context, state);
    if (!host) continue;
    const above = fileLevels(site.file, context, state, depth + 1);
    const outer = above[above.length - 1];
    if (!outer) continue;
    const levels = [...above];
    let where: NginxContext = outer.context;
    // The include's own enclosing blocks in the file it is written in: the same directive objects when that file is a document.
    const ancestors = directiveAt(host.file.directives, site.directive.span.start).ancestors;
    for (const block of ancestors) {
      const inside = enterBlock(where, block.name);
      if (inside === undefined || inside === 'opaque') return undefined;
      levels.push(blockLevel(block, inside, host.source, context, state));
      where = inside;
    }
    return levels;
  }
  return undefined;
}

function assumedLevels(read: ReadFile, context: RuleContext, state: State): readonly Level[] {
  const document = context.workspace.document(read.source.path);
  const chain = document ? context.workspace.nginx.placement(document).chain : [];
  const levels: Level[] = [];
  for (let depth = 0; depth <= chain.length; depth++) {
    const where = contextOf(chain.slice(0, depth));
    if (where === undefined || where === 'opaque') return [];
    if (depth < chain.length) levels.push({ context: where, file: read.source, entries: [], unread: [] });
    else levels.push({ context: where, file: read.source, ...expand(read.file.directives, read.source, context, state) });
  }
  return levels;
}

/**
 * The levels a directive is read in, outermost first: the levels above its file (the
 * checked document unless named), then one per block around it. The last level holds it.
 */
export function levelsAround(ancestors: readonly NginxDirective[], context: RuleContext, file: NginxSource = context.document): readonly Level[] | undefined {
  // Real configurations nest a handful of blocks; a hostile file nesting thousands must not cost depth² per block.
  if (ancestors.length > MAX_BLOCK_DEPTH) return undefined;
  const state = stateOf(context);
  const above = fileLevels(file.path, context, state);
  const top = above[above.length - 1];
  if (!top) return undefined;
  const levels = [...above];
  let where = top.context;
  for (const block of ancestors) {
    const inside = enterBlock(where, block.name);
    if (inside === undefined || inside === 'opaque') return undefined;
    levels.push(blockLevel(block, inside, file, context, state));
    where = inside;
  }
  return levels;
}

/** The level's own entries named `name`. */
export function ownEntries(level: Level, name: string): LevelEntry[] {
  let byName = entriesByName.get(level);
  if (!byName) {
    byName = groupBy(level.entries, (entry) => entry.directive.name);
    entriesByName.set(level, byName);
  }
  return [...(byName.get(name) ?? [])];
}

/** A level's entries grouped by name: a server with thousands of locations is asked once per location. */
const entriesByName = new WeakMap<Level, Map<string, LevelEntry[]>>();

/**
 * For a directive read from the innermost level that has it (proxy_set_header,
 * proxy_http_version): that level's entries of it, or undefined when no level sets it.
 */
export function nearestEntries(levels: readonly Level[], name: string): { level: Level; entries: LevelEntry[] } | undefined {
  for (let index = levels.length - 1; index >= 0; index--) {
    const entries = ownEntries(levels[index]!, name);
    if (entries.length > 0) return { level: levels[index]!, entries };
  }
  return undefined;
}

/** Whether an include that could not be read sits in one of the levels: what they set is then not fully known. */
export function hasUnread(levels: readonly Level[]): boolean {
  return levels.some((level) => level.unread.length > 0);
}

/** Every nginx file the run knows: the documents and the files their includes read. */
export function knownFiles(context: RuleContext): readonly { file: NginxFile; source: NginxSource }[] {
  const state = stateOf(context);
  const found = new Map<string, ReadFile>();
  for (const document of context.workspace.documents) if (document.nginx) found.set(document.path, { file: document.nginx, source: document });
  for (const site of state.sites.values()) {
    for (const target of site.targets) {
      if (found.has(target)) continue;
      const read = readFile(target, context, state);
      if (read) found.set(target, read);
    }
  }
  return [...found.values()];
}

/** Every directive named `name` at any depth of the known files, with its file and enclosing blocks. */
export function directivesEverywhere(name: string, context: RuleContext): readonly Found[] {
  const state = stateOf(context);
  const known = state.named.get(name);
  if (known) return known;
  const found: Found[] = [];
  for (const { file, source } of knownFiles(context)) {
    walkNginx(file.directives, (directive, ancestors) => {
      if (directive.name === name) found.push({ directive, source, ancestors: [...ancestors] });
    });
  }
  state.named.set(name, found);
  return found;
}

/** How a level is named in messages: `location /static/`, `if ($x)`, `server`, `http`. */
export function describeLevel(level: Level): string {
  const block = level.block;
  if (!block) return level.context === 'main' ? 'the main context' : level.context;
  if (block.args.length === 0) return block.name;
  const first = block.args[0]!;
  const last = block.args[block.args.length - 1]!;
  return `${block.name} ${level.file.source.text.slice(first.span.start, last.span.end)}`;
}

/** The text of a block's arguments as written: `/static/`, `~ ^/ws`. */
export function argumentsText(block: NginxDirective, source: NginxSource): string {
  const first = block.args[0];
  const last = block.args[block.args.length - 1];
  return first && last ? source.source.text.slice(first.span.start, last.span.end) : '';
}

/** Whether the target release is at least `version`. */
export function targetAtLeast(context: RuleContext, version: string): boolean {
  return compareVersions(context.targets.nginx, version) >= 0;
}

/** The releases nginx changed proxying defaults in (docs/xml/nginx/changes.xml of the nginx repository). */
export const NGINX_1_29_7 = '1.29.7';

/**
 * The proxy module's settings for requests a directive's location passes on: the HTTP
 * version and the `Connection` header it sends, read as nginx merges levels.
 *
 * Before 1.29.7 nginx speaks HTTP/1.0 upstream and sends `Connection: close` unless told
 * otherwise; 1.29.7 changed both defaults: "the default value for "proxy_http_version" is
 * "1.1"; the "Connection" proxy header is not sent by default anymore" (CHANGES 1.29.7;
 * in ngx_http_proxy_module.c the merge default went from NGX_HTTP_VERSION_10 to
 * NGX_HTTP_VERSION_11 and ngx_http_proxy_headers' "Connection" from "close" to "").
 * A header set to an empty value is not sent at all (proxy_set_header docs).
 */
export interface ProxySettings {
  readonly httpVersion: string;
  /** The directive that sets it, when one does. */
  readonly httpVersionEntry?: LevelEntry;
  /** The level the proxy_set_header lines come from (the innermost that has any), when one has. */
  readonly headerLevel?: Level;
  readonly headers: readonly LevelEntry[];
  /** The `Connection` value nginx sends ('' for none), and the line that sets it when one does. */
  readonly connection: string;
  readonly connectionEntry?: LevelEntry;
}

export function proxySettings(levels: readonly Level[], context: RuleContext): ProxySettings {
  const modern = targetAtLeast(context, NGINX_1_29_7);
  const version = nearestEntries(levels, 'proxy_http_version');
  const versionEntry = version?.entries[version.entries.length - 1];
  const headers = nearestEntries(levels, 'proxy_set_header');
  const connectionEntries = (headers?.entries ?? []).filter((entry) => entry.directive.args[0]?.value.toLowerCase() === 'connection');
  const connectionEntry = connectionEntries[connectionEntries.length - 1];
  return {
    httpVersion: versionEntry?.directive.args[0]?.value ?? (modern ? '1.1' : '1.0'),
    ...(versionEntry ? { httpVersionEntry: versionEntry } : {}),
    ...(headers ? { headerLevel: headers.level } : {}),
    headers: headers?.entries ?? [],
    connection: connectionEntry ? (connectionEntry.directive.args[1]?.value ?? '') : modern ? '' : 'close',
    ...(connectionEntry ? { connectionEntry } : {}),
  };
}

/**
 * What a `$variable` set by `map $http_upgrade $variable { … }` holds for a request
 * without an Upgrade header (`ordinary`) and for a WebSocket handshake (`upgrade`): the
 * `''` entry and the `default` one. Undefined when no such map is known.
 */
export function upgradeMap(variable: string, context: RuleContext): { ordinary: string; upgrade: string; directive: NginxDirective; source: NginxSource } | undefined {
  for (const { directive, source } of directivesEverywhere('map', context)) {
    if (directive.args[0]?.value !== '$http_upgrade' || directive.args[1]?.value !== variable) continue;
    const lines = directive.block?.directives ?? [];
    const valueOf = (key: string) => lines.find((line) => line.name === key && line.args.length === 1)?.args[0]?.value;
    const fallback = valueOf('default') ?? '';
    return { ordinary: valueOf('') ?? fallback, upgrade: fallback, directive, source };
  }
  return undefined;
}

/** Whether a header value lists a token (`Connection: keep-alive, close`). */
export function hasToken(value: string, token: string): boolean {
  return value
    .toLowerCase()
    .split(',')
    .some((part) => part.trim() === token);
}

/** Where a directive is written, for messages: `line 12` in the checked document, `proxy_params:3` in another file. */
export function lineOf(entry: Pick<LevelEntry, 'directive' | 'file'>, context: RuleContext): string {
  const line = entry.file.source.positionAt(entry.directive.span.start).line + 1;
  return entry.file.path === context.document.path ? `line ${line}` : `${entry.file.path.slice(entry.file.path.lastIndexOf('/') + 1)}:${line}`;
}

/** "a", "a and b", "a, b and c". */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
