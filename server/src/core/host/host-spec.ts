import { parseVersion } from '../model/version';
import { parseMemoryMiB } from './sizes';

import type { Severity } from '../model/finding';
import type { Workload } from './sizing';

/** One declaration of the machine (a comment, a .deploylint.ini, settings, --host): any field may be absent. */
export interface HostSpec {
  readonly cpus?: number;
  readonly memoryMiB?: number;
  /** A preset id, e.g. "debian-12": the versions that distribution ships. */
  readonly distro?: string;
  /** cpu_count() sees the machine's CPUs, not the container's share. */
  readonly container?: boolean;
  /** Explicit versions; they win over the distro's. */
  readonly versions: Partial<Record<Program, string>>;
  readonly workerMemoryMiB?: number;
  readonly workload?: Workload;
  /** Severity overrides by rule id. */
  readonly rules?: Readonly<Record<string, Severity | 'off'>>;
}

export type Program = 'gunicorn' | 'systemd' | 'nginx' | 'python';
const PROGRAMS: readonly Program[] = ['gunicorn', 'systemd', 'nginx', 'python'];

/**
 * Reads the `--host` form, `cpus=4,memory=1G,nginx=1.22`. Returns the spec or the first
 * thing wrong with it, phrased for a one-line error.
 */
export function parseHostOption(text: string): HostSpec | { error: string } {
  let cpus: number | undefined;
  let memoryMiB: number | undefined;
  const versions: Partial<Record<Program, string>> = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    if (equals < 0) return { error: `"${trimmed}" is not key=value` };
    const key = trimmed.slice(0, equals).trim();
    const value = trimmed.slice(equals + 1).trim();
    if (key === 'cpus') {
      if (!/^\d+$/.test(value) || Number(value) < 1) return { error: `cpus must be a whole number of at least 1, not "${value}"` };
      cpus = Number(value);
    } else if (key === 'memory') {
      const parsed = parseMemoryMiB(value);
      if (parsed === undefined || parsed <= 0) return { error: `memory must be a size such as 512M or 1G, not "${value}"` };
      memoryMiB = parsed;
    } else if ((PROGRAMS as readonly string[]).includes(key)) {
      if (!parseVersion(value)) return { error: `${key} must be a version such as 1.22 or 252, not "${value}"` };
      versions[key as Program] = value;
    } else {
      return { error: `unknown host key "${key}" (known: cpus, memory, ${PROGRAMS.join(', ')})` };
    }
  }
  return { ...(cpus !== undefined ? { cpus } : {}), ...(memoryMiB !== undefined ? { memoryMiB } : {}), versions };
}
