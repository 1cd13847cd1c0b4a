import { parseVersion } from '../model/version';
import { closestName } from '../text/suggest';
import { DISTRO_PRESETS, distroPreset } from './presets';
import { parseMemoryMiB } from './sizes';

import type { Severity } from '../model/finding';

export type Program = 'gunicorn' | 'systemd' | 'nginx' | 'python';
export const PROGRAMS: readonly Program[] = ['gunicorn', 'systemd', 'nginx', 'python'];

/** What the app's workers mostly wait for: the network and the database (io), the CPU (cpu), or both. */
export type Workload = 'io' | 'cpu' | 'mixed';
export const WORKLOADS: readonly Workload[] = ['io', 'cpu', 'mixed'];

/** One declaration of the machine (a comment, a .deploylint.ini, settings, --host): any field may be absent. */
export interface HostSpec {
  /** A whole number, at least 1. */
  readonly cpus?: number;
  /** More than 0. */
  readonly memoryMiB?: number;
  /** A preset id, e.g. "debian-12": the versions that distribution ships. */
  readonly distro?: string;
  /** cpu_count() sees the machine's CPUs, not the container's share. */
  readonly container?: boolean;
  /** Explicit versions; they win over the distro's. */
  readonly versions: Partial<Record<Program, string>>;
  /** Resident memory of one worker (`[app] worker_memory`; assumed 100M when nobody says). */
  readonly workerMemoryMiB?: number;
  /** `[app] workload`; assumed mixed when nobody says. */
  readonly workload?: Workload;
  /** Severity overrides by rule id (`[rules]`). */
  readonly rules?: Readonly<Record<string, Severity | 'off'>>;
}

/**
 * The keys of a one-line declaration (`--host`, `# deploylint: host`): those of
 * .deploylint.ini's [host], [app] and [versions], in the order messages list them.
 */
export const HOST_OPTION_KEYS: readonly string[] = ['cpus', 'memory', 'distro', 'container', 'worker_memory', 'workload', ...PROGRAMS];

/** What one key=value sets, or what is wrong with the value, phrased for the user. */
export type HostValue = { readonly spec: Partial<HostSpec> } | { readonly version: { program: Program; value: string } } | { readonly error: string };

/**
 * Reads the value of one host key (cpus, memory, distro, container, worker_memory,
 * workload, or a program's version). The same words wherever the machine is declared,
 * so a mistake reads the same in a comment, a .deploylint.ini and on the command line.
 */
export function readHostValue(key: string, value: string): HostValue {
  switch (key) {
    case 'cpus': {
      if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
        return { error: `cpus must be a whole number of at least 1, not "${value}"` };
      }
      return { spec: { cpus: Number(value) } };
    }
    case 'memory':
    case 'worker_memory': {
      const size = readSize(key, value);
      if ('error' in size) return size;
      return { spec: key === 'memory' ? { memoryMiB: size.mib } : { workerMemoryMiB: size.mib } };
    }
    case 'distro': {
      const preset = distroPreset(value);
      if (preset) return { spec: { distro: preset.id } };
      return { error: unknownDistro(value) };
    }
    case 'container': {
      const lowered = value.toLowerCase();
      if (TRUE_WORDS.includes(lowered)) return { spec: { container: true } };
      if (FALSE_WORDS.includes(lowered)) return { spec: { container: false } };
      return { error: `container must be true or false, not "${value}"` };
    }
    case 'workload': {
      const lowered = value.toLowerCase();
      if ((WORKLOADS as readonly string[]).includes(lowered)) return { spec: { workload: lowered as Workload } };
      return { error: `workload must be io, cpu or mixed, not "${value}"` };
    }
    default: {
      if (!(PROGRAMS as readonly string[]).includes(key)) return { error: `unknown host key "${key}"` };
      if (!parseVersion(value)) return { error: `${key} must be a version such as ${EXAMPLE_VERSION[key as Program]}, not "${value}"` };
      return { version: { program: key as Program, value: value.trim() } };
    }
  }
}

const TRUE_WORDS = ['true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];
const EXAMPLE_VERSION: Readonly<Record<Program, string>> = { gunicorn: '23.0', systemd: '252', nginx: '1.22', python: '3.11' };

function readSize(key: string, value: string): { mib: number } | { error: string } {
  if (/^\d+(\.\d+)?$/.test(value.trim())) {
    return { error: `${key} must be a size such as 512M or 1G: "${value.trim()}" has no unit (K, M, G, T are powers of 1024)` };
  }
  const mib = parseMemoryMiB(value);
  if (mib === undefined || !Number.isFinite(mib)) {
    return { error: `${key} must be a size such as 512M or 1G (K, M, G, T are powers of 1024), not "${value}"` };
  }
  if (mib <= 0) return { error: `${key} must be more than 0, not "${value}"` };
  return { mib };
}

/** "debian-21" is no distro deploylint knows …; with the closest id (or the id of a codename) when there is one. */
export function unknownDistro(value: string): string {
  const ids = DISTRO_PRESETS.map((preset) => preset.id);
  const lowered = value.trim().toLowerCase();
  const byCodename = DISTRO_PRESETS.find((preset) => preset.codename === lowered)?.id;
  const suggestion = byCodename ?? closestName(lowered, ids);
  return `"${value}" is no distro deploylint knows (${ids.join(', ')})${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
}

/** The id a misspelt distro most likely meant (a codename counts), for a fix. */
export function suggestedDistro(value: string): string | undefined {
  const lowered = value.trim().toLowerCase();
  return DISTRO_PRESETS.find((preset) => preset.codename === lowered)?.id ?? closestName(lowered, DISTRO_PRESETS.map((preset) => preset.id));
}

/** Adds what one valid key=value says to a spec. */
export function withHostValue(spec: HostSpec, read: Exclude<HostValue, { error: string }>): HostSpec {
  if ('version' in read) return { ...spec, versions: { ...spec.versions, [read.version.program]: read.version.value } };
  return { ...spec, ...read.spec };
}

/**
 * Reads the `--host` form, `cpus=4,memory=1G,distro=debian-12,nginx=1.22`. Returns the spec
 * or the first thing wrong with it, phrased for a one-line error.
 */
export function parseHostOption(text: string): HostSpec | { error: string } {
  let spec: HostSpec = { versions: {} };
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    if (equals < 0) return { error: `"${trimmed}" is not key=value` };
    const key = trimmed.slice(0, equals).trim();
    const value = trimmed.slice(equals + 1).trim();
    if (!HOST_OPTION_KEYS.includes(key)) {
      const suggestion = closestName(key, HOST_OPTION_KEYS);
      return { error: `unknown host key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known: ${HOST_OPTION_KEYS.join(', ')}` };
    }
    if (seen.has(key)) return { error: `${key} is given twice` };
    seen.add(key);
    if (value === '') return { error: `${key} has no value` };
    const read = readHostValue(key, value);
    if ('error' in read) return { error: read.error };
    spec = withHostValue(spec, read);
  }
  return spec;
}
