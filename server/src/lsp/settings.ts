import type { HostSpec, Program } from '../core/host/host-spec';
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
    if (['gunicorn', 'systemd', 'nginx', 'python'].includes(program) && typeof version === 'string' && version.trim() !== '') {
      versions[program as Program] = version.trim();
    }
  }
  return {
    enable: value.enable !== false,
    rules,
    host: {
      ...(typeof host.cpus === 'number' && host.cpus >= 1 ? { cpus: Math.floor(host.cpus) } : {}),
      ...(typeof host.memory === 'string' && parseMemoryMiB(host.memory) !== undefined ? { memory: host.memory } : {}),
      versions,
    },
  };
}

export function hostSpecOf(settings: Settings): HostSpec {
  const memoryMiB = settings.host.memory ? parseMemoryMiB(settings.host.memory) : undefined;
  return {
    ...(settings.host.cpus !== undefined ? { cpus: settings.host.cpus } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    versions: settings.host.versions ?? {},
  };
}
