/**
 * Generates schemas/systemd.json from systemd's sources.
 *
 *   npx tsx schemas/scripts/systemd.ts <systemd.git> [--ref v261.2] [--oldest v230] [--out schemas/systemd.json]
 *
 * Facts come from src/core/load-fragment-gperf.gperf(.in|.m4), the table systemd itself
 * looks unit file keys up in: every section's keys with their parser, at every release tag
 * from --oldest to --ref, so each key's first release and (when it went) last release are
 * known. Enumerated values come from the string tables behind the DEFINE_CONFIG_PARSE_ENUM
 * parsers. Summaries are ours, in schemas/summaries/systemd.json.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { compareVersions } from '../../server/src/core/model/version';
import type { SystemdDirective, SystemdKnowledge, SystemdSection, SystemdValueType } from '../../server/src/core/knowledge/types';

const UPSTREAM_URL = 'https://github.com/systemd/systemd';
const SUMMARIES = 'schemas/summaries/systemd.json';
const MAN = 'https://www.freedesktop.org/software/systemd/man/latest';

const SECTIONS: readonly SystemdSection[] = ['Unit', 'Install', 'Service', 'Socket', 'Timer', 'Path', 'Mount', 'Automount', 'Swap', 'Slice', 'Scope'];

/** Sections each unit type may hold, as systemd.unit(5) and the per-type pages describe them. */
const UNIT_TYPES: Readonly<Record<string, readonly SystemdSection[]>> = {
  service: ['Unit', 'Service', 'Install'],
  socket: ['Unit', 'Socket', 'Install'],
  timer: ['Unit', 'Timer', 'Install'],
  path: ['Unit', 'Path', 'Install'],
  mount: ['Unit', 'Mount', 'Install'],
  automount: ['Unit', 'Automount', 'Install'],
  swap: ['Unit', 'Swap', 'Install'],
  slice: ['Unit', 'Slice', 'Install'],
  scope: ['Unit', 'Scope'],
  target: ['Unit', 'Install'],
  device: ['Unit', 'Install'],
};

/**
 * Directives the documentation marks deprecated, with what replaces them and the
 * release from which the replacement exists (from which the old form is deprecated).
 * Source: the "Deprecated Options" of systemd.resource-control(5), systemd.service(5)
 * and systemd.unit(5) of the releases named.
 */
const REPLACEMENTS: readonly { section: string; name: string; replacement: string; deprecated: string; note?: string }[] = [
  { section: '*', name: 'MemoryLimit', replacement: 'MemoryMax', deprecated: '231' },
  { section: '*', name: 'CPUShares', replacement: 'CPUWeight', deprecated: '231', note: 'CPUWeight= takes 1–10000 (default 100), not shares (default 1024).' },
  { section: '*', name: 'StartupCPUShares', replacement: 'StartupCPUWeight', deprecated: '231', note: 'StartupCPUWeight= takes 1–10000, not shares.' },
  { section: '*', name: 'BlockIOAccounting', replacement: 'IOAccounting', deprecated: '230' },
  { section: '*', name: 'BlockIOWeight', replacement: 'IOWeight', deprecated: '230', note: 'IOWeight= takes 1–10000 (default 100), BlockIOWeight= took 10–1000 (default 500).' },
  { section: '*', name: 'StartupBlockIOWeight', replacement: 'StartupIOWeight', deprecated: '230', note: 'StartupIOWeight= takes 1–10000.' },
  { section: '*', name: 'BlockIODeviceWeight', replacement: 'IODeviceWeight', deprecated: '230', note: 'IODeviceWeight= takes 1–10000.' },
  { section: '*', name: 'BlockIOReadBandwidth', replacement: 'IOReadBandwidthMax', deprecated: '230' },
  { section: '*', name: 'BlockIOWriteBandwidth', replacement: 'IOWriteBandwidthMax', deprecated: '230' },
  { section: 'Service', name: 'PermissionsStartOnly', replacement: 'ExecStartPre', deprecated: '240', note: 'Prefix the commands that need full privileges with "+" instead.' },
  { section: 'Service', name: 'StartLimitInterval', replacement: 'StartLimitIntervalSec', deprecated: '230', note: 'StartLimitIntervalSec= belongs in [Unit].' },
  { section: 'Service', name: 'StartLimitBurst', replacement: 'StartLimitBurst', deprecated: '230', note: 'StartLimitBurst= belongs in [Unit].' },
  { section: 'Service', name: 'StartLimitAction', replacement: 'StartLimitAction', deprecated: '230', note: 'StartLimitAction= belongs in [Unit].' },
  { section: 'Service', name: 'RebootArgument', replacement: 'RebootArgument', deprecated: '236', note: 'RebootArgument= belongs in [Unit].' },
  { section: 'Unit', name: 'StartLimitInterval', replacement: 'StartLimitIntervalSec', deprecated: '230' },
  { section: 'Service', name: 'FailureAction', replacement: 'FailureAction', deprecated: '236', note: 'FailureAction= belongs in [Unit].' },
];

interface Options {
  gitDir: string;
  ref?: string;
  oldest: string;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { gitDir: '', oldest: 'v230', out: 'schemas/systemd.json' };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--ref') options.ref = argv[++index];
    else if (argument === '--oldest') options.oldest = argv[++index]!;
    else if (argument === '--out') options.out = argv[++index]!;
    else options.gitDir = argument;
  }
  if (!options.gitDir) throw new Error('usage: systemd.ts <systemd.git> [--ref TAG] [--oldest TAG]');
  return options;
}

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', gitDir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

const versionOf = (tag: string) => tag.replace(/^v/, '');

// ---------------------------------------------------------------- the gperf table

interface Item {
  readonly section: string;
  readonly name: string;
  readonly parser: string;
  readonly ltype: string;
}

/**
 * Every Section.Key of one release's gperf table, macros expanded. Both template forms
 * are read: m4 (`m4_define(\`EXEC_CONTEXT_CONFIG_ITEMS', \`$1.User, …')`, up to v248) and
 * Jinja (`{%- macro EXEC_CONTEXT_CONFIG_ITEMS(type) -%} {{type}}.User, …`). Where a key
 * appears twice (the `else` branch of a feature switch), the first, real parser wins.
 */
function gperfItems(gitDir: string, tag: string): Item[] {
  const files = git(gitDir, 'ls-tree', '--name-only', tag, 'src/core/').split('\n');
  const path = files.find((file) => /load-fragment-gperf\.gperf\.(in|m4)$/.test(file));
  if (!path) return [];
  const text = git(gitDir, 'show', `${tag}:${path}`);
  const macros = new Map<string, string>();
  for (const match of text.matchAll(/m4_define\(`(\w+)',([\s\S]*?)\n\)m4_dnl/g)) macros.set(match[1]!, match[2]!);
  for (const match of text.matchAll(/\{%-?\s*macro (\w+)\(type\)\s*-?%\}([\s\S]*?)\{%-?\s*endmacro\s*-?%\}/g)) macros.set(match[1]!, match[2]!);

  const items: Item[] = [];
  const seen = new Set<string>();
  const add = (line: string, section?: string) => {
    const match = /^\s*(\$1|\{\{type\}\}|[A-Z][A-Za-z]+)\.([A-Za-z0-9]+),\s*(\w+),\s*([^,]+),/.exec(line);
    if (!match) return;
    const owner = match[1] === '$1' || match[1] === '{{type}}' ? section : match[1];
    if (!owner || !(SECTIONS as readonly string[]).includes(owner)) return;
    const key = `${owner}.${match[2]}`;
    if (seen.has(key)) return;
    seen.add(key);
    items.push({ section: owner, name: match[2]!, parser: match[3]!, ltype: match[4]!.trim() });
  };
  const body = text.slice(text.indexOf('%%'));
  for (const line of body.split('\n')) {
    const invocation = /^(?:\{\{\s*)?(\w+_CONFIG_ITEMS)\('?(\w+)'?\)/.exec(line.trim());
    if (invocation) {
      for (const macroLine of (macros.get(invocation[1]!) ?? '').split('\n')) add(macroLine, invocation[2]);
    } else {
      add(line);
    }
  }
  return items;
}

// ---------------------------------------------------------------- value types

/** Parsers whose every assignment adds to a list (an empty one resets it). */
const ACCUMULATING = /strv|_deps$|environ|env_file|^config_parse_exec$|condition|assert|socket_listen|^config_parse_timer$|path_spec|device_allow|io_device|io_limit|ip_address_access|credential|bind_paths|temporary_filesystems|syscall_filter|syscall_archs|address_families|capability_set|set_status|log_extra_fields|open_file|_images$|restrict_filesystems|input_data|input_text|documentation|socket_bind|restrict_network_interfaces|filter_patterns|bpf|exec_directories|mounts_for|user_group_strv|nft_set|exec_cpu_affinity|numa_mask|blockio_device|blockio_bandwidth|root_image_options|namespace_flags|bind_network_interface/;

/** Parsers named after the kind of value they read. */
function valueType(parser: string, isEnum: boolean): SystemdValueType {
  if (isEnum) return 'enum';
  if (parser === 'config_parse_exec') return 'command';
  if (/_bool$|tristate/.test(parser)) return 'boolean';
  if (/_sec(_|$)|nsec|usec|timeout|watchdog/.test(parser)) return 'timespan';
  if (/memory_limit|iec_size|iec_uint64|si_uint64|_size$/.test(parser)) return 'size';
  if (/_deps$/.test(parser)) return 'unit-list';
  if (/environ$|env_file/.test(parser)) return 'environment';
  if (/signal/.test(parser)) return 'signal';
  if (/_mode$/.test(parser) && parser.endsWith('config_parse_mode')) return 'mode';
  if (/path_strv|namespace_path|exec_directories|mounts_for/.test(parser)) return 'path-list';
  if (/_path|working_directory/.test(parser)) return 'path';
  if (/unsigned|_int$|int64|uint|nice|weight|priority|prio|oom_score|tasks_max|_burst/.test(parser)) return 'integer';
  if (/calendar|^config_parse_timer$/.test(parser)) return 'timestamp';
  if (/strv/.test(parser)) return 'string-list';
  if (/string/.test(parser)) return 'string';
  return 'other';
}

interface EnumFacts {
  readonly words: string[];
  /** The string table is looked up WITH_BOOLEAN: yes/no and friends are accepted too. */
  readonly acceptsBoolean: boolean;
  /** The string table is looked up WITH_FALLBACK: a plain number is accepted too. */
  readonly acceptsNumber: boolean;
}

/**
 * Words of the enum parsers. DEFINE_CONFIG_PARSE_ENUM(config_parse_x, y, …) reads y_table;
 * a hand-written parser whose body calls z_from_string(rvalue) reads z_table. Tables
 * declared with DEFINE_STRING_TABLE_LOOKUP_WITH_BOOLEAN also take boolean spellings.
 */
function enumFacts(gitDir: string, ref: string): Map<string, EnumFacts> {
  const tables = new Map<string, string[]>();
  const tableSource = git(gitDir, 'grep', '-h', '-A40', '-E', '^static const char ?\\* ?const \\w+_table\\[', ref, '--', 'src/*.c');
  for (const match of tableSource.matchAll(/static const char\s*\*\s*const (\w+)_table\[[^\]]*\] = \{([\s\S]*?)\};/g)) {
    tables.set(match[1]!, [...match[2]!.matchAll(/=\s*"([^"]+)"/g)].map((word) => word[1]!));
  }
  const withBoolean = new Set(
    [...git(gitDir, 'grep', '-h', '-E', 'STRING_TABLE_LOOKUP_WITH_BOOLEAN\\(\\w+', ref, '--', 'src/*.c').matchAll(/WITH_BOOLEAN\((\w+)/g)].map((match) => match[1]!),
  );
  const withFallback = new Set(
    [...git(gitDir, 'grep', '-h', '-E', 'STRING_TABLE_LOOKUP_WITH_FALLBACK\\(\\w+', ref, '--', 'src/*.c').matchAll(/WITH_FALLBACK\((\w+)/g)].map((match) => match[1]!),
  );
  const facts = new Map<string, EnumFacts>();
  const record = (parser: string, table: string) => {
    const words = tables.get(table);
    if (words && !facts.has(parser)) facts.set(parser, { words, acceptsBoolean: withBoolean.has(table), acceptsNumber: withFallback.has(table) });
  };
  const definitions = git(gitDir, 'grep', '-h', '-E', 'DEFINE_CONFIG_PARSE_ENUM[A-Z_]*\\(config_parse_\\w+, *\\w+', ref, '--', 'src/core/*.c', 'src/shared/*.c');
  for (const match of definitions.matchAll(/DEFINE_CONFIG_PARSE_ENUM[A-Z_]*\((config_parse_\w+),\s*(\w+)/g)) record(match[1]!, match[2]!);
  const fragment = git(gitDir, 'show', `${ref}:src/core/load-fragment.c`);
  for (const match of fragment.matchAll(/^int (config_parse_\w+)\([\s\S]*?\n\}\n/gm)) {
    const lookup = /(\w+)_from_string\(rvalue\)/.exec(match[0]);
    if (lookup) record(match[1]!, lookup[1]!);
  }
  return facts;
}

function manPage(item: Item, macroOf: ReadonlyMap<string, string>): string {
  const macro = macroOf.get(item.name);
  if (macro === 'EXEC_CONTEXT_CONFIG_ITEMS') return 'systemd.exec';
  if (macro === 'KILL_CONTEXT_CONFIG_ITEMS') return 'systemd.kill';
  if (macro === 'CGROUP_CONTEXT_CONFIG_ITEMS') return 'systemd.resource-control';
  if (item.section === 'Unit' || item.section === 'Install') return 'systemd.unit';
  return `systemd.${item.section.toLowerCase()}`;
}

/** Which shared macro (exec, kill, resource control) defines a key, for its man page. */
function macroMembership(gitDir: string, ref: string): Map<string, string> {
  const path = git(gitDir, 'ls-tree', '--name-only', ref, 'src/core/').split('\n').find((file) => /load-fragment-gperf\.gperf\.(in|m4)$/.test(file))!;
  const text = git(gitDir, 'show', `${ref}:${path}`);
  const membership = new Map<string, string>();
  for (const match of text.matchAll(/\{%-?\s*macro (\w+)\(type\)\s*-?%\}([\s\S]*?)\{%-?\s*endmacro\s*-?%\}/g)) {
    for (const key of match[2]!.matchAll(/\{\{type\}\}\.(\w+),/g)) if (!membership.has(key[1]!)) membership.set(key[1]!, match[1]!);
  }
  return membership;
}

// ---------------------------------------------------------------- main

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const tags = git(options.gitDir, 'tag')
    .split('\n')
    .filter((tag) => /^v\d{3}(\.\d+)?$/.test(tag))
    .sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
  const ref = options.ref ?? tags[tags.length - 1]!;
  const scanned = tags.filter((tag) => compareVersions(versionOf(tag), versionOf(options.oldest)) >= 0 && compareVersions(versionOf(tag), versionOf(ref)) <= 0);
  const commit = git(options.gitDir, 'rev-list', '-n', '1', ref).trim();

  const history = scanned.map((tag) => ({ version: versionOf(tag), items: new Map(gperfItems(options.gitDir, tag).map((item) => [`${item.section}.${item.name}`, item])) }));
  const enums = enumFacts(options.gitDir, ref);
  const membership = macroMembership(options.gitDir, ref);
  const summaries = JSON.parse(readFileSync(SUMMARIES, 'utf8')) as Record<string, string>;

  // Every key ever seen, facts from the last release that had it.
  const lastSeen = new Map<string, { item: Item; index: number }>();
  history.forEach((release, index) => {
    for (const [key, item] of release.items) lastSeen.set(key, { item, index });
  });

  const bySectionAndName = new Map<string, SystemdDirective>();
  const missing = new Set<string>();
  for (const [key, { item, index }] of lastSeen) {
    if (item.parser === 'NULL' && item.section !== 'Install') continue;
    const first = history.findIndex((release) => release.items.has(key));
    // DISABLED_LEGACY: still accepted, but ignored with a warning. From then on it does nothing.
    let ignoredFrom: number | undefined;
    for (let at = index; at >= 0 && history[at]!.items.get(key)?.ltype === 'DISABLED_LEGACY'; at--) ignoredFrom = at;
    const gone = index < history.length - 1 ? history[index + 1]!.version : undefined;
    const removed = ignoredFrom !== undefined ? history[ignoredFrom]!.version : gone;
    const reference = ignoredFrom !== undefined && ignoredFrom > 0 ? history[ignoredFrom - 1]!.items.get(key)! : item;
    const replacement = REPLACEMENTS.find((entry) => entry.name === item.name && (entry.section === '*' || entry.section === item.section));
    const enumeration = enums.get(reference.parser);
    const isEnum = enumeration !== undefined;
    const summary = summaries[`${item.section}.${item.name}`] ?? summaries[item.name];
    if (!summary) missing.add(item.name);
    const directive: SystemdDirective = {
      name: item.name,
      sections: [item.section as SystemdSection],
      type: item.section === 'Install' ? (item.name === 'DefaultInstance' ? 'string' : 'unit-list') : valueType(reference.parser, isEnum),
      ...(enumeration ? { values: enumeration.words } : {}),
      ...(enumeration?.acceptsBoolean ? { acceptsBoolean: true } : {}),
      ...(enumeration?.acceptsNumber ? { acceptsNumber: true } : {}),
      accumulates: item.section === 'Install' ? item.name !== 'DefaultInstance' : ACCUMULATING.test(reference.parser),
      parser: reference.parser,
      ...(first > 0 ? { since: history[first]!.version } : {}),
      ...(replacement ? { deprecated: replacement.deprecated, replacement: replacement.replacement } : {}),
      ...(replacement?.note ? { replacementNote: replacement.note } : {}),
      ...(removed ? { removed } : {}),
      summary: summary ?? '',
      docs: `${MAN}/${manPage(item, membership)}.html#${item.name}=`,
    };
    // A key shared by several unit types (exec, kill, resource control) is one entry
    // with several sections, when its facts agree.
    const shared = [item.name, directive.since, directive.removed, directive.parser, directive.replacement].join('|');
    const existing = bySectionAndName.get(shared);
    bySectionAndName.set(shared, existing ? { ...existing, sections: [...existing.sections, ...directive.sections] } : directive);
  }

  if (missing.size > 0) {
    process.stderr.write(`${missing.size} directives have no summary in ${SUMMARIES}:\n${[...missing].sort().join('\n')}\n`);
    process.exit(1);
  }

  const directives = [...bySectionAndName.values()].sort((a, b) => a.name.localeCompare(b.name) || a.sections[0]!.localeCompare(b.sections[0]!));
  const table: SystemdKnowledge = {
    source: {
      url: UPSTREAM_URL,
      ref: versionOf(ref),
      commit,
      files: ['src/core/load-fragment-gperf.gperf.in (.m4 before v249)', 'src/core/load-fragment.c', 'src/**/*.c (string tables)'],
      versionsScanned: history.map((release) => release.version),
      generated: new Date().toISOString().slice(0, 10),
      notes: [
        'Read from upstream release tags (signed by systemd maintainers), through a mirror that carries them.',
        `since is the first release from ${versionOf(options.oldest)} on whose gperf table has the Section.Key (none when already in ${versionOf(options.oldest)}); removed is the first release that no longer has it, or from which its parser is config_parse_warn_compat with DISABLED_LEGACY (accepted with a warning and ignored).`,
        'deprecated and replacement come from the documented deprecations listed in the generator (REPLACEMENTS), dated to the release that introduced the replacement.',
        'accumulates is derived from the parser function (list parsers: strv, deps, environ, exec, conditions, …); see ACCUMULATING in the generator.',
        'Keys whose parser is NULL outside [Install] are placeholders systemd ignores and are left out.',
      ],
    },
    unitTypes: UNIT_TYPES,
    directives,
  };
  writeFileSync(options.out, `${JSON.stringify(table, null, 2)}\n`);
  process.stdout.write(`wrote ${options.out}: ${directives.length} directives from ${versionOf(ref)} (${commit})\n`);
}

main();
