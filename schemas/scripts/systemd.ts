/**
 * Generates schemas/systemd.json (shape: SystemdKnowledge) from systemd's own sources.
 *
 *   npx tsx schemas/scripts/systemd.ts <systemd.git> [--ref v261.2] [--oldest v183] [--out schemas/systemd.json]
 *
 * <systemd.git> is any clone or mirror of https://github.com/systemd/systemd that carries the
 * release tags; every file is read with `git show TAG:PATH`, nothing is built or run.
 *
 * What is read, and why:
 * - src/core/load-fragment-gperf.gperf.in (.m4 up to v248) at every major release from
 *   --oldest to --ref: the table systemd itself looks unit file keys up in, so a key's
 *   presence there is the fact of it being accepted. Its macros for the shared exec, kill
 *   and resource-control keys are expanded for each unit type that uses them.
 * - src/core/load-fragment.c and the string tables in src/ (at --ref): the accepted words of
 *   enumerations, and whether a table also takes booleans or plain numbers.
 * - man/systemd.{unit,service,socket,timer,path,mount,automount,swap,slice,scope,exec,kill,
 *   resource-control}.xml: the HTML anchor of each key, the "Added in version N" notes,
 *   and, at every release scanned, whether the entry calls the key deprecated.
 * The one-line summaries are ours, in schemas/summaries/systemd.json.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { SystemdDirective, SystemdKnowledge, SystemdSection, SystemdValueType } from '../../server/src/core/knowledge/types';
import { compareVersions } from '../../server/src/core/model/version';
import { anchorFragment, docbookEntries, type DocbookEntry } from './docbook-entries';

const UPSTREAM_URL = 'https://github.com/systemd/systemd';
const SUMMARIES = 'schemas/summaries/systemd.json';
const MAN_SITE = 'https://www.freedesktop.org/software/systemd/man';
/**
 * Oldest release whose man pages freedesktop.org keeps in a folder of its own (/man/247/…):
 * the oldest such folder public links point to (247, 249, 250, 252–256, 258 seen).
 */
const OLDEST_VERSIONED_MAN = '247';

const SECTIONS: readonly SystemdSection[] = ['Unit', 'Install', 'Service', 'Socket', 'Timer', 'Path', 'Mount', 'Automount', 'Swap', 'Slice', 'Scope'];

/**
 * Sections each unit type may hold. systemd.unit(5) gives every type [Unit] and [Install];
 * each type's own page adds its section. Scopes are only made at runtime (no [Install]);
 * targets and devices have no section of their own.
 */
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

/** The man pages that document unit file keys, by what they cover. */
const MAN_PAGES = [
  'systemd.unit',
  'systemd.service',
  'systemd.socket',
  'systemd.timer',
  'systemd.path',
  'systemd.mount',
  'systemd.automount',
  'systemd.swap',
  'systemd.slice',
  'systemd.scope',
  'systemd.exec',
  'systemd.kill',
  'systemd.resource-control',
] as const;
type ManPage = (typeof MAN_PAGES)[number];

/** Which page documents the keys of each shared macro. */
const MACRO_PAGES: Readonly<Record<string, ManPage>> = {
  EXEC_CONTEXT_CONFIG_ITEMS: 'systemd.exec',
  KILL_CONTEXT_CONFIG_ITEMS: 'systemd.kill',
  CGROUP_CONTEXT_CONFIG_ITEMS: 'systemd.resource-control',
};

// ---------------------------------------------------------------- value types

interface ParserKind {
  readonly type: SystemdValueType;
  /**
   * The parser adds each assignment to a list (or set, or mask) and resets it on an empty
   * assignment, so repeating the key is normal. Otherwise a later assignment replaces an
   * earlier one. Read from each parser's body in src/core/load-fragment.c (and
   * src/shared/conf-parser.c): list parsers test `isempty(rvalue)` to free the list and
   * otherwise append (strv_extend, LIST_APPEND, set_put, hashmap_put, |=).
   */
  readonly list?: true;
}

const scalar = (type: SystemdValueType): ParserKind => ({ type });
const list = (type: SystemdValueType): ParserKind => ({ type, list: true });

/**
 * Every parser function a unit file key has used from --oldest on, with our value type.
 * 'enum' means: take the words from the string table the parser looks the value up in
 * (the generator stops when it finds none). 'other' is for values no single type covers
 * (device lists, CPU sets, "20%", rlimits): rules leave them alone. A parser missing here
 * stops the generator, so a new upstream parser is a decision, not a guess.
 */
const PARSERS: Readonly<Record<string, ParserKind>> = {
  // booleans and switches
  config_parse_bool: scalar('boolean'),
  config_parse_tristate: scalar('boolean'),
  config_parse_no_new_privileges: scalar('boolean'),
  config_parse_no_new_priviliges: scalar('boolean'),
  config_parse_job_mode_isolate: scalar('boolean'),
  config_parse_exec_mount_apivfs: scalar('boolean'),
  config_parse_unit_condition_null: list('boolean'),
  // time spans
  config_parse_sec: scalar('timespan'),
  config_parse_usec: scalar('timespan'),
  config_parse_nsec: scalar('timespan'),
  config_parse_sec_fix_0: scalar('timespan'),
  config_parse_sec_def_infinity: scalar('timespan'),
  config_parse_sec_limit: scalar('timespan'),
  config_parse_usec_limit: scalar('timespan'),
  config_parse_service_timeout: scalar('timespan'),
  config_parse_service_timeout_abort: scalar('timespan'),
  config_parse_job_timeout_sec: scalar('timespan'),
  config_parse_job_running_timeout_sec: scalar('timespan'),
  config_parse_exec_timer_slack_nsec: scalar('timespan'),
  config_parse_managed_oom_mem_pressure_duration_sec: scalar('timespan'),
  // OnActiveSec=, OnBootSec=, … and OnCalendar= (see KEY_TYPES): each line adds a trigger.
  config_parse_timer: list('timespan'),
  // sizes
  config_parse_memory_limit: scalar('size'),
  config_parse_unit_memory_limit: scalar('size'),
  config_parse_iec_size: scalar('size'),
  config_parse_bytes_size: scalar('size'),
  config_parse_bytes_limit: scalar('size'),
  // integers
  config_parse_int: scalar('integer'),
  config_parse_unsigned: scalar('integer'),
  config_parse_long: scalar('integer'),
  config_parse_exec_nice: scalar('integer'),
  config_parse_exec_oom_score_adjust: scalar('integer'),
  config_parse_exec_io_priority: scalar('integer'),
  config_parse_exec_cpu_sched_prio: scalar('integer'),
  config_parse_exit_status: scalar('integer'),
  config_parse_swap_priority: scalar('integer'),
  config_parse_sysv_priority: scalar('integer'),
  config_parse_fsck_passno: scalar('integer'),
  config_parse_tty_size: scalar('integer'),
  config_parse_netclass: scalar('integer'),
  config_parse_cpu_shares: scalar('integer'),
  config_parse_unit_cpu_shares: scalar('integer'),
  config_parse_cpu_weight: scalar('integer'),
  config_parse_cg_weight: scalar('integer'),
  config_parse_cg_cpu_weight: scalar('integer'),
  config_parse_io_weight: scalar('integer'),
  config_parse_blockio_weight: scalar('integer'),
  config_parse_unit_blkio_weight: scalar('integer'),
  config_parse_concurrency_max: scalar('integer'),
  // Numbers that also take "infinity" or a percentage: no single type fits.
  config_parse_tasks_max: scalar('other'),
  config_parse_cpu_quota: scalar('other'),
  config_parse_managed_oom_mem_pressure_limit: scalar('other'),
  config_parse_limit: scalar('other'),
  config_parse_rlimit: scalar('other'),
  config_parse_syscall_errno: scalar('other'),
  config_parse_exec_quota: scalar('other'),
  // enumerations (words from string tables)
  config_parse_service_type: scalar('enum'),
  config_parse_service_exit_type: scalar('enum'),
  config_parse_service_restart: scalar('enum'),
  config_parse_service_restart_mode: scalar('enum'),
  config_parse_service_timeout_failure_mode: scalar('enum'),
  config_parse_notify_access: scalar('enum'),
  config_parse_kill_mode: scalar('enum'),
  config_parse_exec_output: scalar('enum'),
  config_parse_exec_input: scalar('enum'),
  config_parse_output: scalar('enum'),
  config_parse_input: scalar('enum'),
  config_parse_exec_io_class: scalar('enum'),
  config_parse_exec_cpu_sched_policy: scalar('enum'),
  config_parse_exec_utmp_mode: scalar('enum'),
  config_parse_exec_keyring_mode: scalar('enum'),
  config_parse_exec_preserve_mode: scalar('enum'),
  config_parse_runtime_preserve_mode: scalar('enum'),
  config_parse_exec_memory_thp: scalar('enum'),
  config_parse_memory_thp: scalar('enum'),
  config_parse_exec_mount_flags: scalar('enum'),
  config_parse_exec_mount_propagation_flag: scalar('enum'),
  config_parse_protect_system: scalar('enum'),
  config_parse_protect_home: scalar('enum'),
  config_parse_protect_hostname: scalar('enum'),
  config_parse_protect_proc: scalar('enum'),
  config_parse_protect_control_groups: scalar('enum'),
  config_parse_proc_subset: scalar('enum'),
  config_parse_private_tmp: scalar('enum'),
  config_parse_private_users: scalar('enum'),
  config_parse_private_pids: scalar('enum'),
  config_parse_private_bpf: scalar('enum'),
  config_parse_collect_mode: scalar('enum'),
  config_parse_device_policy: scalar('enum'),
  config_parse_job_mode: scalar('enum'),
  config_parse_emergency_action: scalar('enum'),
  config_parse_failure_action: scalar('enum'),
  config_parse_start_limit_action: scalar('enum'),
  config_parse_oom_policy: scalar('enum'),
  config_parse_managed_oom_mode: scalar('enum'),
  config_parse_managed_oom_preference: scalar('enum'),
  config_parse_memory_pressure_watch: scalar('enum'),
  config_parse_pressure_watch: scalar('enum'),
  config_parse_log_level: scalar('enum'),
  config_parse_level: scalar('enum'),
  config_parse_log_facility: scalar('enum'),
  config_parse_facility: scalar('enum'),
  config_parse_socket_bind: scalar('enum'),
  config_parse_socket_protocol: scalar('enum'),
  config_parse_socket_timestamping: scalar('enum'),
  config_parse_socket_defer_trigger: scalar('enum'),
  config_parse_ip_tos: scalar('enum'),
  config_parse_numa_policy: scalar('enum'),
  config_parse_cpuset_partition: scalar('enum'),
  config_parse_personality: scalar('other'),
  // commands
  config_parse_exec: list('command'),
  // environment
  config_parse_environ: list('environment'),
  config_parse_pass_environ: list('string-list'),
  config_parse_unset_environ: list('string-list'),
  config_parse_unit_env_file: list('path'),
  // paths
  config_parse_path: scalar('path'),
  config_parse_unit_path_printf: scalar('path'),
  config_parse_working_directory: scalar('path'),
  config_parse_pid_file: scalar('path'),
  config_parse_path_spec: list('path'),
  config_parse_path_strv: list('path-list'),
  config_parse_unit_path_strv_printf: list('path-list'),
  config_parse_namespace_path_strv: list('path-list'),
  config_parse_exec_directories: list('path-list'),
  config_parse_runtime_directory: list('path-list'),
  config_parse_bind_paths: list('path-list'),
  config_parse_temporary_filesystems: list('path-list'),
  config_parse_unit_mounts_for: list('path-list'),
  config_parse_unit_requires_mounts_for: list('path-list'),
  config_parse_colon_separated_paths: list('path-list'),
  config_parse_mount_images: list('path-list'),
  config_parse_extension_images: list('path-list'),
  config_parse_ip_filter_bpf_progs: list('path-list'),
  config_parse_bpf_foreign_program: list('other'),
  config_parse_mode: scalar('mode'),
  // unit names
  config_parse_unit_deps: list('unit-list'),
  config_parse_obsolete_unit_deps: list('unit-list'),
  config_parse_unit_names: list('unit-list'),
  config_parse_service_sockets: list('unit-list'),
  config_parse_unit_slice: scalar('string'),
  config_parse_socket_service: scalar('string'),
  config_parse_trigger_unit: scalar('string'),
  config_parse_timer_unit: scalar('string'),
  config_parse_path_unit: scalar('string'),
  // signals
  config_parse_signal: scalar('signal'),
  config_parse_kill_signal: scalar('signal'),
  // single strings
  config_parse_string: scalar('string'),
  config_parse_unit_string_printf: scalar('string'),
  config_parse_user_group: scalar('string'),
  config_parse_user_group_compat: scalar('string'),
  config_parse_bus_name: scalar('string'),
  config_parse_fdname: scalar('string'),
  config_parse_reboot_parameter: scalar('string'),
  config_parse_exec_selinux_context: scalar('string'),
  config_parse_exec_apparmor_profile: scalar('string'),
  config_parse_exec_smack_process_label: scalar('string'),
  config_parse_exec_capabilities: scalar('string'),
  config_parse_exec_root_hash: scalar('string'),
  config_parse_exec_root_hash_sig: scalar('string'),
  config_parse_image_policy: scalar('string'),
  config_parse_log_namespace: scalar('string'),
  config_parse_socket_bindtodevice: scalar('string'),
  config_parse_bind_network_interface: scalar('string'),
  config_parse_delegate_subgroup: scalar('string'),
  config_parse_mount_node: scalar('string'),
  config_parse_unit_cgroup: scalar('string'),
  // lists of words
  config_parse_strv: list('string-list'),
  config_parse_unit_strv_printf: list('string-list'),
  config_parse_user_group_strv: list('string-list'),
  config_parse_user_group_strv_compat: list('string-list'),
  config_parse_documentation: list('string-list'),
  config_parse_capability_set: list('string-list'),
  config_parse_bounding_set: list('string-list'),
  config_parse_exec_secure_bits: list('string-list'),
  config_parse_syscall_filter: list('string-list'),
  config_parse_syscall_archs: list('string-list'),
  config_parse_syscall_log: list('string-list'),
  config_parse_address_families: list('string-list'),
  config_parse_restrict_filesystems: list('string-list'),
  config_parse_restrict_network_interfaces: list('string-list'),
  config_parse_namespace_flags: list('string-list'),
  config_parse_restrict_namespaces: list('string-list'),
  config_parse_disable_controllers: list('string-list'),
  config_parse_set_status: list('string-list'),
  config_parse_log_extra_fields: list('string-list'),
  config_parse_log_filter_patterns: list('string-list'),
  config_parse_root_image_options: list('string-list'),
  config_parse_ip_address_access: list('string-list'),
  config_parse_in_addr_prefixes: list('string-list'),
  config_parse_cgroup_socket_bind: list('string-list'),
  config_parse_cgroup_nft_set: list('string-list'),
  config_parse_bpf_delegate_commands: list('string-list'),
  config_parse_bpf_delegate_maps: list('string-list'),
  config_parse_bpf_delegate_programs: list('string-list'),
  config_parse_bpf_delegate_attachments: list('string-list'),
  config_parse_load_credential: list('string-list'),
  config_parse_set_credential: list('string-list'),
  config_parse_import_credential: list('string-list'),
  config_parse_open_file: list('string-list'),
  config_parse_socket_listen: list('string'),
  config_parse_exec_input_text: list('string'),
  config_parse_exec_input_data: list('string'),
  config_parse_unit_condition_path: list('other'),
  config_parse_unit_condition_string: list('other'),
  config_parse_unit_cgroup_attr: list('other'),
  config_parse_unit_cgroup_attr_pretty: list('other'),
  config_parse_bus_endpoint_policy: list('other'),
  // device and CPU lists, bandwidths
  config_parse_device_allow: list('other'),
  config_parse_unit_device_allow: list('other'),
  config_parse_io_device_weight: list('other'),
  config_parse_io_device_latency: list('other'),
  config_parse_io_limit: list('other'),
  config_parse_blockio_device_weight: list('other'),
  config_parse_blockio_bandwidth: list('other'),
  config_parse_unit_blkio_bandwidth: list('other'),
  config_parse_exec_cpu_affinity: list('other'),
  config_parse_allowed_cpus: list('other'),
  config_parse_allowed_mems: list('other'),
  config_parse_allowed_cpuset: list('other'),
  config_parse_unit_cpu_set: list('other'),
  config_parse_numa_mask: list('other'),
  config_parse_exec_coredump_filter: list('other'),
  config_parse_managed_oom_rules: list('other'),
  // one value of its own kind
  config_parse_delegate: list('other'),
  config_parse_memory_pressure_watch_sec: scalar('timespan'),
  config_parse_service_refresh_on_reload: list('other'),
  // keys systemd accepts only to say it ignores them
  config_parse_warn_compat: scalar('other'),
};

/**
 * Enum parsers whose words are not (only) a string table's, from the functions named.
 * `loose`: the parser also takes forms a list of words cannot state ("private:NAME"), so
 * the key gets type 'other' and keeps the words for completion only.
 */
const ENUM_ADJUSTMENTS: Readonly<
  Record<string, { table?: string; words?: readonly string[]; extraWords?: readonly string[]; acceptsBoolean?: true; acceptsNumber?: true; loose?: true }>
> = {
  // mount_propagation_flag_from_string() in src/basic/mountpoint-util.c compares with these.
  config_parse_exec_mount_propagation_flag: { words: ['shared', 'slave', 'private'] },
  // parse_socket_protocol() in src/core/load-fragment.c: IPPROTO_UDPLITE, _SCTP, _MPTCP,
  // by name (parse_ip_protocol() also takes numbers).
  config_parse_socket_protocol: { words: ['udplite', 'sctp', 'mptcp'], acceptsNumber: true, loose: true },
  // config_parse_protect_hostname() looks up protect_hostname_table after cutting off
  // ":HOSTNAME" (ProtectHostname=private:web1).
  config_parse_protect_hostname: { table: 'protect_hostname', loose: true },
  // socket_timestamping_from_string_harder() in src/core/socket.c adds the time-unit
  // spellings and booleans.
  config_parse_socket_timestamping: { extraWords: ['nsec', 'usec', 'µs', 'μs'], acceptsBoolean: true },
};

/** Keys whose generic parser does not say what the value is. */
const KEY_TYPES: Readonly<Record<string, ParserKind>> = {
  'Timer.OnCalendar': list('timestamp'),
  'Mount.What': scalar('string'),
  'Swap.What': scalar('path'),
  'Socket.Symlinks': list('path-list'),
  'Install.Alias': list('string-list'),
  'Install.WantedBy': list('unit-list'),
  'Install.RequiredBy': list('unit-list'),
  'Install.UpheldBy': list('unit-list'),
  'Install.Also': list('unit-list'),
  'Install.DefaultInstance': scalar('string'),
};

// ---------------------------------------------------------------- deprecations

interface Deprecation {
  /** "Section.Key", or "*.Key" for every section that has the key. */
  readonly key: string;
  readonly replacement?: string;
  readonly note?: string;
  /**
   * Release from which upstream calls it deprecated. Absent: the first release whose man
   * page entry for the key says "deprecated" (the generator checks one is found).
   */
  readonly deprecated?: string;
  /** Key whose documentation to link when the deprecated key has none of its own any more. */
  readonly docsKey?: string;
}

/**
 * Keys upstream has replaced, with what replaces them. Facts from the man pages' entries and
 * History sections and from NEWS at the releases named; each is checked against the table
 * (the key and its replacement must exist). Keys that systemd now ignores (`removed`) are
 * found in the gperf tables themselves, so they are not listed here unless they have a
 * replacement or something worth saying.
 */
const DEPRECATIONS: readonly Deprecation[] = [
  // cgroup v1 settings: replaced by the unified-hierarchy ones in 230/231 (man pages call
  // them deprecated from then on), "fully deprecated" in 252 (resource-control History),
  // ignored from 258 when cgroup v1 support went (the gperf marks them DISABLED_LEGACY).
  { key: '*.MemoryLimit', replacement: 'MemoryMax' },
  { key: '*.CPUShares', replacement: 'CPUWeight', note: 'CPUWeight= takes 1–10000 (default 100), not shares (default 1024).' },
  { key: '*.StartupCPUShares', replacement: 'StartupCPUWeight', note: 'StartupCPUWeight= takes 1–10000 (default 100), not shares (default 1024).' },
  { key: '*.BlockIOAccounting', replacement: 'IOAccounting' },
  { key: '*.BlockIOWeight', replacement: 'IOWeight', note: 'IOWeight= takes 1–10000 (default 100); BlockIOWeight= took 10–1000 (default 500).' },
  { key: '*.StartupBlockIOWeight', replacement: 'StartupIOWeight', note: 'StartupIOWeight= takes 1–10000 (default 100); StartupBlockIOWeight= took 10–1000.' },
  { key: '*.BlockIODeviceWeight', replacement: 'IODeviceWeight', note: 'IODeviceWeight= takes 1–10000 (default 100); BlockIODeviceWeight= took 10–1000.' },
  { key: '*.BlockIOReadBandwidth', replacement: 'IOReadBandwidthMax' },
  { key: '*.BlockIOWriteBandwidth', replacement: 'IOWriteBandwidthMax' },
  // 258: CPU accounting is always on with the unified hierarchy (resource-control History).
  { key: '*.CPUAccounting', deprecated: '258', note: 'CPU usage is always accounted on the unified cgroup hierarchy; the key does nothing.' },
  // 231: the *Directories= keys were renamed to *Paths= (NEWS 231).
  { key: '*.ReadWriteDirectories', replacement: 'ReadWritePaths', deprecated: '231' },
  { key: '*.ReadOnlyDirectories', replacement: 'ReadOnlyPaths', deprecated: '231' },
  { key: '*.InaccessibleDirectories', replacement: 'InaccessiblePaths', deprecated: '231' },
  // 240: PermissionsStartOnly= (NEWS 240), superseded by the "+" command prefix of 231.
  { key: 'Service.PermissionsStartOnly', replacement: 'ExecStartPre', docsKey: 'ExecStart', deprecated: '240', note: 'Prefix the commands that need full privileges with "+" instead.' },
  // 229: the start rate limit moved from [Service] to [Unit] (NEWS 229); the [Service]
  // spellings stay as compatibility aliases. Likewise FailureAction=/RebootArgument= in 236.
  { key: 'Service.StartLimitInterval', replacement: 'StartLimitIntervalSec', note: 'StartLimitIntervalSec= belongs in [Unit].' },
  { key: 'Service.StartLimitBurst', replacement: 'StartLimitBurst', note: 'StartLimitBurst= belongs in [Unit].' },
  { key: 'Service.StartLimitAction', replacement: 'StartLimitAction', note: 'StartLimitAction= belongs in [Unit].' },
  { key: 'Service.FailureAction', replacement: 'FailureAction', note: 'FailureAction= belongs in [Unit].' },
  { key: 'Service.RebootArgument', replacement: 'RebootArgument', note: 'RebootArgument= belongs in [Unit].' },
  { key: 'Unit.StartLimitInterval', replacement: 'StartLimitIntervalSec' },
  // Old spellings kept as aliases (the gperf table marks them "legacy alias").
  { key: 'Unit.OnFailureIsolate', replacement: 'OnFailureJobMode', note: 'OnFailureIsolate=yes is OnFailureJobMode=isolate.' },
  { key: 'Unit.BindTo', replacement: 'BindsTo' },
  { key: 'Unit.PropagateReloadTo', replacement: 'PropagatesReloadTo' },
  { key: 'Unit.PropagateReloadFrom', replacement: 'ReloadPropagatedFrom' },
  // 228: the "overridable" dependencies became plain ones (NEWS 228).
  { key: 'Unit.RequiresOverridable', replacement: 'Requires', deprecated: '228', note: 'Requires= has no "overridable" variant; systemd treats RequiresOverridable= as Requires=.' },
  { key: 'Unit.RequisiteOverridable', replacement: 'Requisite', deprecated: '228', note: 'Requisite= has no "overridable" variant; systemd treats RequisiteOverridable= as Requisite=.' },
  // 248: renamed when the limit gained 1/10000 precision (upstream commit 0a9f93443b).
  { key: '*.ManagedOOMMemoryPressureLimitPercent', replacement: 'ManagedOOMMemoryPressureLimit', deprecated: '248' },
  // 230: Capabilities= is ignored (NEWS 230); the capability sets replace it.
  { key: '*.Capabilities', replacement: 'CapabilityBoundingSet', deprecated: '230', note: 'Use CapabilityBoundingSet= and AmbientCapabilities= to say which capabilities the processes keep and get.' },
  // 260: memory protection is recursive since the kernel baseline went to 5.7.
  { key: '*.DefaultMemoryMin', deprecated: '260', note: 'MemoryMin= on a slice now protects its whole subtree; the key does nothing.' },
  { key: '*.DefaultMemoryLow', deprecated: '260', note: 'MemoryLow= on a slice now protects its whole subtree; the key does nothing.' },
  { key: '*.DefaultStartupMemoryLow', deprecated: '260', note: 'StartupMemoryLow= on a slice now protects its whole subtree; the key does nothing.' },
];

// ---------------------------------------------------------------- git

interface Options {
  gitDir: string;
  ref?: string;
  oldest: string;
  out: string;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { gitDir: '', oldest: 'v183', out: 'schemas/systemd.json' };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${argument} needs a value`);
      return next;
    };
    if (argument === '--ref') options.ref = value();
    else if (argument === '--oldest') options.oldest = value();
    else if (argument === '--out') options.out = value();
    else if (argument.startsWith('-')) throw new Error(`unknown option ${argument}`);
    else options.gitDir = argument;
  }
  if (!options.gitDir) throw new Error('usage: systemd.ts <systemd.git> [--ref TAG] [--oldest TAG] [--out FILE]');
  return options;
}

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

function gitDirectory(path: string): string {
  return execFileSync('git', ['-C', path, 'rev-parse', '--absolute-git-dir'], { encoding: 'utf8' }).trim();
}

/** A file at a tag, or undefined when the tag does not have it. */
function show(gitDir: string, tag: string, path: string): string | undefined {
  try {
    return git(gitDir, 'show', `${tag}:${path}`);
  } catch {
    return undefined;
  }
}

const versionOf = (tag: string) => tag.replace(/^v/, '');

// ---------------------------------------------------------------- the gperf table

interface Item {
  readonly section: SystemdSection;
  readonly name: string;
  readonly parser: string;
  readonly ltype: string;
  /** The shared macro the key comes from, if any (EXEC_CONTEXT_CONFIG_ITEMS, …). */
  readonly macro?: string;
}

const isSection = (name: string): name is SystemdSection => (SECTIONS as readonly string[]).includes(name);

/**
 * Every Section.Key of one release's gperf table, macros expanded. The two template forms:
 * m4 up to v248 (`m4_define(\`EXEC_CONTEXT_CONFIG_ITEMS', \`$1.User, …')`, invoked as
 * `EXEC_CONTEXT_CONFIG_ITEMS(Service)m4_dnl`) and Jinja from v249 (`{%- macro
 * EXEC_CONTEXT_CONFIG_ITEMS(type) -%} {{type}}.User, …`, invoked as
 * `{{ EXEC_CONTEXT_CONFIG_ITEMS('Service') }}`). Build switches (`m4_ifdef(\`HAVE_PAM', \`…',
 * \`…')`, `{% if HAVE_PAM %} … {% else %} … {% endif %}`) list a key twice: the first
 * branch has the real parser, the second the stub for builds without the feature, so the
 * first one seen wins. m4 quotes a branch's line with a leading backquote.
 */
function readGperf(text: string): Map<string, Item> {
  const macros = new Map<string, string>();
  for (const match of text.matchAll(/m4_define\(`(\w+_CONFIG_ITEMS)',([\s\S]*?)\n\)m4_dnl/g)) macros.set(match[1]!, match[2]!);
  for (const match of text.matchAll(/\{%-?\s*macro (\w+)\(type\)\s*-?%\}([\s\S]*?)\{%-?\s*endmacro\s*-?%\}/g)) macros.set(match[1]!, match[2]!);

  const items = new Map<string, Item>();
  const add = (line: string, unitType?: string, macro?: string) => {
    const match = /^`?(\$1|\{\{type\}\}|[A-Z][A-Za-z]+)\.([A-Za-z0-9]+)\s*,\s*(\w+)\s*,\s*([^,]+),/.exec(line.trim());
    if (!match) return;
    const owner = match[1] === '$1' || match[1] === '{{type}}' ? unitType : match[1];
    if (!owner || !isSection(owner)) return;
    const key = `${owner}.${match[2]}`;
    if (items.has(key)) return;
    items.set(key, { section: owner, name: match[2]!, parser: match[3]!, ltype: match[4]!.trim(), ...(macro ? { macro } : {}) });
  };
  // Keys come after "%%". The m4 macro bodies sit there too, but their "$1." lines have no
  // unit type until invoked, so only their expansions count.
  const body = text.slice(text.indexOf('\n%%') + 1);
  for (const line of body.split('\n')) {
    const invocation = /^(?:\{\{\s*)?(\w+_CONFIG_ITEMS)\(\s*'?(\w+)'?\s*\)/.exec(line.trim());
    if (invocation) {
      const macroBody = macros.get(invocation[1]!);
      if (macroBody === undefined) throw new Error(`gperf invokes ${invocation[1]} but does not define it`);
      for (const macroLine of macroBody.split('\n')) add(macroLine, invocation[2], invocation[1]);
    } else {
      add(line);
    }
  }
  return items;
}

function gperfPath(gitDir: string, tag: string): string {
  const files = git(gitDir, 'ls-tree', '--name-only', tag, 'src/core/').split('\n');
  const path = files.find((file) => /load-fragment-gperf\.gperf\.(in|m4)$/.test(file));
  if (!path) throw new Error(`${tag} has no src/core/load-fragment-gperf.gperf.(in|m4)`);
  return path;
}

/** A key is in force while its parser is not the "ignored for compatibility" stub. */
const inForce = (item: Item | undefined) => item !== undefined && !(item.parser === 'config_parse_warn_compat' && item.ltype === 'DISABLED_LEGACY');

// ---------------------------------------------------------------- enumerations

interface EnumFacts {
  readonly words: readonly string[];
  /** The table is looked up WITH_BOOLEAN: yes/no and the other boolean spellings work too. */
  readonly acceptsBoolean: boolean;
  /** The table is looked up WITH_FALLBACK: a plain number works too. */
  readonly acceptsNumber: boolean;
}

/**
 * The words each enum parser accepts. DEFINE_CONFIG_PARSE_ENUM*(config_parse_x, y, …)
 * reads y_table (y may be spelled y_from_string or y_from_string_harder, or end in
 * _or_bool for a lookup that also takes booleans); a hand-written parser whose body calls
 * z_from_string(rvalue) reads z_table. Tables come from every .c file under src/ except
 * the boot loader's, which has tables of its own under the same names.
 */
function readEnums(gitDir: string, ref: string): Map<string, EnumFacts> {
  const tableText = git(gitDir, 'grep', '-h', '-A120', '-E', 'static const char ?\\* ?const \\w+_table\\[', ref, '--', 'src/*.c', ':!src/boot');
  const tables = new Map<string, string[]>();
  for (const match of tableText.matchAll(/static const char\s*\*\s*const (\w+)_table\[[^\]]*\]\s*=\s*\{([\s\S]*?)\};/g)) {
    if (!tables.has(match[1]!)) tables.set(match[1]!, [...match[2]!.matchAll(/=\s*"([^"]*)"/g)].map((word) => word[1]!));
  }
  const lookups = git(gitDir, 'grep', '-h', '-E', 'STRING_TABLE_LOOKUP\\w*\\(', ref, '--', 'src/*.c', 'src/*.h', ':!src/boot');
  const withBoolean = new Set([...lookups.matchAll(/STRING_TABLE_LOOKUP\w*WITH_BOOLEAN\((\w+)/g)].map((match) => match[1]!));
  const withFallback = new Set([...lookups.matchAll(/STRING_TABLE_LOOKUP\w*FALLBACK\((\w+)/g)].map((match) => match[1]!));

  const facts = new Map<string, EnumFacts>();
  const record = (parser: string, lookup: string, extraBoolean = false) => {
    const table = lookup.replace(/_from_string(_harder)?$/, '').replace(/_or_bool$/, '');
    const words = tables.get(table);
    if (!words || facts.has(parser)) return;
    facts.set(parser, {
      words: words.filter((word) => word !== ''),
      acceptsBoolean: withBoolean.has(table) || extraBoolean || lookup.endsWith('_or_bool'),
      acceptsNumber: withFallback.has(table),
    });
  };
  const definitions = git(gitDir, 'grep', '-h', '-E', 'DEFINE_CONFIG_PARSE_ENUM\\w*\\(config_parse_\\w+', ref, '--', 'src/core/*.c', 'src/shared/*.c');
  for (const match of definitions.matchAll(/DEFINE_CONFIG_PARSE_ENUM\w*\((config_parse_\w+),\s*(\w+)/g)) record(match[1]!, match[2]!);
  for (const path of ['src/core/load-fragment.c', 'src/shared/conf-parser.c']) {
    const source = show(gitDir, ref, path) ?? '';
    for (const match of source.matchAll(/^int (config_parse_\w+)\([\s\S]*?\n\}\n/gm)) {
      // z_from_string(rvalue), or parse_z(rvalue, …) wrapping it (parse_emergency_action).
      const lookup = /(\w+)_from_string\(rvalue\)/.exec(match[0]) ?? /\bparse_(\w+)\(rvalue\b/.exec(match[0]);
      if (lookup) record(match[1]!, lookup[1]!, /parse_boolean\(rvalue\)/.test(match[0]));
    }
  }
  for (const [parser, adjustment] of Object.entries(ENUM_ADJUSTMENTS)) {
    if (adjustment.table) record(parser, adjustment.table);
    const base = facts.get(parser);
    const words = adjustment.words ?? base?.words;
    if (!words) continue;
    facts.set(parser, {
      words: [...words, ...(adjustment.extraWords ?? [])],
      acceptsBoolean: adjustment.acceptsBoolean ?? base?.acceptsBoolean ?? false,
      acceptsNumber: adjustment.acceptsNumber ?? base?.acceptsNumber ?? false,
    });
  }
  return facts;
}

// ---------------------------------------------------------------- man pages

interface ManFact {
  readonly page: ManPage;
  readonly entry: DocbookEntry;
}

/** The entries of the unit man pages at one release, by the keys their terms and their prose name. */
function readMan(gitDir: string, tag: string): { man: Map<string, ManFact[]>; mentioned: Map<string, ManFact[]> } {
  const man = new Map<string, ManFact[]>();
  const mentioned = new Map<string, ManFact[]>();
  const add = (index: Map<string, ManFact[]>, name: string, fact: ManFact) => {
    const facts = index.get(name);
    if (facts) facts.push(fact);
    else index.set(name, [fact]);
  };
  for (const page of MAN_PAGES) {
    const xml = show(gitDir, tag, `man/${page}.xml`);
    if (!xml) continue;
    for (const entry of docbookEntries(xml)) {
      for (const name of entry.names) add(man, name, { page, entry });
      for (const name of entry.mentions) add(mentioned, name, { page, entry });
    }
  }
  return { man, mentioned };
}

/** Where a key of a section is documented: its macro's page, then its section's page, then any. */
function pageFor(item: Item): ManPage {
  if (item.macro && MACRO_PAGES[item.macro]) return MACRO_PAGES[item.macro]!;
  if (item.section === 'Unit' || item.section === 'Install') return 'systemd.unit';
  return `systemd.${item.section.toLowerCase()}` as ManPage;
}

function findManFact(facts: readonly ManFact[] | undefined, item: Item): ManFact | undefined {
  if (!facts || facts.length === 0) return undefined;
  const preferred = pageFor(item);
  return facts.find((fact) => fact.page === preferred) ?? facts[0];
}

const saysDeprecated = (entry: DocbookEntry) => /\bdeprecated\b/i.test(entry.text);

/**
 * The link for a key, best first: its entry in the current pages; its entry in the pages of
 * the last release that had one, when freedesktop.org keeps that release's pages; the entry
 * whose prose explains it (DefaultMemoryLow= under MemoryMin=); for a replaced key, the
 * entry of what replaces it; its page without an anchor.
 */
function documentationLink(item: Item, history: readonly Release[], deprecation: Deprecation | undefined): string {
  const current = history[history.length - 1]!;
  const link = (release: Release, fact: ManFact) =>
    `${MAN_SITE}/${release === current ? 'latest' : release.version}/${fact.page}.html#${anchorFragment(fact.entry.anchor)}`;
  const kept = (release: Release) => release === current || compareVersions(release.version, OLDEST_VERSIONED_MAN) >= 0;
  for (const index of [(release: Release) => release.man, (release: Release) => release.mentioned]) {
    for (let at = history.length - 1; at >= 0; at--) {
      const release = history[at]!;
      const fact = findManFact(index(release).get(item.name), item);
      if (fact) {
        if (kept(release)) return link(release, fact);
        break;
      }
    }
  }
  const standIn = deprecation?.docsKey ?? deprecation?.replacement;
  if (standIn) {
    const section: SystemdSection = deprecation?.note?.endsWith('belongs in [Unit].') ? 'Unit' : item.section;
    const fact = findManFact(current.man.get(standIn), { ...item, name: standIn, section });
    if (fact) return link(current, fact);
  }
  return `${MAN_SITE}/latest/${pageFor(item)}.html`;
}

// ---------------------------------------------------------------- assembling

interface Release {
  readonly tag: string;
  readonly version: string;
  readonly items: ReadonlyMap<string, Item>;
  /** Entries whose terms name the key. */
  readonly man: ReadonlyMap<string, ManFact[]>;
  /** Entries whose prose names the key. */
  readonly mentioned: ReadonlyMap<string, ManFact[]>;
}

function releasesToScan(gitDir: string, options: Options): { ref: string; releases: string[] } {
  const tags = git(gitDir, 'tag').split('\n');
  const stable = tags.filter((tag) => /^v\d+(\.\d+)?$/.test(tag)).sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
  const ref = options.ref ?? stable[stable.length - 1];
  if (!ref || !tags.includes(ref)) throw new Error(`no release tag ${options.ref ?? '(none found)'}`);
  // Major releases only: point releases are stable-branch fixes, and a feature that one of
  // them carried for a while (ExitType= in 249.8) would make "since" say the wrong thing.
  const majors = stable.filter(
    (tag) => /^v\d+$/.test(tag) && compareVersions(versionOf(tag), versionOf(options.oldest)) >= 0 && compareVersions(versionOf(tag), versionOf(ref)) <= 0,
  );
  return { ref, releases: majors.includes(ref) ? majors : [...majors, ref] };
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const gitDir = gitDirectory(options.gitDir);
  const { ref, releases: tags } = releasesToScan(gitDir, options);
  const commit = git(gitDir, 'rev-list', '-n', '1', ref).trim();
  const problems: string[] = [];

  const history: Release[] = tags.map((tag) => ({
    tag,
    version: versionOf(tag),
    items: readGperf(git(gitDir, 'show', `${tag}:${gperfPath(gitDir, tag)}`)),
    ...readMan(gitDir, tag),
  }));
  const current = history[history.length - 1]!;
  const enums = readEnums(gitDir, ref);
  const summaries = JSON.parse(readFileSync(SUMMARIES, 'utf8')) as Record<string, string>;
  const usedSummaries = new Set<string>();

  const keys = new Set<string>();
  for (const release of history) for (const key of release.items.keys()) keys.add(key);

  const entries: SystemdDirective[] = [];
  const missingSummaries: string[] = [];
  const unanchored = new Set<string>();
  for (const key of keys) {
    const presence = history.map((release) => release.items.get(key));
    const firstIndex = presence.findIndex((item) => item !== undefined);
    let lastInForce = -1;
    presence.forEach((item, index) => {
      if (inForce(item)) lastInForce = index;
    });
    // Accepted with a warning but ignored since before the oldest release scanned: nothing
    // to say about when it worked.
    if (lastInForce < 0) continue;
    const item = presence[lastInForce]!;
    // NULL parsers outside [Install] are placeholders systemd skips without a word.
    if (item.parser === 'NULL' && item.section !== 'Install') continue;
    const gap = presence.slice(firstIndex, lastInForce + 1).findIndex((entry) => entry === undefined);
    if (gap >= 0) problems.push(`${key} is missing from ${history[firstIndex + gap]!.version} but present before and after`);

    const kind = KEY_TYPES[key] ?? (item.section === 'Install' ? undefined : PARSERS[item.parser]);
    if (!kind) {
      problems.push(`${key}: parser ${item.parser} has no entry in PARSERS`);
      continue;
    }
    const enumeration = kind.type === 'enum' ? enums.get(item.parser) : undefined;
    if (kind.type === 'enum' && !enumeration) problems.push(`${key}: no string table found for enum parser ${item.parser}`);
    const strict = enumeration !== undefined && ENUM_ADJUSTMENTS[item.parser]?.loose !== true;

    const since = firstIndex > 0 ? history[firstIndex]!.version : undefined;
    const removed = lastInForce < history.length - 1 ? history[lastInForce + 1]!.version : undefined;

    const deprecation = DEPRECATIONS.find((entry) => entry.key === key || entry.key === `*.${item.name}`);
    const docs = documentationLink(item, history, deprecation);
    if (!docs.includes('#')) unanchored.add(key);

    let deprecated: string | undefined;
    if (deprecation) {
      // Unless DEPRECATIONS names the release: the release the replacement arrived in (so
      // the advice works wherever the warning shows), else the first whose man page entry
      // calls the key deprecated.
      const target = deprecation.replacement
        ? deprecation.note?.endsWith('belongs in [Unit].')
          ? `Unit.${deprecation.replacement}`
          : `${item.section}.${deprecation.replacement}`
        : undefined;
      if (target && !current.items.has(target)) problems.push(`${key}: replacement ${target} is not in ${current.version}`);
      const replacementArrived = target ? history.findIndex((release) => release.items.has(target)) : -1;
      const firstSaying = history.findIndex((release) => {
        const fact = findManFact(release.man.get(item.name), item);
        return fact !== undefined && saysDeprecated(fact.entry);
      });
      deprecated =
        deprecation.deprecated ??
        (replacementArrived > 0 ? history[replacementArrived]!.version : firstSaying >= 0 ? history[firstSaying]!.version : undefined);
      if (!deprecated) problems.push(`${key}: DEPRECATIONS gives no release, its replacement predates ${history[0]!.version} and no man page calls it deprecated`);
      // Ignored from the same release on: "removed" says all there is.
      if (deprecated && removed && compareVersions(deprecated, removed) >= 0) deprecated = undefined;
    }

    const summaryKey = summaries[key] !== undefined ? key : item.name;
    const summary = summaries[summaryKey];
    if (summary === undefined) missingSummaries.push(item.name);
    else usedSummaries.add(summaryKey);

    entries.push({
      name: item.name,
      sections: [item.section],
      type: strict ? 'enum' : kind.type === 'enum' ? 'other' : kind.type,
      ...(enumeration ? { values: enumeration.words } : {}),
      ...(enumeration?.acceptsBoolean ? { acceptsBoolean: true } : {}),
      ...(enumeration?.acceptsNumber ? { acceptsNumber: true } : {}),
      accumulates: kind.list === true,
      // [Install] is read by systemctl's install logic, not by a parser of the gperf table (NULL there).
      ...(item.parser !== 'NULL' ? { parser: item.parser } : {}),
      ...(since ? { since } : {}),
      ...(deprecated ? { deprecated } : {}),
      ...(removed ? { removed } : {}),
      ...(deprecation?.replacement ? { replacement: deprecation.replacement } : {}),
      ...(deprecation?.note ? { replacementNote: deprecation.note } : {}),
      summary: summary ?? '',
      docs,
    });
  }

  // The man pages' "Added in version N" against the gperf history, for entries about one
  // key (a shared note covers a group, "ExecPaths=, NoExecPaths="), taking the first
  // release any section had the key. Disagreements are reported, the gperf table wins.
  const firstByName = new Map<string, string | undefined>();
  for (const entry of entries) {
    const known = firstByName.get(entry.name);
    if (!firstByName.has(entry.name) || (known !== undefined && (entry.since === undefined || compareVersions(entry.since, known) < 0))) firstByName.set(entry.name, entry.since);
  }
  const disagreements: string[] = [];
  for (const [name, since] of firstByName) {
    for (const fact of current.man.get(name) ?? []) {
      const added = fact.entry.added;
      if (fact.entry.names.length !== 1 || !added || added === (since ?? history[0]!.version)) continue;
      if (since === undefined && compareVersions(added, history[0]!.version) <= 0) continue;
      disagreements.push(`${name}= (${fact.page}: ${added}, gperf: ${since ?? `≤${history[0]!.version}`})`);
    }
  }
  if (unanchored.size > 0) problems.push(`note: no man page entry to link to (the link names the page only): ${[...unanchored].join(', ')}`);
  if (disagreements.length > 0) problems.push(`note: "Added in version" differs from the gperf history for ${disagreements.length} keys: ${disagreements.join(', ')}`);

  for (const deprecation of DEPRECATIONS) {
    const [section, name] = deprecation.key.split('.') as [string, string];
    if (!entries.some((entry) => entry.name === name && (section === '*' || entry.sections.includes(section as SystemdSection)))) {
      problems.push(`DEPRECATIONS lists ${deprecation.key}, which is not in the table`);
    }
  }
  for (const name of Object.keys(summaries)) if (!usedSummaries.has(name)) problems.push(`${SUMMARIES} has "${name}", which names no key`);
  for (const [name, summary] of Object.entries(summaries)) if (/\n/.test(summary) || summary.trim().length < 10) problems.push(`${SUMMARIES}: "${name}" is not one line of text`);
  if (missingSummaries.length > 0) problems.push(`no summary in ${SUMMARIES} for: ${[...new Set(missingSummaries)].sort().join(', ')}`);

  const fatal = problems.filter((problem) => !problem.startsWith('note: '));
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  if (fatal.length > 0) {
    process.stderr.write(`${fatal.length} problems; ${options.out} not written\n`);
    process.exit(1);
  }

  // Keys shared by several unit types become one entry with several sections when every
  // fact but the section agrees.
  const merged = new Map<string, SystemdDirective>();
  for (const entry of entries) {
    const { sections: _sections, ...facts } = entry;
    const identity = JSON.stringify(facts);
    const existing = merged.get(identity);
    merged.set(identity, existing ? { ...existing, sections: [...existing.sections, ...entry.sections] } : entry);
  }
  const sectionOrder = (section: SystemdSection) => SECTIONS.indexOf(section);
  const directives = [...merged.values()]
    .map((entry) => ({ ...entry, sections: [...entry.sections].sort((a, b) => sectionOrder(a) - sectionOrder(b)) }))
    .sort((a, b) => a.name.localeCompare(b.name) || sectionOrder(a.sections[0]!) - sectionOrder(b.sections[0]!));

  const table: SystemdKnowledge = {
    source: {
      url: UPSTREAM_URL,
      ref: versionOf(ref),
      commit,
      files: [
        'src/core/load-fragment-gperf.gperf.in (src/core/load-fragment-gperf.gperf.m4 up to v248)',
        'src/core/load-fragment.c',
        'src/shared/conf-parser.c',
        'src/**/*.c (string tables of the enum parsers)',
        ...MAN_PAGES.map((page) => `man/${page}.xml`),
      ],
      versionsScanned: history.map((release) => release.version),
      generated: new Date().toISOString().slice(0, 10),
      notes: [
        `Read with git from the release tags of ${UPSTREAM_URL} (major releases ${history[0]!.version}–${current.version}); facts other than since/removed/deprecated are those of ${current.version}, or of the last release that had the key.`,
        `since: the first major release whose gperf table has the Section.Key; absent when ${history[0]!.version} (the oldest scanned, and the oldest the man pages' "Added in version" notes name) already had it. Where the man page's note disagrees, the gperf table wins: it is what systemd looks keys up in.`,
        'removed: the first release without the key, or the first from which its parser is config_parse_warn_compat with DISABLED_LEGACY (systemd accepts the line, warns and ignores it).',
        'deprecated/replacement/replacementNote: the DEPRECATIONS list in the generator, from the man pages (entries and History sections) and NEWS; where no release is given there, the first release whose man page entry for the key says "deprecated".',
        'accumulates: from the parser function (PARSERS in the generator): list parsers append each assignment and reset on an empty one.',
        'type: from the parser function (PARSERS, KEY_TYPES); values/acceptsBoolean/acceptsNumber from the string table the parser looks words up in (WITH_BOOLEAN and WITH_FALLBACK lookups).',
        'docs: the anchor systemd\'s man/custom-html.xsl gives the entry (its first term\'s text, so "#MemoryMax=bytes", and "#ExecStartPre=" for ExecStartPost=); keys the current pages no longer document link to the last release\'s pages that did (versioned folders exist from 249), or to the page without an anchor.',
        'Keys whose parser is NULL outside [Install] are placeholders systemd skips and are left out; so are keys already ignored in the oldest release scanned.',
      ],
    },
    unitTypes: UNIT_TYPES,
    directives,
  };
  writeFileSync(options.out, `${JSON.stringify(table, null, 2)}\n`);
  process.stdout.write(`wrote ${options.out}: ${directives.length} entries (${entries.length} section keys) from ${versionOf(ref)} (${commit})\n`);
}

main();
