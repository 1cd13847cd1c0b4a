import type { Severity } from '../model/finding';
import type { Targets } from '../model/targets';
import type { HostSpec, Program } from './host-spec';
import { distroPreset } from './presets';
import type { Workload } from './sizing';

/** A declaration and where it was made, for messages: "the comment on line 3", "/srv/app/.deploylint.ini". */
export interface HostLayer {
  readonly spec: HostSpec;
  readonly origin: string;
}

/** The machine a document is checked against: every field filled, and which were assumed. */
export interface Host {
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly container: boolean;
  readonly workerMemoryMiB: number;
  readonly workload: Workload;
  /** Fields nobody declared, filled from the stated assumption (1 CPU, 1 GiB, 100M workers, mixed). */
  readonly assumed: ReadonlySet<'cpus' | 'memory' | 'worker_memory' | 'workload'>;
  /** The first declaration that set the CPUs or the memory. */
  readonly declaredBy?: string;
  readonly targets: Targets;
  readonly rules: Readonly<Record<string, Severity | 'off'>>;
}

/** The assumption when nothing is declared, stated in every sized fix title. */
export const ASSUMED = { cpus: 1, memoryMiB: 1024, workerMemoryMiB: 100, workload: 'mixed' as Workload };

/**
 * Merges declarations, nearest first: each field comes from the first layer that sets it,
 * so a file's comment can change the CPUs and still take the versions from .deploylint.ini.
 * Versions: an explicit version, else the first distro's, else the newest known.
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
  const assumed = new Set<'cpus' | 'memory' | 'worker_memory' | 'workload'>();
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
    ...(declaredBy ? { declaredBy } : {}),
    targets: targetsOf(layers, newest),
    rules,
  };
}

function targetsOf(layers: readonly HostLayer[], newest: Readonly<Record<Program, string>>): Targets {
  const distroLayer = layers.find((layer) => layer.spec.distro !== undefined && distroPreset(layer.spec.distro));
  const preset = distroLayer ? distroPreset(distroLayer.spec.distro!) : undefined;
  const explicit = (program: Program) => layers.find((layer) => layer.spec.versions[program] !== undefined)?.spec.versions[program];
  const version = (program: Program) => explicit(program) ?? preset?.versions[program] ?? newest[program];
  const anyExplicit = (['gunicorn', 'systemd', 'nginx', 'python'] as const).some((program) => explicit(program) !== undefined);
  const origin = preset ? `${preset.id}, declared in ${distroLayer!.origin}` : anyExplicit ? 'declared' : 'newest known';
  return { gunicorn: version('gunicorn'), systemd: version('systemd'), nginx: version('nginx'), python: version('python'), origin };
}
