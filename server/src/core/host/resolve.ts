import type { Severity } from '../model/finding';
import type { Targets } from '../model/targets';
import { PROGRAMS, type HostSpec, type Program, type Workload } from './host-spec';
import { distroPreset, type DistroPreset } from './presets';

/** A declaration and where it was made, for messages: "the comment on line 3", "/srv/app/.deploylint.ini", "settings", "--host". */
export interface HostLayer {
  readonly spec: HostSpec;
  readonly origin: string;
}

export type AssumedField = 'cpus' | 'memory' | 'worker_memory' | 'workload';

/** The machine a document is checked against: every field filled, and which were assumed. */
export interface Host {
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly container: boolean;
  readonly workerMemoryMiB: number;
  readonly workload: Workload;
  /** Fields nobody declared, filled from the stated assumption (1 CPU, 1 GiB, 100M workers, mixed). */
  readonly assumed: ReadonlySet<AssumedField>;
  /** Where the machine was declared (the first layer that set cpus or memory); undefined when nothing was. */
  readonly declaredBy?: string;
  /** Versions: an explicit version, else the distro preset's, else the newest known. */
  readonly targets: Targets;
  readonly rules: Readonly<Record<string, Severity | 'off'>>;
}

/** The assumption when nothing is declared, stated in every sized fix title. */
export const ASSUMED = { cpus: 1, memoryMiB: 1024, workerMemoryMiB: 100, workload: 'mixed' as Workload };

/**
 * Merges declarations, nearest first (a file's comment, its .deploylint.ini, settings or
 * --host): each field comes from the first layer that sets it, so a file's comment can
 * change the CPUs and still take the versions from .deploylint.ini. Rule severities merge
 * the same way, per rule.
 *
 * Versions, per program: the first layer that names it explicitly, else the preset of the
 * first layer that names a known distro, else the newest release known. An explicit
 * version beats a distro even from a farther layer: `[versions] gunicorn = 23.0` says the
 * app runs its own gunicorn (a venv), whatever distro a file's comment names.
 */
export function resolveHost(layers: readonly HostLayer[], newest: Readonly<Record<Program, string>>): Host {
  const first = <T>(pick: (spec: HostSpec) => T | undefined): T | undefined => {
    for (const layer of layers) {
      const value = pick(layer.spec);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const cpus = first((spec) => spec.cpus);
  const memoryMiB = first((spec) => spec.memoryMiB);
  const workerMemoryMiB = first((spec) => spec.workerMemoryMiB);
  const workload = first((spec) => spec.workload);
  const assumed = new Set<AssumedField>();
  if (cpus === undefined) assumed.add('cpus');
  if (memoryMiB === undefined) assumed.add('memory');
  if (workerMemoryMiB === undefined) assumed.add('worker_memory');
  if (workload === undefined) assumed.add('workload');
  const declaredBy = layers.find((layer) => layer.spec.cpus !== undefined || layer.spec.memoryMiB !== undefined)?.origin;
  const rules: Record<string, Severity | 'off'> = {};
  for (const layer of [...layers].reverse()) Object.assign(rules, layer.spec.rules ?? {});
  return {
    cpus: cpus ?? ASSUMED.cpus,
    memoryMiB: memoryMiB ?? ASSUMED.memoryMiB,
    container: first((spec) => spec.container) ?? false,
    workerMemoryMiB: workerMemoryMiB ?? ASSUMED.workerMemoryMiB,
    workload: workload ?? ASSUMED.workload,
    assumed,
    ...(declaredBy !== undefined ? { declaredBy } : {}),
    targets: targetsOf(layers, newest),
    rules,
  };
}

/**
 * The releases, and what decided them, for messages that end "(… ; <origin>)":
 * "newest known", "debian-12 (from /srv/.deploylint.ini)", "debian-12 with gunicorn 23.0
 * (from /srv/.deploylint.ini)", "gunicorn 20.1 (from --host), newest known otherwise".
 */
function targetsOf(layers: readonly HostLayer[], newest: Readonly<Record<Program, string>>): Targets {
  let preset: { preset: DistroPreset; origin: string } | undefined;
  for (const layer of layers) {
    const found = layer.spec.distro !== undefined ? distroPreset(layer.spec.distro) : undefined;
    if (found) {
      preset = { preset: found, origin: layer.origin };
      break;
    }
  }
  const explicit = new Map<Program, { version: string; origin: string }>();
  for (const program of PROGRAMS) {
    const layer = layers.find((candidate) => candidate.spec.versions[program] !== undefined);
    if (layer) explicit.set(program, { version: layer.spec.versions[program]!, origin: layer.origin });
  }
  const version = (program: Program) => explicit.get(program)?.version ?? preset?.preset.versions[program] ?? newest[program];

  // "gunicorn 23.0, nginx 1.22 (from X)", one group per origin, in the order of PROGRAMS.
  const groups = new Map<string, string[]>();
  for (const [program, { version: written, origin }] of explicit) groups.set(origin, [...(groups.get(origin) ?? []), `${program} ${written}`]);
  const described = [...groups].map(([origin, list]) => ({ origin, text: list.join(', ') }));

  let origin: string;
  if (!preset && described.length === 0) origin = 'newest known';
  else if (preset && described.length === 0) origin = `${preset.preset.id} (from ${preset.origin})`;
  else if (preset && described.length === 1 && described[0]!.origin === preset.origin) origin = `${preset.preset.id} with ${described[0]!.text} (from ${preset.origin})`;
  else {
    const parts = described.map((group) => `${group.text} (from ${group.origin})`);
    if (preset) origin = `${preset.preset.id} (from ${preset.origin}) with ${parts.join(', ')}`;
    else origin = explicit.size === PROGRAMS.length ? parts.join(', ') : `${parts.join(', ')}, newest known otherwise`;
  }
  return { gunicorn: version('gunicorn'), systemd: version('systemd'), nginx: version('nginx'), python: version('python'), origin };
}
