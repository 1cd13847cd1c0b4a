/**
 * Generates schemas/nginx.json from nginx's own sources.
 *
 *   npx tsx schemas/scripts/nginx.ts <nginx.git> [--ref release-1.31.4] [--oldest release-1.0.0]
 *       [--third-party <repo.git>=<url>]... [--out schemas/nginx.json]
 *
 * Facts come from the `ngx_command_t` arrays of every module (name, context flags, argument
 * flags, set handler), from the handlers' bodies (whether a repeat is refused as "is
 * duplicate"), from auto/modules and auto/options (which modules a default build has), and
 * from a scan of every release tag between --oldest and --ref (when each directive appeared,
 * disappeared or was marked deprecated). Summaries are ours, in schemas/summaries/nginx.json.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { compareVersions } from '../../server/src/core/model/version';
import type { NginxArity, NginxContext, NginxDirective, NginxKnowledge } from '../../server/src/core/knowledge/types';

const UPSTREAM_URL = 'https://github.com/nginx/nginx';
const STABLE_LINE = '1.30';
const SUMMARIES = 'schemas/summaries/nginx.json';

interface Options {
  gitDir: string;
  ref?: string;
  oldest: string;
  out: string;
  thirdParty: { gitDir: string; url: string }[];
}

function parseOptions(argv: string[]): Options {
  const options: Options = { gitDir: '', oldest: 'release-1.0.0', out: 'schemas/nginx.json', thirdParty: [] };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--ref') options.ref = argv[++index];
    else if (argument === '--oldest') options.oldest = argv[++index]!;
    else if (argument === '--out') options.out = argv[++index]!;
    else if (argument === '--third-party') {
      const [gitDir, url] = argv[++index]!.split('=');
      options.thirdParty.push({ gitDir: gitDir!, url: url! });
    } else options.gitDir = argument;
  }
  if (!options.gitDir) throw new Error('usage: nginx.ts <nginx.git> [--ref TAG] [--oldest TAG] [--third-party DIR=URL]');
  return options;
}

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', gitDir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

const versionOf = (tag: string) => tag.replace(/^release-/, '');

// ---------------------------------------------------------------- reading C sources

interface RawCommand {
  readonly name: string;
  readonly flags: string[];
  readonly handler: string;
  readonly post: string;
  readonly array: string;
  readonly path: string;
}

/** Splits on commas that are not inside parentheses (offsetof(a, b) has one). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** The entries of every `ngx_command_t NAME[] = { … }` array in a C file. */
function commandsIn(source: string, path: string): RawCommand[] {
  const commands: RawCommand[] = [];
  const arrayPattern = /ngx_command_t\s+(\w+)\[\]\s*=\s*\{/g;
  for (const match of source.matchAll(arrayPattern)) {
    const array = match[1]!;
    const end = source.indexOf('ngx_null_command', match.index);
    if (end < 0) continue;
    const body = source.slice(match.index! + match[0].length, end).replace(/\/\*[\s\S]*?\*\//g, '');
    for (const entry of body.matchAll(/\{\s*ngx_string\("([^"]+)"\)\s*,([\s\S]*?)\}\s*,/g)) {
      const fields = splitTopLevel(entry[2]!);
      if (fields.length < 5) continue;
      commands.push({
        name: entry[1]!,
        flags: fields[0]!.split('|').map((flag) => flag.trim()).filter(Boolean),
        handler: fields[1]!,
        post: fields[4]!,
        array,
        path,
      });
    }
  }
  return commands;
}

/** Maps each commands array to the module whose definition names it. */
function modulesIn(source: string): Map<string, string> {
  const modules = new Map<string, string>();
  for (const match of source.matchAll(/ngx_module_t\s+(\w+)\s*=\s*\{([^}]*)\}/g)) {
    const fields = match[2]!.split(',').map((field) => field.replace(/\/\*.*?\*\//g, '').trim());
    // NGX_MODULE_V1, &context, commands, type, …
    if (fields[2]) modules.set(fields[2], match[1]!);
  }
  return modules;
}

/** Function bodies by name: nginx style puts the name at the start of a line, body in braces at column 0. */
function functionBodies(source: string, into: Map<string, string>): void {
  for (const match of source.matchAll(/^(\w+)\([^)]*\)\s*\n\{\n([\s\S]*?)\n\}\n/gm)) into.set(match[1]!, match[2]!);
}

/** `ngx_conf_deprecated, "old", "new"` initialisers: deprecated directive → replacement. */
function deprecations(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of source.matchAll(/ngx_conf_deprecated_t\s+(\w+)\s*=\s*\{\s*ngx_conf_deprecated,\s*"([^"]+)",\s*"([^"]+)"/g)) {
    found.set(match[1]!, match[3]!);
  }
  return found;
}

// ---------------------------------------------------------------- facts

const CONTEXT_FLAGS: Readonly<Record<string, NginxContext>> = {
  NGX_MAIN_CONF: 'main',
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
  NGX_STREAM_MAIN_CONF: 'stream',
  NGX_STREAM_SRV_CONF: 'stream-server',
  NGX_STREAM_UPS_CONF: 'stream-upstream',
};

const ALL_CONTEXTS = Object.values(CONTEXT_FLAGS);

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

function contextsOf(flags: readonly string[]): NginxContext[] {
  // NGX_ANY_CONF (include) is accepted everywhere.
  if (flags.includes('NGX_ANY_CONF')) return [...ALL_CONTEXTS];
  return [...new Set(flags.flatMap((flag) => (CONTEXT_FLAGS[flag] ? [CONTEXT_FLAGS[flag]!] : [])))];
}

function arityOf(flags: readonly string[]): NginxArity[] {
  return flags.flatMap((flag) => (ARITY_FLAGS[flag] ? [ARITY_FLAGS[flag]!] : []));
}

/**
 * Whether a second occurrence in one block is accepted. nginx's own slot setters
 * (ngx_conf_set_flag_slot, _str_slot, _num_slot, …) and most custom handlers refuse a
 * value already set with "is duplicate"; array and key-value setters, and handlers that
 * push to a list (add_header, listen, location), accept repeats. A handler is taken as
 * refusing when its body, or a slot setter it calls, returns "is duplicate".
 */
function isRepeatable(handler: string, bodies: ReadonlyMap<string, string>): boolean {
  const body = bodies.get(handler);
  if (body === undefined) return true;
  if (body.includes('"is duplicate"')) return false;
  for (const call of body.matchAll(/\b(ngx_conf_set_\w+_slot)\(/g)) {
    if (bodies.get(call[1]!)?.includes('"is duplicate"')) return false;
  }
  return true;
}

/** Module name → the option variable of auto/options that builds it, and that variable's default. */
function buildDefaults(gitDir: string, ref: string): Map<string, 'core' | 'standard' | 'optional'> {
  const options = git(gitDir, 'show', `${ref}:auto/options`);
  const defaults = new Map<string, string>();
  for (const match of options.matchAll(/^(\w+)=(YES|NO)\s*$/gm)) defaults.set(match[1]!, match[2]!);
  const modules = git(gitDir, 'show', `${ref}:auto/modules`).replace(/\\\n/g, ' ');
  const origins = new Map<string, 'core' | 'standard' | 'optional'>();
  const conditions: string[][] = [];
  for (const line of modules.split('\n')) {
    const trimmed = line.trim();
    if (/^if \[/.test(trimmed)) {
      conditions.push([...trimmed.matchAll(/\$(\w+) (?:=|!=) (?:YES|NO)/g)].map((m) => m[1]!));
    } else if (trimmed === 'fi') {
      conditions.pop();
    } else {
      const names = /^ngx_module_name="?([^"]+)"?/.exec(trimmed)?.[1];
      if (!names) continue;
      // HTTP is on by default; its own switch does not make its modules optional.
      const switches = conditions.flat().filter((name) => defaults.has(name) && name !== 'HTTP');
      const origin = switches.some((name) => defaults.get(name) === 'NO') ? 'optional' : switches.length > 0 ? 'standard' : 'core';
      for (const name of names.split(/\s+/)) if (name.startsWith('ngx_')) origins.set(name, origin);
    }
  }
  return origins;
}

function docsUrl(module: string, name: string, path: string): string {
  const anchor = `#${name}`;
  if (!path.startsWith('src/http') && !path.startsWith('src/mail') && !path.startsWith('src/stream')) {
    if (module === 'ngx_google_perftools_module') return `https://nginx.org/en/docs/ngx_google_perftools_module.html${anchor}`;
    // Core, events, error log, OpenSSL engine, regex and thread pools share one page.
    return `https://nginx.org/en/docs/ngx_core_module.html${anchor}`;
  }
  const family = path.startsWith('src/http') ? 'http' : path.startsWith('src/mail') ? 'mail' : 'stream';
  // The http, mail and stream blocks are documented with their core modules.
  if (module === `ngx_${family}_module`) return `https://nginx.org/en/docs/${family}/ngx_${family}_core_module.html${anchor}`;
  let page = module;
  if (/^ngx_(http|stream)_upstream_\w+_module$/.test(module)) page = `ngx_${family}_upstream_module`;
  if (module.endsWith('_filter_module') && module !== 'ngx_http_image_filter_module') page = module.replace(/_filter_module$/, '_module');
  return `https://nginx.org/en/docs/${family}/${page}.html${anchor}`;
}

// ---------------------------------------------------------------- history

/** Per tag: which (family, name) pairs exist, and which of them are marked deprecated. */
function scanTag(gitDir: string, tag: string): { present: Set<string>; deprecated: Set<string> } {
  const present = new Set<string>();
  const deprecated = new Set<string>();
  let output = '';
  try {
    output = git(gitDir, 'grep', '-n', '-A6', '-E', '^\\s*\\{ ngx_string\\("[a-z0-9_]+"\\),\\s*$', tag, '--', 'src/*.c');
  } catch {
    return { present, deprecated };
  }
  let current: { key: string; lines: string[] } | undefined;
  const finish = () => {
    if (!current) return;
    const text = current.lines.join(' ');
    if (/_CONF\b/.test(text)) {
      present.add(current.key);
      if (/obsolete|deprecated/.test(text)) deprecated.add(current.key);
    }
    current = undefined;
  };
  for (const line of output.split('\n')) {
    const match = /^[^:]+:(src\/[^:]+):\d+:\s*\{ ngx_string\("([a-z0-9_]+)"\)/.exec(line);
    if (match) {
      finish();
      current = { key: `${familyOf(match[1]!)}:${match[2]!}`, lines: [] };
    } else if (current && !line.startsWith('--')) {
      current.lines.push(line.replace(/^[^:]+:src\/[^-]+-\d+-/, ''));
      if (/\}\s*,?\s*$/.test(line)) finish();
    }
  }
  finish();
  return { present, deprecated };
}

function familyOf(path: string): string {
  return path.startsWith('src/http') ? 'http' : path.startsWith('src/mail') ? 'mail' : path.startsWith('src/stream') ? 'stream' : 'core';
}

// ---------------------------------------------------------------- main

interface Collected {
  readonly command: RawCommand;
  readonly module: string;
  readonly repeatable: boolean;
  readonly replacement?: string;
  readonly url: string;
  readonly origin: NginxDirective['origin'];
  readonly docs: string;
}

/**
 * Reads the commands of the given files. `coreSetters` holds the bodies of nginx's own
 * slot setters (src/core/ngx_conf_file.c), which modules of any origin call.
 */
function collect(
  gitDir: string,
  ref: string,
  paths: readonly string[],
  url: string,
  origins: ReadonlyMap<string, NginxDirective['origin']> | 'third-party',
  coreSetters: ReadonlyMap<string, string>,
): Collected[] {
  const bodies = new Map<string, string>(coreSetters);
  const sources = new Map<string, string>();
  for (const path of paths) {
    const source = git(gitDir, 'show', `${ref}:${path}`);
    sources.set(path, source);
    functionBodies(source, bodies);
  }
  const collected: Collected[] = [];
  for (const [path, source] of sources) {
    const modules = modulesIn(source);
    const replacements = deprecations(source);
    for (const command of commandsIn(source, path)) {
      const module = modules.get(command.array) ?? command.array.replace(/_commands$/, '_module');
      const post = command.post.replace(/^&/, '');
      collected.push({
        command,
        module,
        repeatable: isRepeatable(command.handler, bodies),
        ...(replacements.has(post) ? { replacement: replacements.get(post)! } : {}),
        url,
        origin: origins === 'third-party' ? 'third-party' : (origins.get(module) ?? 'core'),
        docs: origins === 'third-party' ? `${url}#${command.name}` : docsUrl(module, command.name, path),
      });
    }
  }
  return collected;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const tags = git(options.gitDir, 'tag', '-l', 'release-*')
    .split('\n')
    .filter(Boolean)
    .sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
  const ref = options.ref ?? tags[tags.length - 1]!;
  const scanned = tags.filter((tag) => compareVersions(versionOf(tag), versionOf(options.oldest)) >= 0 && compareVersions(versionOf(tag), versionOf(ref)) <= 0);
  const commit = git(options.gitDir, 'rev-list', '-n', '1', ref).trim();
  const paths = git(options.gitDir, 'ls-tree', '-r', '--name-only', ref, 'src')
    .split('\n')
    .filter((path) => path.endsWith('.c') && !path.includes('/win32/'));
  const origins = buildDefaults(options.gitDir, ref);

  const setters = (tag: string) => {
    const bodies = new Map<string, string>();
    functionBodies(git(options.gitDir, 'show', `${tag}:src/core/ngx_conf_file.c`), bodies);
    return bodies;
  };
  const coreSetters = setters(ref);
  const collected = collect(options.gitDir, ref, paths, UPSTREAM_URL, origins, coreSetters);
  const notes: string[] = [
    'Directives are the ngx_command_t entries of every module in src/ at the ref; removed ones are kept with `removed`, their facts from the last release that had them.',
    `since/removed/deprecated come from every release tag from ${versionOf(options.oldest)} to ${versionOf(ref)}: since is the first release with the directive (none when already in the oldest), removed the first release from which it is gone for good, deprecated the first release of the final run in which its handler is an *_obsolete one or its post handler is a ngx_conf_deprecated_t.`,
    'Entries are keyed by family (core, http, mail, stream) and name when scanning history; a directive moving between modules of one family keeps its history.',
    'repeatable: false when the set handler (or a slot setter it calls) answers a repeat with "is duplicate"; handlers that set a value without that check are counted as repeatable, so the table errs on the side of silence.',
    'origin: core when no configure switch builds the module, standard when one does and is on by default (auto/options), optional when a switch that is off by default is needed (--with-…).',
  ];
  for (const third of options.thirdParty) {
    const thirdRef = 'HEAD';
    const thirdPaths = git(third.gitDir, 'ls-tree', '-r', '--name-only', thirdRef).split('\n').filter((path) => path.endsWith('.c'));
    collected.push(...collect(third.gitDir, thirdRef, thirdPaths, third.url, 'third-party', coreSetters));
    notes.push(`Third-party directives of ${third.url} at commit ${git(third.gitDir, 'rev-parse', thirdRef).trim()}.`);
  }

  // History.
  const history = scanned.map((tag) => ({ version: versionOf(tag), ...scanTag(options.gitDir, tag) }));
  const removedEntries = new Map<string, { version: string }>();
  for (let index = history.length - 1; index >= 0; index--) {
    for (const key of history[index]!.present) {
      if (!history[history.length - 1]!.present.has(key) && !removedEntries.has(key)) removedEntries.set(key, { version: history[index]!.version });
    }
  }

  const directives: NginxDirective[] = [];
  const summaries = JSON.parse(readFileSync(SUMMARIES, 'utf8')) as Record<string, string>;
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const entry of collected) {
    const { command } = entry;
    const key = `${familyOf(command.path)}:${command.name}`;
    const identity = `${entry.module}:${command.name}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const availability = entry.origin === 'third-party' ? {} : lifetime(key, history);
    const summary = summaries[identity] ?? summaries[command.name];
    if (!summary) missing.push(identity);
    directives.push({
      name: command.name,
      module: entry.module,
      contexts: contextsOf(command.flags),
      arity: arityOf(command.flags),
      block: command.flags.includes('NGX_CONF_BLOCK'),
      repeatable: entry.repeatable,
      origin: entry.origin,
      ...availability,
      summary: summary ?? '',
      docs: entry.docs,
    });
    if (entry.replacement) notes.push(`${command.name}: deprecated in favour of ${entry.replacement}.`);
  }

  // Directives gone by the ref: facts from the last release that had them.
  const releases = new Map<string, Collected[]>();
  const collectedAt = (tag: string): Collected[] => {
    let found = releases.get(tag);
    if (!found) {
      const tagPaths = git(options.gitDir, 'ls-tree', '-r', '--name-only', tag, 'src').split('\n').filter((path) => path.endsWith('.c'));
      found = collect(options.gitDir, tag, tagPaths, UPSTREAM_URL, buildDefaults(options.gitDir, tag), setters(tag));
      releases.set(tag, found);
    }
    return found;
  };
  for (const [key, last] of removedEntries) {
    const tag = `release-${last.version}`;
    const [family, name] = key.split(':') as [string, string];
    const found = collectedAt(tag).find((entry) => entry.command.name === name && familyOf(entry.command.path) === family);
    if (!found) continue;
    const identity = `${found.module}:${name}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const summary = summaries[identity] ?? summaries[name];
    if (!summary) missing.push(identity);
    directives.push({
      name,
      module: found.module,
      contexts: contextsOf(found.command.flags),
      arity: arityOf(found.command.flags),
      block: found.command.flags.includes('NGX_CONF_BLOCK'),
      repeatable: found.repeatable,
      origin: found.origin,
      ...lifetime(key, history),
      summary: summary ?? '',
      docs: `${UPSTREAM_URL}/blob/${tag}/${found.command.path}`,
    });
  }

  if (missing.length > 0) {
    process.stderr.write(`${missing.length} directives have no summary in ${SUMMARIES}:\n${missing.join('\n')}\n`);
    process.exit(1);
  }

  directives.sort((a, b) => a.name.localeCompare(b.name) || a.module.localeCompare(b.module));
  const table: NginxKnowledge = {
    source: {
      url: UPSTREAM_URL,
      ref: versionOf(ref),
      commit,
      files: ['src/**/*.c', 'auto/modules', 'auto/options'],
      versionsScanned: history.map((tag) => tag.version),
      generated: new Date().toISOString().slice(0, 10),
      notes,
    },
    stable: STABLE_LINE,
    directives,
  };
  writeFileSync(options.out, `${JSON.stringify(table, null, 2)}\n`);
  process.stdout.write(`wrote ${options.out}: ${directives.length} directives from ${versionOf(ref)} (${commit})\n`);
}

/** since/removed/deprecated of one (family, name) across the scanned releases. */
function lifetime(key: string, history: readonly { version: string; present: Set<string>; deprecated: Set<string> }[]): Pick<NginxDirective, 'since' | 'removed' | 'deprecated'> {
  const first = history.findIndex((tag) => tag.present.has(key));
  let lastPresent = -1;
  for (let index = history.length - 1; index >= 0; index--) {
    if (history[index]!.present.has(key)) {
      lastPresent = index;
      break;
    }
  }
  let deprecatedFrom: number | undefined;
  for (let index = lastPresent; index >= 0 && history[index]!.deprecated.has(key); index--) deprecatedFrom = index;
  return {
    ...(first > 0 ? { since: history[first]!.version } : {}),
    ...(lastPresent >= 0 && lastPresent < history.length - 1 ? { removed: history[lastPresent + 1]!.version } : {}),
    ...(deprecatedFrom !== undefined ? { deprecated: history[deprecatedFrom]!.version } : {}),
  };
}

main();
