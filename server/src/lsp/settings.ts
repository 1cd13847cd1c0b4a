import { PROGRAMS, WORKLOADS, type HostSpec, type Program, type Workload } from '../core/host/host-spec';
import { distroPreset } from '../core/host/presets';
import type { Severity } from '../core/model/finding';
import { parseMemoryMiB } from '../core/host/sizes';

/** The `deploylint.*` settings, as VS Code (or any client) sends them per resource. */
export interface Settings {
  readonly enable: boolean;
  /** Severity overrides: rule id → error | warning | info | off. */
  readonly rules: Readonly<Record<string, Severity | 'off'>>;
  readonly host: {
    readonly cpus?: number;
    readonly memory?: string;
    readonly versions?: Partial<Record<Program, string>>;
    /** A preset id (deploylint.host.distro). */
    readonly distro?: string;
    readonly container?: boolean;
    /** deploylint.host.workerMemory, a size such as 120M. */
    readonly workerMemory?: string;
    readonly workload?: Workload;
  };
}

export const DEFAULT_SETTINGS: Settings = { enable: true, rules: {}, host: {} };

/** Settings from the client, with anything malformed replaced by the default. */
export function readSettings(raw: unknown): Settings {
  const value = (raw ?? {}) as Record<string, unknown>;
  const host = (value.host ?? {}) as Record<string, unknown>;
  const rules: Record<string, Severity | 'off'> = {};
  for (const [rule, severity] of Object.entries((value.rules ?? {}) as Record<string, unknown>)) {
    if (severity === 'error' || severity === 'warning' || severity === 'info' || severity === 'off') rules[rule] = severity;
  }
  const versions: Partial<Record<Program, string>> = {};
  for (const [program, version] of Object.entries((host.versions ?? {}) as Record<string, unknown>)) {
    if ((PROGRAMS as readonly string[]).includes(program) && typeof version === 'string' && version.trim() !== '') {
      versions[program as Program] = version.trim();
    }
  }
  return {
    enable: value.enable !== false,
    rules,
    host: {
      ...(typeof host.cpus === 'number' && host.cpus >= 1 ? { cpus: Math.floor(host.cpus) } : {}),
      ...(typeof host.memory === 'string' && isSize(host.memory) ? { memory: host.memory } : {}),
      ...(typeof host.distro === 'string' && distroPreset(host.distro) ? { distro: distroPreset(host.distro)!.id } : {}),
      ...(typeof host.container === 'boolean' ? { container: host.container } : {}),
      ...(typeof host.workerMemory === 'string' && isSize(host.workerMemory) ? { workerMemory: host.workerMemory } : {}),
      ...(typeof host.workload === 'string' && (WORKLOADS as readonly string[]).includes(host.workload) ? { workload: host.workload as Workload } : {}),
      versions,
    },
  };
}

function isSize(text: string): boolean {
  const mib = parseMemoryMiB(text);
  return mib !== undefined && Number.isFinite(mib) && mib > 0;
}

export function hostSpecOf(settings: Settings): HostSpec {
  const host = settings.host;
  const memoryMiB = host.memory ? parseMemoryMiB(host.memory) : undefined;
  const workerMemoryMiB = host.workerMemory ? parseMemoryMiB(host.workerMemory) : undefined;
  return {
    ...(host.cpus !== undefined ? { cpus: host.cpus } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    ...(host.distro !== undefined ? { distro: host.distro } : {}),
    ...(host.container !== undefined ? { container: host.container } : {}),
    ...(workerMemoryMiB !== undefined ? { workerMemoryMiB } : {}),
    ...(host.workload !== undefined ? { workload: host.workload } : {}),
    versions: host.versions ?? {},
  };
}
