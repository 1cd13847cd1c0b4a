import type { MergedUnit } from '../../engine/merged-unit';
import { parseBoolean } from '../../formats/systemd/values';
import { availableIn, type Knowledge } from '../../knowledge/knowledge';
import {
  ADDRESS_FAMILIES,
  CAPABILITIES,
  EXPOSURE_LEVELS,
  NAMESPACE_TYPES,
  SECURITY_ASSESSORS,
  SYSCALL_ARCHITECTURES,
  SYSCALL_GROUPS,
  X86_64_SYSCALLS,
  familyClass,
  type FamilyClass,
  type SecurityAssessor,
  type SecurityFlag,
} from '../../knowledge/systemd-security';
import { loadKnowledge } from '../../knowledge/tables';
import type { Targets } from '../../model/targets';

/**
 * The exposure `systemd-analyze security --offline=true` gives a service, worked out from
 * its unit file and drop-ins alone: the settings are read as systemd 252's parsers read
 * them (src/core/load-fragment.c: the last valid assignment of a single value wins, an
 * invalid one is skipped, lists add up and an empty assignment resets them), completed as
 * unit_patch_contexts() completes them (DynamicUser= and the Protect*= settings that drop
 * capabilities), then judged by the checks of analyze-security.c and summed the way its
 * assess() sums them. See docs/rules/systemd/hardening.md for what offline mode does and
 * does not look at.
 */

export interface ExposureOptions {
  readonly knowledge?: Knowledge;
  /** Assignments read after the service's own, at the end of [Service]: a fix's, to estimate its effect. */
  readonly added?: readonly (readonly [string, string])[];
}

export interface AssessedCheck {
  readonly assessor: SecurityAssessor;
  /** 0 … the assessor's range; undefined when the check does not apply and is left out of the sum. */
  readonly badness: number | undefined;
}

export interface Exposure {
  /** Tenths, 0–100, rounded up as systemd rounds: 92 stands for "9.2". */
  readonly tenths: number;
  /** "9.2" */
  readonly text: string;
  /** "UNSAFE" */
  readonly level: string;
  readonly checks: readonly AssessedCheck[];
  /** The weights of the checks that apply, summed: what each check's share is taken of. */
  readonly weightSum: number;
}

/**
 * The service's exposure, 0.0 (nothing exposed) to 10.0, with systemd-analyze's level
 * name. Directives the target systemd release does not have are ignored, as that release
 * ignores them; the checks and weights are those of systemd 252.
 */
export function exposureOf(service: MergedUnit, targets?: Pick<Targets, 'systemd'>, options: ExposureOptions = {}): Exposure {
  const info = readSecurity(new Assignments(service, targets?.systemd, options.knowledge ?? loadKnowledge(), options.added ?? []), service.name);
  const checks = SECURITY_ASSESSORS.map((assessor) => ({ assessor, badness: assess(assessor, info) }));
  let badnessSum = 0;
  let weightSum = 0;
  for (const { assessor, badness } of checks) {
    if (badness === undefined) continue;
    badnessSum += divideRoundingUp(badness * assessor.weight, assessor.range);
    weightSum += assessor.weight;
  }
  const tenths = divideRoundingUp(badnessSum * 100, weightSum);
  return { tenths, text: tenthsText(tenths), level: levelOf(tenths), checks, weightSum };
}

/**
 * How much of the exposure the checks of one directive make, in tenths, rounded up like
 * the total: what the exposure would drop by if each of them were fully met.
 */
export function shareOf(exposure: Exposure, directive: string): number {
  let sum = 0;
  for (const { assessor, badness } of exposure.checks) {
    if (badness !== undefined && assessor.directive === directive) sum += divideRoundingUp(badness * assessor.weight, assessor.range);
  }
  return divideRoundingUp(sum * 100, exposure.weightSum);
}

/** "9.2" for 92. */
export function tenthsText(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

export function levelOf(tenths: number): string {
  return EXPOSURE_LEVELS.find((level) => tenths >= level.atLeast)!.name;
}

function divideRoundingUp(numerator: number, denominator: number): number {
  return Math.ceil(numerator / denominator);
}

/** The assignments of a key, in the order systemd reads them, leaving out keys the target release does not have. */
class Assignments {
  constructor(
    private readonly service: MergedUnit,
    private readonly target: string | undefined,
    private readonly knowledge: Knowledge,
    private readonly added: readonly (readonly [string, string])[],
  ) {}

  of(key: string, section = 'Service'): string[] {
    const directive = this.knowledge.systemd.directive(section, key);
    if (this.target !== undefined && directive && !availableIn(directive, this.target)) return [];
    const values = this.service.assignments(section, key).map((placed) => placed.entry.value);
    if (section === 'Service') for (const [addedKey, value] of this.added) if (addedKey === key) values.push(value);
    return values;
  }
}

/** SecurityInfo of analyze-security.c, as get_security_info() fills it from the loaded unit. */
interface SecurityInfo {
  readonly user: string | undefined;
  readonly dynamicUser: boolean;
  readonly supplementaryGroups: number;
  readonly flags: Readonly<Record<SecurityFlag, boolean>>;
  readonly protectHome: string;
  readonly protectSystem: string;
  readonly rootDirectory: string | undefined;
  readonly rootImage: string | undefined;
  readonly capabilityBoundingSet: bigint;
  readonly ambientCapabilities: bigint;
  readonly umask: number;
  readonly keyringMode: string;
  readonly protectProc: string;
  readonly procSubset: string;
  readonly notifyAccess: string;
  /** Namespace types the service may still create. */
  readonly namespacesAllowed: ReadonlySet<string>;
  /** Classes of sockets the service may not allocate. */
  readonly familiesRestricted: ReadonlySet<FamilyClass>;
  readonly syscallArchitectures: ReadonlySet<string>;
  readonly syscallFilter: { readonly allowList: boolean; readonly syscalls: ReadonlySet<string> };
  readonly ip: { readonly denyAll: boolean; readonly allowLocalhost: boolean; readonly allowOther: boolean; readonly customFilters: boolean };
  readonly devicePolicy: string;
  readonly deviceAllow: readonly string[];
  readonly defaultDependencies: boolean;
}

const ALL_CAPABILITIES = (1n << 64n) - 1n;
const capability = (name: string): bigint => 1n << BigInt(CAPABILITIES[name]!);

/**
 * Newer releases accept words of their own for some of these (PrivateTmp=disconnected,
 * PrivateUsers=self, ProtectHostname=private, ProtectControlGroups=strict); each turns the
 * protection on, so each counts as yes.
 */
const NEWER_YES: Partial<Record<SecurityFlag, readonly string[]>> = {
  PrivateTmp: ['disconnected'],
  PrivateUsers: ['self', 'identity', 'full', 'managed'],
  ProtectHostname: ['private'],
  ProtectControlGroups: ['private', 'strict'],
};

function readSecurity(read: Assignments, unitName: string): SecurityInfo {
  const flags = {} as Record<SecurityFlag, boolean>;
  const flagNames: SecurityFlag[] = [
    'PrivateDevices', 'PrivateMounts', 'PrivateNetwork', 'PrivateTmp', 'PrivateUsers', 'ProtectControlGroups',
    'ProtectKernelModules', 'ProtectKernelTunables', 'ProtectKernelLogs', 'ProtectClock', 'ProtectHostname',
    'LockPersonality', 'MemoryDenyWriteExecute', 'NoNewPrivileges', 'RemoveIPC', 'RestrictRealtime', 'RestrictSUIDSGID',
  ];
  for (const name of flagNames) flags[name] = lastBoolean(read.of(name), NEWER_YES[name]) ?? false;
  flags.Delegate = readDelegate(read.of('Delegate'));

  let user = readUser(read.of('User'));
  const dynamicUser = lastBoolean(read.of('DynamicUser')) ?? false;
  let protectSystem = lastWord(read.of('ProtectSystem'), ['full', 'strict']) ?? 'no';
  let protectHome = lastWord(read.of('ProtectHome'), ['read-only', 'tmpfs']) ?? 'no';
  let capabilityBoundingSet = readCapabilities(read.of('CapabilityBoundingSet'), ALL_CAPABILITIES);

  // unit_patch_contexts(): what other settings imply.
  if (flags.PrivateDevices) capabilityBoundingSet &= ~(capability('CAP_MKNOD') | capability('CAP_SYS_RAWIO'));
  if (flags.ProtectKernelModules) capabilityBoundingSet &= ~capability('CAP_SYS_MODULE');
  if (flags.ProtectKernelLogs) capabilityBoundingSet &= ~capability('CAP_SYSLOG');
  if (flags.ProtectClock) capabilityBoundingSet &= ~(capability('CAP_SYS_TIME') | capability('CAP_WAKE_ALARM'));
  if (dynamicUser) {
    user ??= unitName.replace(/\.service$/, '');
    flags.PrivateTmp = true;
    flags.RemoveIPC = true;
    protectSystem = 'strict';
    if (protectHome === 'no') protectHome = 'read-only';
    flags.NoNewPrivileges = true;
    flags.RestrictSUIDSGID = true;
  }

  const rootImage = lastPath(read.of('RootImage'));
  let devicePolicy = lastWord(read.of('DevicePolicy'), ['auto', 'closed', 'strict'], false) ?? 'auto';
  const deviceAllow = readDeviceAllow(read.of('DeviceAllow'));
  if (flags.PrivateDevices && devicePolicy === 'auto') devicePolicy = 'closed';
  if (devicePolicy !== 'auto' || deviceAllow.length > 0) {
    if (rootImage !== undefined) deviceAllow.push('/dev/loop-control:rw', '/dev/mapper/control:rw', 'block-loop:rwm', 'block-blkext:rwm', 'block-device-mapper:rwm');
    if (flags.ProtectClock) deviceAllow.push('char-rtc:r');
  }

  return {
    user,
    dynamicUser,
    supplementaryGroups: readList(read.of('SupplementaryGroups')).length,
    flags,
    protectHome,
    protectSystem,
    rootDirectory: lastPath(read.of('RootDirectory')),
    rootImage,
    capabilityBoundingSet,
    ambientCapabilities: readCapabilities(read.of('AmbientCapabilities'), 0n),
    umask: readUmask(read.of('UMask')),
    // service_init(): services of the system manager get a private keyring.
    keyringMode: lastWord(read.of('KeyringMode'), ['inherit', 'private', 'shared'], false) ?? 'private',
    protectProc: lastWord(read.of('ProtectProc'), ['default', 'noaccess', 'invisible', 'ptraceable'], false) ?? 'default',
    procSubset: lastWord(read.of('ProcSubset'), ['all', 'pid'], false) ?? 'all',
    notifyAccess: lastWord(read.of('NotifyAccess'), ['none', 'main', 'exec', 'all'], false) ?? 'none',
    namespacesAllowed: readNamespaces(read.of('RestrictNamespaces')),
    familiesRestricted: readAddressFamilies(read.of('RestrictAddressFamilies')),
    syscallArchitectures: readArchitectures(read.of('SystemCallArchitectures')),
    syscallFilter: readSyscallFilter(read.of('SystemCallFilter')),
    ip: readIpAccess(read),
    devicePolicy,
    deviceAllow,
    defaultDependencies: lastBoolean(read.of('DefaultDependencies', 'Unit')) ?? true,
  };
}

/** config_parse_bool(): a value that is not a boolean is skipped, the one before stays. */
function lastBoolean(values: readonly string[], alsoYes: readonly string[] = []): boolean | undefined {
  let result: boolean | undefined;
  for (const value of values) {
    const parsed = parseBoolean(value) ?? (alsoYes.includes(value.trim()) ? true : undefined);
    if (parsed !== undefined) result = parsed;
  }
  return result;
}

/**
 * An enum setting: one of `words`, or, when it takes booleans too (ProtectHome=,
 * ProtectSystem=), yes or no; an unknown word is skipped.
 */
function lastWord(values: readonly string[], words: readonly string[], takesBoolean = true): string | undefined {
  let result: string | undefined;
  for (const value of values) {
    const word = value.trim();
    const asBoolean = takesBoolean ? parseBoolean(word) : undefined;
    if (asBoolean !== undefined) result = asBoolean ? 'yes' : 'no';
    else if (words.includes(word)) result = word;
  }
  return result;
}

/** A path setting: the last one; an empty assignment resets it. */
function lastPath(values: readonly string[]): string | undefined {
  let result: string | undefined;
  for (const value of values) result = value.trim() === '' ? undefined : value.trim();
  return result;
}

/** A list setting's words: assignments add up, an empty one resets. */
function readList(values: readonly string[]): string[] {
  let words: string[] = [];
  for (const value of values) words = value.trim() === '' ? [] : [...words, ...splitWords(value)];
  return words;
}

function splitWords(value: string): string[] {
  return value
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => word.replace(/^(["'])(.*)\1$/, '$2'));
}

/**
 * config_parse_user_group_compat(): empty resets. A name systemd refuses (`/` or `:` in it)
 * is a fatal error that keeps the unit from loading at all, so any other value is the user.
 */
function readUser(values: readonly string[]): string | undefined {
  let user: string | undefined;
  for (const value of values) user = value.trim() === '' ? undefined : value.trim();
  return user;
}

/** config_parse_delegate(): empty means yes, a boolean says it, a list of controllers means yes. */
function readDelegate(values: readonly string[]): boolean {
  let delegate = false;
  for (const value of values) delegate = value.trim() === '' ? true : (parseBoolean(value) ?? true);
  return delegate;
}

/**
 * config_parse_capability_set(): the first assignment (or one naming nothing) replaces the
 * set, later ones add to it, or take away with `~`; unknown names are skipped.
 */
function readCapabilities(values: readonly string[], initial: bigint): bigint {
  let set = initial;
  for (const raw of values) {
    const invert = raw.trimStart().startsWith('~');
    const text = invert ? raw.trimStart().slice(1) : raw;
    let sum = 0n;
    for (const word of splitWords(text)) {
      const number = /^\d+$/.test(word) ? Number(word) : CAPABILITIES[word.toUpperCase()];
      if (number !== undefined && number < 64) sum |= 1n << BigInt(number);
    }
    if (sum === 0n || set === initial) set = invert ? ~sum & ALL_CAPABILITIES : sum;
    else set = invert ? set & ~sum : set | sum;
  }
  return set;
}

/** parse_mode(): an octal number up to 07777; anything else is skipped. The default is 0022. */
function readUmask(values: readonly string[]): number {
  let umask = 0o022;
  for (const value of values) {
    const text = value.trim();
    if (/^[0-7]+$/.test(text) && parseInt(text, 8) <= 0o7777) umask = parseInt(text, 8);
  }
  return umask;
}

/**
 * config_parse_restrict_namespaces(): a boolean replaces everything; a list allows just
 * those (or all but those, with `~`) when first given, and then adds to or takes from what
 * is allowed. Empty goes back to the default, which allows all.
 */
function readNamespaces(values: readonly string[]): Set<string> {
  let allowed: Set<string> | 'initial' = 'initial';
  for (const raw of values) {
    const value = raw.trim();
    if (value === '') {
      allowed = 'initial';
      continue;
    }
    const asBoolean = parseBoolean(value);
    if (asBoolean !== undefined) {
      allowed = asBoolean ? new Set() : new Set(NAMESPACE_TYPES);
      continue;
    }
    const invert = value.startsWith('~');
    const names = splitWords(invert ? value.slice(1) : value);
    if (names.some((name) => !NAMESPACE_TYPES.includes(name))) continue;
    if (allowed === 'initial') allowed = new Set(invert ? NAMESPACE_TYPES.filter((name) => !names.includes(name)) : names);
    else for (const name of names) invert ? allowed.delete(name) : allowed.add(name);
  }
  return allowed === 'initial' ? new Set(NAMESPACE_TYPES) : allowed;
}

/**
 * config_parse_address_families(): the first list decides whether it allows (or, with
 * `~`, denies) the families named; later lists add to it or take from it. `none` allows
 * nothing; empty resets. Returns the classes the service may not use.
 */
function readAddressFamilies(values: readonly string[]): Set<FamilyClass> {
  let allowList = false;
  let families: Set<number> | undefined;
  for (const raw of values) {
    const value = raw.trim();
    if (value === '' || value === 'none') {
      families = undefined;
      allowList = value === 'none';
      continue;
    }
    const invert = value.startsWith('~');
    if (!families) {
      families = new Set();
      allowList = !invert;
    }
    for (const word of splitWords(invert ? value.slice(1) : value)) {
      const number = familyNumber(word);
      if (number === undefined) continue;
      if (!invert === allowList) families.add(number);
      else families.delete(number);
    }
  }
  const classes: FamilyClass[] = ['inet', 'unix', 'netlink', 'packet', 'other'];
  const restricted = new Set<FamilyClass>(allowList ? classes : []);
  for (const number of families ?? []) {
    if (allowList) restricted.delete(familyClass(number));
    else restricted.add(familyClass(number));
  }
  return restricted;
}

function familyNumber(word: string): number | undefined {
  const upper = word.toUpperCase();
  const name = Object.keys(ADDRESS_FAMILIES).find((candidate) => candidate.toUpperCase() === upper);
  return name === undefined ? undefined : ADDRESS_FAMILIES[name];
}

/** config_parse_syscall_archs(): names add up, unknown ones are skipped, empty resets. */
function readArchitectures(values: readonly string[]): Set<string> {
  let architectures = new Set<string>();
  for (const value of values) {
    if (value.trim() === '') architectures = new Set();
    else for (const word of splitWords(value)) if (SYSCALL_ARCHITECTURES.has(word)) architectures.add(word);
  }
  return architectures;
}

/**
 * config_parse_syscall_filter() and seccomp_parse_syscall_filter(): the first assignment
 * decides between an allow list (which starts from `@default`) and a deny list (`~`);
 * later ones add to it or take from it. Only system calls of x86-64 are kept, as those are
 * the only ones the checks look at. A deny entry with an errno in an allow list
 * (`~name:EPERM`) counts as not allowed, as the check skips it.
 */
function readSyscallFilter(values: readonly string[]): { allowList: boolean; syscalls: Set<string> } {
  let allowList = false;
  let syscalls: Set<string> | undefined;
  for (const raw of values) {
    const value = raw.trim();
    if (value === '') {
      syscalls = undefined;
      allowList = false;
      continue;
    }
    const invert = value.startsWith('~');
    if (!syscalls) {
      syscalls = new Set();
      allowList = !invert;
      if (allowList) for (const name of expandGroup('@default')) syscalls.add(name);
    }
    for (const word of (invert ? value.slice(1) : value).split(/\s+/).filter(Boolean)) {
      const colon = word.indexOf(':');
      const name = colon < 0 ? word : word.slice(0, colon);
      // "Allow-listed system calls cannot take error number, ignoring"
      if (!invert && colon >= 0) continue;
      const members = name.startsWith('@') ? (name === '@known' || SYSCALL_GROUPS[name] !== undefined ? expandGroup(name) : []) : X86_64_SYSCALLS.has(name) ? [name] : [];
      const add = invert !== allowList;
      for (const member of members) add ? syscalls.add(member) : syscalls.delete(member);
    }
  }
  return { allowList, syscalls: syscalls ?? new Set() };
}

const expanded = new Map<string, ReadonlySet<string>>();

/** The x86-64 system calls of a group, its subgroups included. */
function expandGroup(group: string): ReadonlySet<string> {
  const known = expanded.get(group);
  if (known) return known;
  const members = new Set<string>();
  if (group === '@known') {
    // The kernel's list of system calls, as systemd was built with it. nfsservctl left that
    // list with Linux 6.6 (systemd v255's copy, which Debian's 252.39 carries too).
    for (const name of X86_64_SYSCALLS) if (name !== 'nfsservctl') members.add(name);
    for (const name of expandGroup('@obsolete')) members.add(name);
  } else {
    for (const word of (SYSCALL_GROUPS[group] ?? '').split(/\s+/)) {
      if (word.startsWith('@')) for (const name of expandGroup(word)) members.add(name);
      else if (X86_64_SYSCALLS.has(word)) members.add(word);
    }
  }
  expanded.set(group, members);
  return members;
}

interface Prefix {
  readonly family: 4 | 6;
  readonly length: number;
  readonly localhost: boolean;
}

/** IPAddressDeny=, IPAddressAllow= and the BPF filters, as the IP address check reads them. */
function readIpAccess(read: Assignments): SecurityInfo['ip'] {
  const deny = readPrefixes(read.of('IPAddressDeny'));
  const allow = readPrefixes(read.of('IPAddressAllow'));
  return {
    denyAll: deny.some((prefix) => prefix.family === 4 && prefix.length === 0) && deny.some((prefix) => prefix.family === 6 && prefix.length === 0),
    allowLocalhost: allow.some((prefix) => prefix.localhost),
    allowOther: allow.some((prefix) => !prefix.localhost),
    customFilters: readList(read.of('IPIngressFilterPath')).length > 0 || readList(read.of('IPEgressFilterPath')).length > 0,
  };
}

/** config_parse_in_addr_prefixes(): addresses with an optional prefix length, and the words any, localhost, link-local, multicast. */
function readPrefixes(values: readonly string[]): Prefix[] {
  let prefixes: Prefix[] = [];
  for (const value of values) {
    if (value.trim() === '') {
      prefixes = [];
      continue;
    }
    for (const word of value.trim().split(/\s+/)) {
      if (word === 'any') prefixes.push({ family: 4, length: 0, localhost: false }, { family: 6, length: 0, localhost: false });
      else if (/^(?:.*\.)?localhost(?:\.localdomain)?\.?$/i.test(word)) prefixes.push({ family: 4, length: 8, localhost: true }, { family: 6, length: 128, localhost: true });
      else if (word === 'link-local') prefixes.push({ family: 4, length: 16, localhost: false }, { family: 6, length: 64, localhost: false });
      else if (word === 'multicast') prefixes.push({ family: 4, length: 4, localhost: false }, { family: 6, length: 8, localhost: false });
      else {
        const prefix = parsePrefix(word);
        if (prefix) prefixes.push(prefix);
      }
    }
  }
  return prefixes;
}

/** `10.0.0.0/8`, `::1`, `fe80::/10`; the address is masked to its prefix before the localhost test, as systemd masks it. */
function parsePrefix(word: string): Prefix | undefined {
  const [address = '', lengthText] = word.split('/', 2);
  if (lengthText !== undefined && !/^\d+$/.test(lengthText)) return undefined;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    if (v4.slice(1).some((octet) => Number(octet) > 255)) return undefined;
    const length = lengthText === undefined ? 32 : Number(lengthText);
    if (length > 32) return undefined;
    // Only the first octet decides "localhost" (127.0.0.0/8).
    const first = Number(v4[1]) & (length >= 8 ? 0xff : (0xff << (8 - length)) & 0xff);
    return { family: 4, length, localhost: first === 127 };
  }
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  const length = lengthText === undefined ? 128 : Number(lengthText);
  if (length > 128) return undefined;
  const loopback = length === 128 && groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1;
  return { family: 6, length, localhost: loopback };
}

function ipv6Groups(text: string): number[] | undefined {
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const piece of part.split(':')) {
      if (/^\d+\.\d+\.\d+\.\d+$/.test(piece)) {
        const octets = piece.split('.').map(Number);
        groups.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) groups.push(parseInt(piece, 16));
      else return undefined;
    }
    return groups;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  return missing < 1 ? undefined : [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** config_parse_device_allow(): a device node under /dev/ or a `char-`/`block-` class, with rwm; empty resets. */
function readDeviceAllow(values: readonly string[]): string[] {
  let entries: string[] = [];
  for (const value of values) {
    if (value.trim() === '') {
      entries = [];
      continue;
    }
    const [path = '', access = 'rwm'] = splitWords(value);
    if (!/^(\/dev\/|char-|block-)/.test(path) || !/^[rwm]*$/.test(access)) continue;
    entries.push(`${path}:${access}`);
  }
  return entries;
}

function runsPrivileged(info: SecurityInfo): boolean {
  if (info.user === '0' || info.user === 'root') return true;
  if (info.dynamicUser) return false;
  return info.user === undefined || info.user === '';
}

/** The assess_*() functions of analyze-security.c: a badness from 0 to the range, or undefined for "does not apply". */
function assess(assessor: SecurityAssessor, info: SecurityInfo): number | undefined {
  if (assessor.defaultDependenciesOnly && !info.defaultDependencies) return undefined;
  const check = assessor.check;
  switch (check.kind) {
    case 'user': {
      const root = info.user === undefined || ['0', 'root', ''].includes(info.user);
      if (info.user === 'nobody') return 9;
      return root ? 10 : 0;
    }
    case 'supplementary-groups':
      return runsPrivileged(info) ? undefined : info.supplementaryGroups > 0 ? 1 : 0;
    case 'flag':
      return info.flags[check.flag] === (check.badWhenOn === true) ? 1 : 0;
    case 'protect-home':
      return { yes: 0, 'read-only': 5, tmpfs: 1 }[info.protectHome] ?? 10;
    case 'protect-system':
      return { strict: 0, full: 3, yes: 5 }[info.protectSystem] ?? 10;
    case 'root-directory':
      return isEmptyOrRoot(info.rootDirectory) && isEmptyOrRoot(info.rootImage) ? 1 : 0;
    case 'capabilities':
      return check.capabilities.some((name) => (info.capabilityBoundingSet & capability(name)) !== 0n) ? 1 : 0;
    case 'umask':
      return (info.umask & 0o002) === 0 ? 10 : (info.umask & 0o004) === 0 ? 5 : (info.umask & 0o020) === 0 ? 2 : (info.umask & 0o040) === 0 ? 1 : 0;
    case 'keyring-mode':
      return info.keyringMode === 'private' ? 0 : 1;
    case 'protect-proc':
      return info.protectProc === 'noaccess' ? 1 : info.protectProc === 'invisible' || info.protectProc === 'ptraceable' ? 0 : 3;
    case 'proc-subset':
      return info.procSubset === 'pid' ? 0 : 1;
    case 'notify-access':
      return info.notifyAccess === 'all' ? 1 : 0;
    case 'remove-ipc':
      return runsPrivileged(info) ? undefined : info.flags.RemoveIPC ? 0 : 1;
    case 'namespace':
      return info.namespacesAllowed.has(check.namespace) ? 1 : 0;
    case 'address-family':
      return info.familiesRestricted.has(check.family) ? 0 : 1;
    case 'syscall-architectures': {
      const architectures = info.syscallArchitectures;
      if (architectures.size === 0) return 10;
      return architectures.size === 1 && architectures.has('native') ? 0 : 8;
    }
    case 'syscall-group': {
      const { allowList, syscalls } = info.syscallFilter;
      if (!allowList && syscalls.size === 0) return 10;
      const members = [...expandGroup(check.group)];
      // A member let through: in the allow list, or missing from the deny list.
      const letThrough = members.some((name) => syscalls.has(name) === allowList);
      return allowList ? (letThrough ? 9 : 0) : letThrough ? 10 : 0;
    }
    case 'ip-address':
      if (info.ip.customFilters) return 0;
      if (!info.ip.denyAll) return 10;
      return info.ip.allowOther ? 5 : info.ip.allowLocalhost ? 2 : 0;
    case 'device-allow':
      if (info.devicePolicy === 'strict' || info.devicePolicy === 'closed') return info.deviceAllow.length > 0 ? 5 : 0;
      return 10;
    case 'ambient-capabilities':
      return info.ambientCapabilities !== 0n ? 1 : 0;
  }
}

function isEmptyOrRoot(path: string | undefined): boolean {
  return path === undefined || path === '' || /^\/+$/.test(path);
}
