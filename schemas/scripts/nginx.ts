/**
 * Builds schemas/nginx.json from a git clone of nginx (nginx/nginx) and of the third-party
 * modules the table covers (ngx_brotli, headers-more).
 *
 *   npx tsx schemas/scripts/nginx.ts <nginx-git-dir> [--ref TAG] [--oldest TAG] [--out FILE]
 *       [--summaries FILE] [--third-party URL=GIT_DIR]... [--docs GIT_DIR]
 *
 * Facts are read from the C sources with `git show` / `git cat-file`; nothing is built or
 * run. Per directive: the `ngx_command_t` entry (name, context and argument flags, set
 * handler, post handler), the `ngx_module_t` that owns it, what its handler does with a
 * second occurrence in one block, which configure switch builds its module (auto/modules,
 * auto/options), and, from every release tag between --oldest and --ref, when it appeared,
 * was deprecated and stopped working. Docs links are checked against the XML sources of
 * nginx.org (a clone of nginx/nginx.org, --docs). Summaries are ours, in
 * schemas/summaries/nginx.json; the run fails when a directive has none, so a new upstream
 * release cannot ship blanks.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NginxArity, NginxContext, NginxDirective, NginxKnowledge } from '../../server/src/core/knowledge/types';
import { compareVersions, parseVersion } from '../../server/src/core/model/version';
import { callsIn, functionBodies, GitRepository, readSource, type CommandEntry, type SourceFacts } from './nginx-source';

const UPSTREAM_URL = 'https://github.com/nginx/nginx';
const DOCS_URL = 'https://nginx.org/en/docs';
/** The release line nginx.org calls stable when this table was made. */
const STABLE_LINE = '1.30';
const TAG_PREFIX = 'release-';
const SCHEMAS_DIR = path.resolve(__dirname, '..');
const SUMMARIES_FILE = path.join(SCHEMAS_DIR, 'summaries', 'nginx.json');
const DEFAULT_OUT = path.join(SCHEMAS_DIR, 'nginx.json');

/**
 * Third-party modules in the table: Debian packages both (libnginx-mod-http-brotli-*,
 * libnginx-mod-http-headers-more-filter) and they are common in front of Python apps.
 * `mirror` is the directory name the project's mirror tool gives a clone, looked up next
 * to the nginx clone when no --third-party option names one.
 */
const THIRD_PARTY: readonly { url: string; readme: string; mirror: string }[] = [
  { url: 'https://github.com/google/ngx_brotli', readme: 'README.md', mirror: 'google+ngx_brotli' },
  { url: 'https://github.com/openresty/headers-more-nginx-module', readme: 'README.markdown', mirror: 'openresty+headers-more-nginx-module' },
];

/**
 * The sources of nginx.org, whose pages say which directives they document. Looked up next
 * to the nginx clone under the mirror tool's name when no --docs option names a clone.
 */
const DOCS_SITE = { url: 'https://github.com/nginx/nginx.org', mirror: 'nginx+nginx.org' };

// ---------------------------------------------------------------- options

interface Options {
  readonly gitDir: string;
  readonly ref?: string;
  readonly oldest?: string;
  readonly out: string;
  readonly summaries: string;
  /** URL → git dir, for the modules of THIRD_PARTY. */
  readonly thirdParty: ReadonlyMap<string, string>;
  /** Clone of nginx/nginx.org. */
  readonly docsGitDir?: string;
}

function parseOptions(argv: readonly string[]): Options {
  let gitDir: string | undefined;
  let ref: string | undefined;
  let oldest: string | undefined;
  let out = DEFAULT_OUT;
  let summaries = SUMMARIES_FILE;
  const thirdParty = new Map<string, string>();
  let docsGitDir: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const value = (): string => {
      const next = argv[++index];
      if (next === undefined) fail(`${argument} needs a value`);
      return next;
    };
    if (argument === '--ref') ref = value();
    else if (argument === '--oldest') oldest = value();
    else if (argument === '--out') out = path.resolve(value());
    else if (argument === '--summaries') summaries = path.resolve(value());
    else if (argument === '--docs') docsGitDir = path.resolve(value());
    else if (argument === '--third-party') {
      const pair = value();
      const separator = pair.lastIndexOf('=');
      if (separator < 0) fail(`--third-party takes URL=GIT_DIR, not ${pair}`);
      thirdParty.set(pair.slice(0, separator), pair.slice(separator + 1));
    } else if (argument.startsWith('--')) fail(`unknown option ${argument}`);
    else gitDir = argument;
  }
  if (!gitDir) fail('usage: nginx.ts <nginx-git-dir> [--ref TAG] [--oldest TAG] [--out FILE] [--summaries FILE] [--third-party URL=GIT_DIR]... [--docs GIT_DIR]');
  return { gitDir, ...(ref ? { ref } : {}), ...(oldest ? { oldest } : {}), out, summaries, thirdParty, ...(docsGitDir ? { docsGitDir } : {}) };
}

function fail(message: string): never {
  process.stderr.write(`nginx.ts: ${message}\n`);
  process.exit(1);
}

const versionOf = (tag: string): string => (tag.startsWith(TAG_PREFIX) ? tag.slice(TAG_PREFIX.length) : tag);
const tagOf = (version: string): string => (version.startsWith(TAG_PREFIX) ? version : `${TAG_PREFIX}${version}`);

// ---------------------------------------------------------------- flags

/** nginx's context flags, named as in `NginxContext`. 0.x called the mail modules "imap". */
const CONTEXT_FLAGS: Readonly<Record<string, NginxContext>> = {
  NGX_MAIN_CONF: 'main',
  NGX_DIRECT_CONF: 'main',
  NGX_EVENT_CONF: 'events',
  NGX_HTTP_MAIN_CONF: 'http',
  NGX_HTTP_SRV_CONF: 'server',
  NGX_HTTP_LOC_CONF: 'location',
  NGX_HTTP_UPS_CONF: 'upstream',
  NGX_HTTP_SIF_CONF: 'sif',
  NGX_HTTP_LIF_CONF: 'lif',
  NGX_HTTP_LMT_CONF: 'limit_except',
  NGX_MAIL_MAIN_CONF: 'mail',
  NGX_MAIL_SRV_CONF: 'mail-server',
  NGX_IMAP_MAIN_CONF: 'mail',
  NGX_IMAP_SRV_CONF: 'mail-server',
  NGX_STREAM_MAIN_CONF: 'stream',
  NGX_STREAM_SRV_CONF: 'stream-server',
  NGX_STREAM_UPS_CONF: 'stream-upstream',
};

/** Order of contexts in the table (outermost first), also what NGX_ANY_CONF (`include`) means. */
const CONTEXT_ORDER: readonly NginxContext[] = [
  'main', 'events', 'http', 'server', 'location', 'upstream', 'sif', 'lif', 'limit_except',
  'mail', 'mail-server', 'stream', 'stream-server', 'stream-upstream',
];

const ARITY_FLAGS: Readonly<Record<string, NginxArity>> = {
  NGX_CONF_NOARGS: 'NOARGS',
  NGX_CONF_TAKE1: 'TAKE1',
  NGX_CONF_TAKE2: 'TAKE2',
  NGX_CONF_TAKE3: 'TAKE3',
  NGX_CONF_TAKE4: 'TAKE4',
  NGX_CONF_TAKE5: 'TAKE5',
  NGX_CONF_TAKE6: 'TAKE6',
  NGX_CONF_TAKE7: 'TAKE7',
  NGX_CONF_TAKE12: 'TAKE12',
  NGX_CONF_TAKE13: 'TAKE13',
  NGX_CONF_TAKE23: 'TAKE23',
  NGX_CONF_TAKE123: 'TAKE123',
  NGX_CONF_TAKE1234: 'TAKE1234',
  NGX_CONF_FLAG: 'FLAG',
  NGX_CONF_1MORE: '1MORE',
  NGX_CONF_2MORE: '2MORE',
  NGX_CONF_ANY: 'ANY',
};

/** Flags that are neither a context nor an argument count. NGX_CONF_MULTI is 0 (old `server` entries). */
const OTHER_FLAGS = new Set(['NGX_CONF_BLOCK', 'NGX_ANY_CONF', 'NGX_CONF_MULTI']);

interface Shape {
  readonly contexts: NginxContext[];
  readonly arity: NginxArity[];
  readonly block: boolean;
}

function shapeOf(entry: CommandEntry, where: string): Shape {
  const contexts = new Set<NginxContext>();
  const arity: NginxArity[] = [];
  for (const flag of entry.flags) {
    const context = CONTEXT_FLAGS[flag];
    const count = ARITY_FLAGS[flag];
    if (context) contexts.add(context);
    else if (count) arity.push(count);
    else if (flag === 'NGX_ANY_CONF') for (const any of CONTEXT_ORDER) contexts.add(any);
    else if (!OTHER_FLAGS.has(flag)) fail(`${where}: ${entry.name} has a flag this generator does not know: ${flag}`);
  }
  if (contexts.size === 0 || arity.length === 0) fail(`${where}: ${entry.name} has no context or no argument flag (${entry.flags.join('|')})`);
  return {
    contexts: CONTEXT_ORDER.filter((context) => contexts.has(context)),
    arity,
    block: entry.flags.includes('NGX_CONF_BLOCK'),
  };
}

// ---------------------------------------------------------------- repeats

/**
 * What a set handler does when its directive appears a second time in one block.
 *
 * - `rejects`: nginx stops with `"x" directive is duplicate`. Found automatically: the
 *   handler, or a function it calls directly, returns "is duplicate". That covers nginx's
 *   own slot setters for single values (ngx_conf_set_flag_slot, _str_slot, _num_slot,
 *   _size_slot, _off_slot, _msec_slot, _sec_slot, _bufs_slot, _enum_slot, _path_slot,
 *   _access_slot, ngx_http_set_complex_value_slot …) and the custom handlers that check
 *   whether their value is already set (proxy_pass, root, keepalive_timeout, resolver …).
 * - `overrides`: accepted, and the later one replaces the earlier (sometimes with a
 *   warning such as "load balancing method redefined").
 * - `accumulates`: each occurrence adds to a list (headers, parameters, addresses,
 *   listens, named zones or variables, blocks, script instructions).
 * - `ignored`: the directive is obsolete and does nothing; a repeat does no harm.
 *
 * The table's `repeatable` is true for `accumulates` and `ignored`; `lastWins` marks
 * `overrides`, whose repeat `nginx -t` accepts. Handlers that do not
 * answer "is duplicate" must be listed below: the run stops on one it does not know, so
 * a new upstream handler is looked at before it lands in the table.
 */
type RepeatBehaviour = 'rejects' | 'overrides' | 'accumulates' | 'ignored';

const HANDLER_REPEATS: Readonly<Record<string, RepeatBehaviour>> = {
  // nginx's generic setters that add rather than set.
  ngx_conf_set_str_array_slot: 'accumulates',
  ngx_conf_set_keyval_slot: 'accumulates',
  // ORs the named bits into the mask: `ssl_protocols TLSv1.2; ssl_protocols TLSv1.3;` allows both.
  ngx_conf_set_bitmask_slot: 'accumulates',
  ngx_http_types_slot: 'accumulates',
  ngx_http_upstream_param_set_slot: 'accumulates',
  ngx_http_set_predicate_slot: 'accumulates',
  ngx_http_file_cache_set_slot: 'accumulates',
  ngx_http_file_cache_valid_set_slot: 'accumulates',
  ngx_conf_include: 'accumulates',
  ngx_load_module: 'accumulates',
  ngx_set_env: 'accumulates',
  ngx_thread_pool: 'accumulates',
  // error_log may name several logs (since 1.5.2).
  ngx_error_log: 'accumulates',
  ngx_http_core_error_log: 'accumulates',
  ngx_mail_core_error_log: 'accumulates',
  ngx_stream_core_error_log: 'accumulates',
  ngx_event_debug_connection: 'accumulates',
  // Blocks and named definitions: each occurrence defines another one.
  ngx_http_core_server: 'accumulates',
  ngx_http_core_location: 'accumulates',
  ngx_http_core_types: 'accumulates',
  ngx_http_upstream: 'accumulates',
  ngx_http_rewrite_if: 'accumulates',
  ngx_http_map_block: 'accumulates',
  ngx_http_geo_block: 'accumulates',
  ngx_conf_split_clients_block: 'accumulates',
  ngx_http_charset_map_block: 'accumulates',
  ngx_http_limit_conn_zone: 'accumulates',
  ngx_http_limit_req_zone: 'accumulates',
  ngx_http_log_set_format: 'accumulates',
  ngx_http_perl_set: 'accumulates',
  ngx_mail_core_server: 'accumulates',
  ngx_stream_core_server: 'accumulates',
  ngx_stream_upstream: 'accumulates',
  ngx_stream_map_block: 'accumulates',
  ngx_stream_geo_block: 'accumulates',
  ngx_stream_limit_conn_zone: 'accumulates',
  ngx_stream_log_set_format: 'accumulates',
  // Lists of addresses, names, headers, rules.
  ngx_http_core_listen: 'accumulates',
  ngx_http_core_server_name: 'accumulates',
  ngx_http_core_error_page: 'accumulates',
  ngx_http_upstream_server: 'accumulates',
  ngx_http_access_rule: 'accumulates',
  ngx_http_realip_from: 'accumulates',
  ngx_http_geoip_proxy: 'accumulates',
  ngx_http_gzip_disable: 'accumulates',
  ngx_http_headers_add: 'accumulates',
  ngx_http_index_set_index: 'accumulates',
  ngx_http_log_set_log: 'accumulates',
  ngx_http_sub_filter: 'accumulates',
  ngx_http_valid_referers: 'accumulates',
  ngx_http_ancient_browser: 'accumulates',
  ngx_http_modern_browser: 'accumulates',
  ngx_http_auth_request_set: 'accumulates',
  ngx_http_xslt_param: 'accumulates',
  ngx_http_xslt_stylesheet: 'accumulates',
  ngx_mail_core_listen: 'accumulates',
  ngx_mail_realip_from: 'accumulates',
  ngx_mail_auth_http_header: 'accumulates',
  ngx_mail_capabilities: 'accumulates',
  ngx_stream_core_listen: 'accumulates',
  ngx_stream_core_server_name: 'accumulates',
  ngx_stream_upstream_server: 'accumulates',
  ngx_stream_access_rule: 'accumulates',
  ngx_stream_realip_from: 'accumulates',
  ngx_stream_log_set_log: 'accumulates',
  // Refuse a repeat of the same zone (or a second "off"), but take several different ones.
  ngx_http_limit_conn: 'accumulates',
  ngx_http_limit_req: 'accumulates',
  ngx_stream_limit_conn: 'accumulates',
  ngx_http_mirror: 'accumulates',
  ngx_http_proxy_redirect: 'accumulates',
  ngx_http_proxy_cookie_domain: 'accumulates',
  ngx_http_proxy_cookie_path: 'accumulates',
  ngx_http_proxy_cookie_flags: 'accumulates',
  // `rotate` combines with a `resize` or `crop` given in another image_filter line.
  ngx_http_image_filter: 'accumulates',
  // Script instructions of the rewrite modules run in order; every occurrence adds one.
  ngx_http_rewrite: 'accumulates',
  ngx_http_rewrite_return: 'accumulates',
  ngx_http_rewrite_break: 'accumulates',
  ngx_http_rewrite_set: 'accumulates',
  ngx_stream_set: 'accumulates',

  // Accepted again, the last one wins.
  ngx_http_upstream_hash: 'overrides',
  ngx_http_upstream_ip_hash: 'overrides',
  ngx_http_upstream_least_conn: 'overrides',
  ngx_http_upstream_random: 'overrides',
  ngx_http_upstream_zone: 'overrides',
  ngx_stream_upstream_hash: 'overrides',
  ngx_stream_upstream_least_conn: 'overrides',
  ngx_stream_upstream_random: 'overrides',
  ngx_stream_upstream_zone: 'overrides',
  ngx_http_ssl_session_cache: 'overrides',
  ngx_mail_ssl_session_cache: 'overrides',
  ngx_stream_ssl_session_cache: 'overrides',
  ngx_http_ancient_browser_value: 'overrides',
  ngx_http_modern_browser_value: 'overrides',
  ngx_http_fastcgi_split_path_info: 'overrides',
  ngx_http_image_filter_jpeg_quality: 'overrides',
  ngx_http_image_filter_webp_quality: 'overrides',
  ngx_http_image_filter_sharpen: 'overrides',
  ngx_http_degradation: 'overrides',
  ngx_mail_auth_http: 'overrides',
  ngx_mail_core_protocol: 'overrides',
  // Content handlers without arguments: a repeat installs the same handler again.
  ngx_http_empty_gif: 'overrides',
  ngx_http_flv: 'overrides',
  ngx_http_mp4: 'overrides',
  ngx_http_set_stub_status: 'overrides',
  // Refuses a second handler with its own message ("duplicate perl handler").
  ngx_http_perl: 'rejects',
  // Refuse any repeat before building their list.
  ngx_http_upstream_sticky: 'rejects',
  ngx_http_xslt_entities: 'rejects',
  ngx_stream_proxy_ssl_alpn_set_slot: 'rejects',

  // Handlers of directives gone by the ref, as the last release that had them wrote them.
  ngx_http_limit_zone: 'accumulates',
  ngx_http_fastcgi_set_var: 'accumulates',
  ngx_http_proxy_set_x_var: 'accumulates',
  ngx_http_v2_push: 'accumulates',
  ngx_http_set_status: 'overrides',
  ngx_http_mysql_test: 'overrides',
  // 0.x-1.9.0: a second mail (or imap) block replaced the first; later releases refuse it.
  ngx_mail_block: 'overrides',

  // Third-party: headers-more keeps a list of header commands per block.
  ngx_http_headers_more_set_headers: 'accumulates',
  ngx_http_headers_more_clear_headers: 'accumulates',
  ngx_http_headers_more_set_input_headers: 'accumulates',
  ngx_http_headers_more_clear_input_headers: 'accumulates',
};

/** Handlers `HANDLER_REPEATS` was used for, to report entries it no longer needs. */
const handlersConsulted = new Set<string>();

/**
 * The listed behaviour first, then "is duplicate" in the handler or a function it calls.
 * A handler that refuses some repeats but also appends to a list is left undecided, for
 * the table above: proxy_redirect refuses a second "off" yet takes any number of mappings.
 */
function repeatBehaviour(handler: string, bodies: ReadonlyMap<string, string>, ignored: boolean): RepeatBehaviour | undefined {
  if (ignored) return 'ignored';
  const listed = HANDLER_REPEATS[handler];
  if (listed) {
    handlersConsulted.add(handler);
    // An overriding handler that refuses repeats in the release read changed since (ngx_mail_block from 1.9.1).
    if (listed === 'overrides' && bodies.get(handler)?.includes('is duplicate')) return 'rejects';
    return listed;
  }
  const body = bodies.get(handler);
  if (body === undefined) return undefined;
  const refuses =
    body.includes('is duplicate') ||
    [...callsIn(body)].some((callee) => callee !== handler && bodies.get(callee)?.includes('is duplicate'));
  if (!refuses || /\bngx_(array|list)_push/.test(body)) return undefined;
  return 'rejects';
}

/** The table's fields for a repeat behaviour: `repeatable`, and `lastWins` for a repeat nginx accepts and applies. */
function repeatFields(behaviour: RepeatBehaviour | undefined): Pick<NginxDirective, 'repeatable' | 'lastWins'> {
  return { repeatable: behaviour === 'accumulates' || behaviour === 'ignored', ...(behaviour === 'overrides' ? { lastWins: true as const } : {}) };
}

// ---------------------------------------------------------------- deprecation

/**
 * What a release does with a directive it has: `ignored` when its handler only warns and
 * returns (nginx keeps the name so old files still load), `refused` when it only logs an
 * error (a stub that tells what to use instead, e.g. proxy_upstream_max_fails in 0.8).
 */
type Status = 'works' | 'deprecated' | 'ignored' | 'refused';

/** Adjacent string literals joined, as the compiler does ("the \"a\" " "directive …"). */
function joinedLiterals(body: string): string[] {
  const joined = body.replace(/"\s+"/g, '');
  return [...joined.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!);
}

/** Whether a handler does nothing but log, and what it then returns. */
function onlyLogs(body: string): 'ok' | 'error' | undefined {
  if (!/ngx_conf_log_error/.test(body)) return undefined;
  let rest = body;
  // Calls to ngx_conf_log_error, their arguments possibly spanning lines.
  rest = rest.replace(/ngx_conf_log_error\s*\((?:[^()]|\([^()]*\))*\)\s*;/g, '');
  const returns = [...rest.matchAll(/return\s+(NGX_CONF_OK|NGX_CONF_ERROR)\s*;/g)].map((match) => match[1]);
  rest = rest.replace(/return\s+NGX_CONF_(OK|ERROR)\s*;/g, '');
  // Local declarations, including one reading the post field.
  rest = rest.replace(/^\s*[a-z_]+[\s*]+[a-z_]+(\s*=\s*cmd->post)?\s*;\s*$/gm, '');
  rest = rest.replace(/\bif\s*\(\s*\w+\s*\)|\belse\b|[{}]/g, '');
  if (rest.trim() !== '' || returns.length === 0) return undefined;
  if (returns.every((value) => value === 'NGX_CONF_OK')) return 'ok';
  return returns.every((value) => value === 'NGX_CONF_ERROR') ? 'error' : undefined;
}

/**
 * A command's status in one source file. Deprecated: its post handler is an
 * `ngx_conf_deprecated_t` (nginx logs "the "x" directive is deprecated, use …"), or its
 * handler calls ngx_conf_deprecated() or logs that message for this name (or for any name,
 * with %V).
 */
function statusOf(entry: CommandEntry, facts: SourceFacts, bodies: ReadonlyMap<string, string>): Status {
  const body = bodies.get(entry.handler);
  const logs = body === undefined ? undefined : onlyLogs(body);
  if (logs === 'ok') return 'ignored';
  if (logs === 'error') return 'refused';
  if (facts.deprecations.has(entry.post)) return 'deprecated';
  if (body === undefined) return 'works';
  if (/\bngx_conf_deprecated\s*\(/.test(body)) return 'deprecated';
  const own = `the \\"${entry.name}\\" directive is deprecated`;
  const generic = 'the \\"%V\\" directive is deprecated';
  for (const literal of joinedLiterals(body)) if (literal.startsWith(own) || literal.startsWith(generic)) return 'deprecated';
  return 'works';
}

// ---------------------------------------------------------------- one release

interface Observation {
  readonly entry: CommandEntry;
  readonly module: string;
  /** NGX_HTTP_MODULE, NGX_CORE_MODULE, … */
  readonly moduleType: string;
  readonly path: string;
  readonly status: Status;
}

/** Key of a directive within one release: its module and name. */
const keyOf = (module: string, name: string): string => `${module}:${name}`;

/**
 * Reads every command of one tree. `files` are the tree's C files that mention
 * ngx_command_t; `contents` their text by blob id. Parsed facts are cached per blob,
 * so the hundreds of releases that share a file read it once.
 */
class ReleaseReader {
  private readonly parsed = new Map<string, { facts: SourceFacts; bodies: Map<string, string> }>();
  readonly problems: string[] = [];

  parse(blob: string, text: string, where: string): { facts: SourceFacts; bodies: Map<string, string> } {
    let found = this.parsed.get(blob);
    if (!found) {
      found = { facts: readSource(text), bodies: functionBodies(text) };
      for (const problem of found.facts.problems) this.problems.push(`${where}: ${problem}`);
      this.parsed.set(blob, found);
    }
    return found;
  }

  observe(files: readonly { path: string; blob: string }[], contents: ReadonlyMap<string, string>, where: string): Map<string, Observation> {
    const observed = new Map<string, Observation>();
    for (const file of files) {
      const text = contents.get(file.blob);
      if (text === undefined) continue;
      const { facts, bodies } = this.parse(file.blob, text, `${where}:${file.path}`);
      for (const entry of facts.commands) {
        const module = facts.modules.find((candidate) => candidate.commands === entry.array);
        if (!module) {
          this.problems.push(`${where}:${file.path}: no ngx_module_t uses ${entry.array}`);
          continue;
        }
        const key = keyOf(module.name, entry.name);
        if (observed.has(key)) continue;
        observed.set(key, { entry, module: module.name, moduleType: module.type, path: file.path, status: statusOf(entry, facts, bodies) });
      }
    }
    return observed;
  }
}

// ---------------------------------------------------------------- history

interface Lineage {
  readonly name: string;
  /** Keys (module:name) of the lineage, oldest first: a directive can move between modules. */
  readonly keys: string[];
  /** Per scanned release: the observation, or undefined when the release lacks it. */
  readonly states: (Observation | undefined)[];
}

interface Lifetime {
  readonly since?: string;
  readonly deprecated?: string;
  readonly removed?: string;
  /** Index of the last release in which it worked: its facts are taken from there. */
  readonly factsAt: number;
  /** Earlier runs (back-ports to an older stable branch, pre-1.0 renames) left out of `since`. */
  readonly earlierRuns: string[];
}

/**
 * Groups (module, name) keys into lineages: when a key disappears in the very release in
 * which the same name appears in another module (gzip_* moving into the core module in
 * 0.6.23, try_files into its own module in 1.13.4, spdy_* into the HTTP/2 module in
 * 1.9.5), the two are one directive.
 */
function lineages(history: readonly Map<string, Observation>[]): Lineage[] {
  const presence = new Map<string, number[]>();
  history.forEach((release, index) => {
    for (const key of release.keys()) {
      const indexes = presence.get(key);
      if (indexes) indexes.push(index);
      else presence.set(key, [index]);
    }
  });
  const nameOf = (key: string) => key.slice(key.indexOf(':') + 1);
  const successor = new Map<string, string>();
  const hasPredecessor = new Set<string>();
  for (const [key, indexes] of presence) {
    const first = indexes[0]!;
    if (first === 0) continue;
    const candidates = [...presence].filter(
      ([other, otherIndexes]) =>
        other !== key &&
        nameOf(other) === nameOf(key) &&
        otherIndexes.includes(first - 1) &&
        !otherIndexes.includes(first) &&
        !successor.has(other),
    );
    if (candidates.length === 1) {
      successor.set(candidates[0]![0], key);
      hasPredecessor.add(key);
    }
  }
  const result: Lineage[] = [];
  for (const start of presence.keys()) {
    if (hasPredecessor.has(start)) continue;
    const keys = [start];
    for (let next = successor.get(start); next; next = successor.get(next)) keys.push(next);
    const states = history.map((release) => {
      for (let index = keys.length - 1; index >= 0; index--) {
        const found = release.get(keys[index]!);
        if (found) return found;
      }
      return undefined;
    });
    result.push({ name: nameOf(start), keys, states });
  }
  return result;
}

/**
 * since: first release of the unbroken run that ends where the directive last worked (so
 * a back-port to an older stable branch does not make it look older than the mainline
 * release that has it); removed: the release after it last worked, when every later
 * release lacks or ignores it; deprecated: first release of the run of deprecated
 * releases that ends there.
 */
function lifetimeOf(lineage: Lineage, versions: readonly string[]): Lifetime {
  const { states } = lineage;
  let factsAt = -1;
  for (let index = states.length - 1; index >= 0; index--) {
    const status = states[index]?.status;
    if (status === 'works' || status === 'deprecated') {
      factsAt = index;
      break;
    }
  }
  // A directive that never worked (only ever an obsolete stub): take its last appearance.
  if (factsAt < 0) factsAt = states.reduce((last, state, index) => (state ? index : last), -1);
  let start = factsAt;
  while (start > 0 && states[start - 1]) start--;
  let deprecatedFrom: number | undefined;
  for (let index = factsAt; index >= start && states[index]?.status === 'deprecated'; index--) deprecatedFrom = index;
  const earlierRuns: string[] = [];
  let runStart: number | undefined;
  for (let index = 0; index < start; index++) {
    if (states[index] && runStart === undefined) runStart = index;
    if (!states[index + 1] && runStart !== undefined) {
      earlierRuns.push(runStart === index ? versions[index]! : `${versions[runStart]!}–${versions[index]!}`);
      runStart = undefined;
    }
  }
  return {
    ...(start > 0 ? { since: versions[start]! } : {}),
    ...(deprecatedFrom !== undefined ? { deprecated: versions[deprecatedFrom]! } : {}),
    ...(factsAt < states.length - 1 ? { removed: versions[factsAt + 1]! } : {}),
    factsAt,
    earlierRuns,
  };
}

// ---------------------------------------------------------------- origin

type Origin = NginxDirective['origin'];

/**
 * Which configure switch builds each module, from auto/modules (the `if [ $SWITCH = YES ]`
 * around a module's name, or around a variable of auto/sources that names it) and
 * auto/options (each switch's default). core: no switch; standard: on by default,
 * --without-… turns it off; optional: off by default, needs --with-…. The HTTP switch is
 * left out (the http core modules are the core of any build that serves HTTP); mail and
 * stream are off by default, so all their modules are optional. A module that neither
 * file names is never built by configure (0.x-1.x experiments such as the status and
 * mysql_test modules) and counts as optional.
 */
function buildOrigins(repository: GitRepository, tag: string): (module: string) => Origin {
  const defaults = new Map<string, string>();
  for (const match of repository.show(tag, 'auto/options').matchAll(/^(\w+)=(YES|NO|NONE)\s*$/gm)) defaults.set(match[1]!, match[2]!);
  defaults.delete('HTTP');
  // PCRE is found and used by default (the rewrite module needs it); --without-pcre turns it off.
  defaults.set('USE_PCRE', 'YES');
  const modulesIn = (text: string) => [...text.matchAll(/(?<![$\w])ngx_\w+_module\b/g)].map((match) => match[0]);
  // auto/sources: variables that name modules, one (HTTP_SSL_MODULE=ngx_http_ssl_module) or several.
  const definitions = new Map<string, string[]>();
  const sources = repository.show(tag, 'auto/sources').replace(/\\\n/g, ' ');
  for (const match of sources.matchAll(/^(\w+)="?([^"\n]*)"?\s*$/gm)) {
    const names = modulesIn(match[2]!);
    if (names.length > 0) definitions.set(match[1]!, names);
  }
  const mentioned = new Set([...definitions.values()].flat());

  const origins = new Map<string, Origin>();
  const rank: Record<Origin, number> = { core: 0, standard: 1, optional: 2, 'third-party': 3 };
  const conditions: string[][] = [];
  const text = repository.show(tag, 'auto/modules').replace(/\\\n/g, ' ');
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line.startsWith('#')) continue;
    if (/^if\b/.test(line)) {
      conditions.push([...line.matchAll(/\$(\w+)/g)].map((match) => match[1]!).filter((name) => defaults.has(name)));
      continue;
    }
    if (/^fi\b/.test(line)) {
      conditions.pop();
      continue;
    }
    // ngx_module_name=… (1.9.11 on), or HTTP_MODULES="$HTTP_MODULES $HTTP_SSL_MODULE" and
    // modules="$modules $MAIL_MODULES" (before); ngx_module_order only sorts.
    const assignment = /^(ngx_module_name|[A-Za-z_]*MODULES|modules)="?(.*?)"?$/.exec(line);
    if (!assignment) continue;
    const names = [
      ...[...assignment[2]!.matchAll(/\$(\w+)/g)].flatMap((match) => (match[1] === assignment[1] ? [] : (definitions.get(match[1]!) ?? []))),
      ...modulesIn(assignment[2]!),
    ];
    const switches = conditions.flat();
    const origin: Origin = switches.some((name) => defaults.get(name) !== 'YES') ? 'optional' : switches.length > 0 ? 'standard' : 'core';
    for (const name of names) {
      mentioned.add(name);
      const known = origins.get(name);
      if (!known || rank[origin] < rank[known]) origins.set(name, origin);
    }
  }
  return (module) => origins.get(module) ?? (mentioned.has(module) ? 'core' : 'optional');
}

/**
 * Event modules are picked by the operating system, not by a switch: epoll is what every
 * Linux build has; kqueue, /dev/poll, event ports, IOCP (and rtsig, aio of old) are never
 * built on Linux, so for a Linux deployment they are as good as optional.
 */
function originOf(module: string, moduleType: string, origins: (module: string) => Origin): Origin {
  if (moduleType === 'NGX_EVENT_MODULE' && module !== 'ngx_event_core_module') return module === 'ngx_epoll_module' ? 'core' : 'optional';
  return origins(module);
}

// ---------------------------------------------------------------- docs

function familyOf(moduleType: string): 'core' | 'http' | 'mail' | 'stream' {
  if (moduleType === 'NGX_HTTP_MODULE') return 'http';
  if (moduleType === 'NGX_MAIL_MODULE' || moduleType === 'NGX_IMAP_MODULE') return 'mail';
  if (moduleType === 'NGX_STREAM_MODULE') return 'stream';
  return 'core';
}

/** Blocks whose modules are core modules but whose docs are on their family's core page. */
const FAMILY_BLOCKS: Readonly<Record<string, 'http' | 'mail' | 'stream'>> = {
  ngx_http_module: 'http',
  ngx_mail_module: 'mail',
  ngx_stream_module: 'stream',
};

/** The nginx.org page that documents a directive. */
function docsPage(module: string, moduleType: string, name: string): string {
  const block = FAMILY_BLOCKS[module];
  if (block) return `${DOCS_URL}/${block}/ngx_${block}_core_module.html`;
  const family = familyOf(moduleType);
  // nginx.org documents error_log once, on the core page, for every context.
  if (family === 'core' || name === 'error_log') {
    if (module === 'ngx_google_perftools_module') return `${DOCS_URL}/ngx_google_perftools_module.html`;
    if (module === 'ngx_quic_bpf_module') return `${DOCS_URL}/http/ngx_http_v3_module.html`;
    // Core, error log, events and their methods, OpenSSL engine and cache, PCRE, thread pools.
    return `${DOCS_URL}/ngx_core_module.html`;
  }
  // The http core module defines gzip_vary, gzip_proxied, gzip_disable and gzip_http_version
  // (the gzip_static module uses them too); they are documented with gzip.
  if (module === 'ngx_http_core_module' && name.startsWith('gzip_')) return `${DOCS_URL}/http/ngx_http_gzip_module.html`;
  // output_buffers and try_files live on the core module page.
  if (module === 'ngx_http_copy_filter_module' || module === 'ngx_http_try_files_module') return `${DOCS_URL}/http/ngx_http_core_module.html`;
  // Balancers (hash, keepalive, zone, sticky, …) are documented with the upstream module.
  if (new RegExp(`^ngx_${family}_upstream_\\w+_module$`).test(module)) return `${DOCS_URL}/${family}/ngx_${family}_upstream_module.html`;
  // Filter modules are documented without "_filter", except the image filter.
  const page = module === 'ngx_http_image_filter_module' ? module : module.replace(/_filter_module$/, '_module');
  return `${DOCS_URL}/${family}/${page}.html`;
}

/**
 * Directive names each English page of nginx.org documents (`<directive name="…">` in its
 * XML source), keyed by the page's URL.
 */
function documentedDirectives(site: GitRepository): Map<string, Set<string>> {
  const root = 'xml/en/docs/';
  const files = site.files('HEAD', root).filter((file) => file.path.endsWith('.xml'));
  const texts = site.blobs(files.map((file) => file.blob));
  const pages = new Map<string, Set<string>>();
  for (const file of files) {
    const names = new Set([...(texts.get(file.blob) ?? '').matchAll(/<directive\s+name="([^"]+)"/g)].map((match) => match[1]!));
    if (names.size > 0) pages.set(`${DOCS_URL}/${file.path.slice(root.length).replace(/\.xml$/, '.html')}`, names);
  }
  return pages;
}

// ---------------------------------------------------------------- main

interface Candidate {
  readonly observation: Observation;
  readonly lifetime: Lifetime;
  /** Tag the facts come from. */
  readonly tag: string;
  readonly stillInRef: boolean;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const nginx = new GitRepository(options.gitDir);
  const releaseTags = nginx
    .run(['tag', '--list', `${TAG_PREFIX}*`])
    .split('\n')
    .filter((tag) => tag && parseVersion(versionOf(tag)))
    .sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
  if (releaseTags.length === 0) fail(`${options.gitDir} has no ${TAG_PREFIX}* tags`);
  const ref = options.ref ? tagOf(options.ref) : releaseTags[releaseTags.length - 1]!;
  const oldest = options.oldest ? tagOf(options.oldest) : releaseTags[0]!;
  if (!releaseTags.includes(ref) || !releaseTags.includes(oldest)) fail(`unknown tag ${releaseTags.includes(ref) ? oldest : ref}`);
  const scanned = releaseTags.filter(
    (tag) => compareVersions(versionOf(tag), versionOf(oldest)) >= 0 && compareVersions(versionOf(tag), versionOf(ref)) <= 0,
  );
  const versions = scanned.map(versionOf);
  const commit = nginx.commitOf(ref);

  // Every release's C files that mention ngx_command_t, read once per distinct blob.
  const listing = nginx
    .run(['grep', '-l', 'ngx_command_t', ...scanned, '--', 'src/*.c'])
    .split('\n')
    .filter(Boolean);
  const blobIds = nginx.run(['cat-file', '--batch-check=%(objectname)'], `${listing.join('\n')}\n`).split('\n').filter(Boolean);
  if (blobIds.length !== listing.length) fail('git cat-file did not answer for every file');
  const filesByTag = new Map<string, { path: string; blob: string }[]>();
  listing.forEach((line, index) => {
    const separator = line.indexOf(':');
    const tag = line.slice(0, separator);
    const files = filesByTag.get(tag) ?? [];
    files.push({ path: line.slice(separator + 1), blob: blobIds[index]! });
    filesByTag.set(tag, files);
  });
  const contents = nginx.blobs([...new Set(blobIds)]);
  const reader = new ReleaseReader();
  const history = scanned.map((tag) => reader.observe(filesByTag.get(tag) ?? [], contents, tag));
  if (reader.problems.length > 0) fail(`cannot read some command entries:\n${[...new Set(reader.problems)].join('\n')}`);

  // Function bodies of a whole tree (handlers call setters defined in other files).
  const bodiesAt = new Map<string, Map<string, string>>();
  const treeBodies = (tag: string): Map<string, string> => {
    let bodies = bodiesAt.get(tag);
    if (!bodies) {
      bodies = new Map();
      const files = nginx.files(tag, 'src').filter((file) => file.path.endsWith('.c'));
      const texts = nginx.blobs(files.map((file) => file.blob));
      for (const text of texts.values()) functionBodies(text, bodies);
      bodiesAt.set(tag, bodies);
    }
    return bodies;
  };
  const originsAt = new Map<string, (module: string) => Origin>();
  const origins = (tag: string): ((module: string) => Origin) => {
    let found = originsAt.get(tag);
    if (!found) {
      found = buildOrigins(nginx, tag);
      originsAt.set(tag, found);
    }
    return found;
  };

  const refIndex = scanned.length - 1;
  const candidates: Candidate[] = [];
  for (const lineage of lineages(history)) {
    const lifetime = lifetimeOf(lineage, versions);
    const observation = lineage.states[lifetime.factsAt]!;
    candidates.push({ observation, lifetime, tag: scanned[lifetime.factsAt]!, stillInRef: lineage.states[refIndex] !== undefined });
  }

  const docsGitDir = options.docsGitDir ?? path.resolve(options.gitDir, '..', '..', DOCS_SITE.mirror, 'repo');
  if (!existsSync(docsGitDir)) fail(`no clone of ${DOCS_SITE.url} at ${docsGitDir}; pass --docs GIT_DIR`);
  const docsSite = new GitRepository(docsGitDir);
  const docsCommit = docsSite.commitOf('HEAD');
  const documented = documentedDirectives(docsSite);
  const undocumented: string[] = [];
  const misplacedDocs: string[] = [];

  const summaries = JSON.parse(readFileSync(options.summaries, 'utf8')) as Record<string, string>;
  const usedSummaries = new Set<string>();
  const missingSummaries: string[] = [];
  const badSummaries: string[] = [];
  const unknownHandlers = new Set<string>();
  const summaryOf = (module: string, name: string): string => {
    const key = summaries[keyOf(module, name)] !== undefined ? keyOf(module, name) : name;
    const summary = summaries[key];
    if (summary === undefined) {
      missingSummaries.push(keyOf(module, name));
      return '';
    }
    usedSummaries.add(key);
    if (!summary.trim() || /[\r\n]/.test(summary)) badSummaries.push(key);
    return summary.trim();
  };

  const directives: NginxDirective[] = [];
  const notes: string[] = [];
  const earlier: string[] = [];
  for (const { observation, lifetime, tag, stillInRef } of candidates) {
    const { entry, module, moduleType, path: file } = observation;
    const shape = shapeOf(entry, `${tag}:${file}`);
    const behaviour = repeatBehaviour(entry.handler, treeBodies(tag), observation.status === 'ignored');
    if (!behaviour) unknownHandlers.add(`${entry.handler} (${entry.name}, ${tag})`);
    const removedFromTree = lifetime.removed !== undefined && !stillInRef;
    // Removed directives, and the few nginx.org never documented (other systems' event
    // methods, tuning knobs such as gzip_hash, the degradation module), link their source.
    const page = docsPage(module, moduleType, entry.name);
    const onPage = documented.get(page)?.has(entry.name) === true;
    if (!lifetime.removed && !onPage) {
      const elsewhere = [...documented].filter(([, names]) => names.has(entry.name)).map(([other]) => other);
      if (elsewhere.length > 0) misplacedDocs.push(`${keyOf(module, entry.name)}: ${page} does not document it; ${elsewhere.join(', ')} do`);
      else undocumented.push(entry.name);
    }
    const docs = lifetime.removed || !onPage ? `${UPSTREAM_URL}/blob/${tag}/${file}` : `${page}#${entry.name}`;
    if (lifetime.earlierRuns.length > 0) earlier.push(`${entry.name} (${lifetime.earlierRuns.join(', ')})`);
    if (lifetime.removed && !removedFromTree) notes.push(`${entry.name} (${module}): still parsed at ${versionOf(ref)} but ignored with a warning from ${lifetime.removed}.`);
    directives.push({
      name: entry.name,
      module,
      contexts: shape.contexts,
      arity: shape.arity,
      block: shape.block,
      ...repeatFields(behaviour),
      origin: originOf(module, moduleType, origins(tag)),
      ...(lifetime.since ? { since: lifetime.since } : {}),
      ...(lifetime.deprecated ? { deprecated: lifetime.deprecated } : {}),
      ...(lifetime.removed ? { removed: lifetime.removed } : {}),
      summary: summaryOf(module, entry.name),
      docs,
    });
  }

  // Third-party modules: their own sources, nginx's setters (at the ref) for the slots they use.
  const thirdPartyFiles: string[] = [];
  for (const module of THIRD_PARTY) {
    const gitDir = options.thirdParty.get(module.url) ?? path.resolve(options.gitDir, '..', '..', module.mirror, 'repo');
    if (!existsSync(gitDir)) fail(`no clone of ${module.url} at ${gitDir}; pass --third-party ${module.url}=GIT_DIR`);
    const repository = new GitRepository(gitDir);
    const head = repository.commitOf('HEAD');
    const files = repository.files('HEAD').filter((file) => file.path.endsWith('.c'));
    const texts = repository.blobs(files.map((file) => file.blob));
    const bodies = new Map(treeBodies(ref));
    for (const text of texts.values()) functionBodies(text, bodies);
    const observed = new ReleaseReader().observe(files, texts, module.url);
    const readme = repository.show('HEAD', module.readme);
    for (const observation of observed.values()) {
      const { entry } = observation;
      const shape = shapeOf(entry, `${module.url}:${observation.path}`);
      const behaviour = repeatBehaviour(entry.handler, bodies, false);
      if (!behaviour) unknownHandlers.add(`${entry.handler} (${entry.name}, ${module.url})`);
      // GitHub anchors a README heading by its text; link the directive's own section when it has one.
      const heading = new RegExp(`^(#+\\s*\`?${entry.name}\`?\\s*$|${entry.name}\\s*\\n-{3,})`, 'm').test(readme);
      directives.push({
        name: entry.name,
        module: observation.module,
        contexts: shape.contexts,
        arity: shape.arity,
        block: shape.block,
        ...repeatFields(behaviour),
        origin: 'third-party',
        summary: summaryOf(observation.module, entry.name),
        docs: `${module.url}#${heading ? entry.name : 'readme'}`,
      });
    }
    thirdPartyFiles.push(...files.filter((file) => [...observed.values()].some((found) => found.path === file.path)).map((file) => `${module.url}/blob/${head}/${file.path}`));
    notes.push(`Third-party directives (origin "third-party", no release history) are read from ${module.url} at commit ${head}; docs link its README.`);
  }

  const problems: string[] = [];
  if (misplacedDocs.length > 0) problems.push(`docsPage() links a page that lacks the directive:\n  ${misplacedDocs.join('\n  ')}`);
  if (unknownHandlers.size > 0) problems.push(`set handlers missing from HANDLER_REPEATS (decide how a repeat behaves):\n  ${[...unknownHandlers].join('\n  ')}`);
  if (missingSummaries.length > 0) problems.push(`directives without a summary in ${path.relative(process.cwd(), options.summaries)}:\n  ${missingSummaries.join('\n  ')}`);
  if (badSummaries.length > 0) problems.push(`summaries that are empty or span lines:\n  ${badSummaries.join('\n  ')}`);
  const unused = Object.keys(summaries).filter((key) => !usedSummaries.has(key));
  // The summaries file follows the default range; a run over other releases (--ref, --oldest)
  // naturally leaves some unused.
  if (unused.length > 0 && !options.ref && !options.oldest) problems.push(`summaries for directives the table does not have:\n  ${unused.join('\n  ')}`);
  const stale = Object.keys(HANDLER_REPEATS).filter((handler) => !handlersConsulted.has(handler));
  if (stale.length > 0 && !options.ref && !options.oldest) problems.push(`HANDLER_REPEATS entries no directive needs:\n  ${stale.join('\n  ')}`);
  const seen = new Set<string>();
  for (const directive of directives) {
    const key = keyOf(directive.module, directive.name);
    if (seen.has(key)) problems.push(`${key} twice`);
    seen.add(key);
  }
  if (problems.length > 0) fail(problems.join('\n'));

  directives.sort((a, b) => a.name.localeCompare(b.name) || a.module.localeCompare(b.module));
  const deprecatedOnes = directives.filter((directive) => directive.deprecated);
  const table: NginxKnowledge = {
    source: {
      url: UPSTREAM_URL,
      ref: versionOf(ref),
      commit,
      files: [
        'src/**/*.c (every file with an ngx_command_t array)',
        'auto/modules',
        'auto/options',
        'auto/sources',
        `${DOCS_SITE.url}/blob/${docsCommit}/xml/en/docs (which page documents each directive)`,
        ...thirdPartyFiles,
      ],
      versionsScanned: versions,
      generated: new Date().toISOString().slice(0, 10),
      notes: [
        `Directives: every ngx_command_t entry of every module under src/ at ${versionOf(ref)}, plus those of earlier releases (from ${versionOf(oldest)}) that are gone or ignored by ${versionOf(ref)}, kept with "removed" and described as in the last release in which they worked (docs then link that release's source).`,
        'Commands under #if (NGX_…) count as present (a build with that feature has them); #if 0 code does not.',
        'contexts: NGX_MAIN_CONF and NGX_DIRECT_CONF are "main"; NGX_ANY_CONF (include) is every context; the 0.x NGX_IMAP_* flags are the mail contexts.',
        'since: first release of the unbroken run of releases (sorted by version) that ends with the directive\'s last working release; none when it is in the oldest release scanned. A name that moves to another module in the same release keeps its history (gzip_* into the core module in 0.6.23, try_files into ngx_http_try_files_module in 1.13.4, spdy_* into ngx_http_v2_module in 1.9.5, limit_zone/limit_conn into ngx_http_limit_conn_module in 1.1.8).',
        `Earlier runs left out of "since" (features back-ported to an older stable branch, or pre-1.0 moves): ${earlier.join('; ') || 'none'}.`,
        'removed: first release after the last one in which the directive worked, when no later release accepts it or every later one ignores it with a warning (ngx_http_v2_obsolete, ngx_http_v2_spdy_deprecated).',
        `deprecated: first release of the run, ending with its last working release, in which nginx warns that it is deprecated (an ngx_conf_deprecated_t post handler, a call to ngx_conf_deprecated(), or the handler's own "the \\"name\\" directive is deprecated" message). Deprecated: ${deprecatedOnes.map((directive) => `${directive.name} ${directive.deprecated}`).join(', ') || 'none'}.`,
        'repeatable: from the set handler. False when nginx answers a repeat with "is duplicate" (the handler or a setter it calls returns it: ngx_conf_set_flag/str/num/size/off/msec/sec/bufs/enum/path/access_slot, ngx_http_set_complex_value_slot and custom handlers that check for a value already set) or when a repeat silently replaces the earlier value (load-balancing methods, upstream zone, ssl_session_cache, …; these are marked lastWins: nginx -t accepts them). True when each occurrence adds to a list (str_array/keyval/bitmask/types slots, add_header, listen, server, location, include, error_page, rewrite instructions, …) or the directive is ignored. The handler-by-handler decisions are HANDLER_REPEATS in schemas/scripts/nginx.ts.',
        `docs: the nginx.org page (${DOCS_URL}/…) whose XML source at ${DOCS_SITE.url} commit ${docsCommit} has <directive name="…">; removed directives and those nginx.org does not document link their source file instead. Undocumented: ${undocumented.join(', ') || 'none'}.`,
        'origin: core when no configure switch builds the module, standard when a switch that is on by default does (--without-… removes it), optional when a switch that is off by default is needed (--with-…; all of mail and stream; grpc needs http_v2). Event modules of other systems (kqueue, devpoll, eventport, iocp) are optional: Linux builds never have them.',
        ...notes,
      ],
    },
    stable: STABLE_LINE,
    directives,
  };
  writeFileSync(options.out, `${JSON.stringify(table, null, 2)}\n`);
  const count = (origin: Origin) => directives.filter((directive) => directive.origin === origin).length;
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), options.out)}: ${directives.length} directives ` +
      `(core ${count('core')}, standard ${count('standard')}, optional ${count('optional')}, third-party ${count('third-party')}; ` +
      `${directives.filter((directive) => directive.removed).length} removed, ${deprecatedOnes.length} deprecated) ` +
      `from ${versionOf(ref)} (${commit}), ${versions.length} releases scanned\n`,
  );
}

main();
