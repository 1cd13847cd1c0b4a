import type { GunicornRun } from '../../engine/gunicorn-runs';
import { dirName } from '../../engine/deployed-paths';
import { HOST_FILE, nearestHostFile } from '../../engine/host-layers';
import type { FixDraft, RuleContext } from '../../engine/rule';
import type { UnitFile } from '../../formats/systemd/model';
import type { PyValue } from '../../formats/gunicorn/value';
import { parseMemoryMiB } from '../../host/sizes';
import { memoryPlan, mib, singleWorkerPlan, workerPlan, type Sized, type WorkerPlan } from '../../host/sizing';

/**
 * The sizing model applied to one run: the memory budget is the unit's `MemoryHigh=` when
 * the unit that starts gunicorn sets one (80 % of its `MemoryMax=` otherwise), else what
 * the model proposes for the declared machine.
 */
export function memoryBudget(run: GunicornRun, context: RuleContext): Sized {
  const fromUnit = unitMemoryBudget(run);
  if (fromUnit) return fromUnit;
  const plan = memoryPlan(context.host.memoryMiB);
  return { value: plan.memoryHigh.value, arithmetic: `MemoryHigh ${plan.memoryHigh.arithmetic} of ${plan.memoryMax.arithmetic}` };
}

/** The budget the unit that starts gunicorn sets with MemoryHigh= or MemoryMax=; undefined when it sets neither. */
export function unitMemoryBudget(run: GunicornRun): Sized | undefined {
  const limits = run.launcher?.unit ? unitMemoryLimits(run.launcher.unit) : {};
  if (limits.high !== undefined) return { value: limits.high, arithmetic: `MemoryHigh=${mib(limits.high)} of the unit` };
  if (limits.max === undefined) return undefined;
  const high = Math.floor((limits.max * 0.8) / 16) * 16;
  return { value: high, arithmetic: `80% of the unit's MemoryMax=${mib(limits.max)} = ${mib(high)}` };
}

/** The layout the model proposes for this run on the declared machine. */
export function proposedLayout(run: GunicornRun, context: RuleContext, options: { mustRunOnce?: boolean } = {}): WorkerPlan {
  if (options.mustRunOnce) return singleWorkerPlan(context.host.cpus);
  return workerPlan(context.host, memoryBudget(run, context).value);
}

/** The settings a layout writes. */
export function layoutSettings(plan: WorkerPlan): [string, PyValue][] {
  const settings: [string, PyValue][] = [['workers', integer(plan.workers)]];
  if (plan.workerClass === 'gthread') settings.push(['worker_class', { kind: 'string', value: 'gthread' }], ['threads', integer(plan.threads)]);
  return settings;
}

/**
 * A fix title that shows its arithmetic, and says so when the machine was assumed rather
 * than declared: "Use 2 gthread workers × 2 threads (1 CPU, 1G: workers = …)".
 */
export function sizedTitle(action: string, arithmetic: string, context: RuleContext): string {
  const host = context.host;
  const machine = `${host.cpus} CPU${host.cpus === 1 ? '' : 's'}, ${mib(host.memoryMiB)}`;
  const assumed = host.assumed.has('cpus') || host.assumed.has('memory');
  return `${action} (${assumed ? `assuming ${machine}, no host declared` : machine}: ${arithmetic})`;
}

/**
 * Whether `--fix` may apply a sized fix by itself: only when the CPUs and memory it is
 * sized for were declared. Numbers worked out for the assumed 1 CPU, 1 GiB machine are a
 * proposal for a human to read, never an edit made unseen.
 */
export function sizedFixIsSafe(context: RuleContext): boolean {
  return !context.host.assumed.has('cpus') && !context.host.assumed.has('memory');
}

/**
 * When no machine is declared and no .deploylint.ini is on the way up from the file: a
 * fix that creates one beside it, holding the assumption the titles used, for the user to
 * correct. Empty otherwise.
 */
export function declareHostFixes(context: RuleContext): FixDraft[] {
  if (sizedFixIsSafe(context) || nearestHostFile(context.document.path, context.workspace)) return [];
  const folder = dirName(context.document.path);
  const host = context.host;
  const text = [
    '; The machine these files are deployed to. deploylint sizes the numbers in its fixes',
    '; (workers, threads, memory and task limits) for it. Change the values to the real ones.',
    '[host]',
    `cpus = ${host.cpus}`,
    `memory = ${mib(host.memoryMiB)}`,
    '; distro = debian-12',
    '',
  ].join('\n');
  return [{ title: `Declare the machine in ${HOST_FILE} (the fixes assume ${host.cpus} CPU, ${mib(host.memoryMiB)})`, safe: false, edits: [], creates: [{ path: `${folder === '/' ? '' : folder}/${HOST_FILE}`, text }] }];
}

export function describeLayout(plan: WorkerPlan): string {
  return plan.workerClass === 'gthread'
    ? `${plan.workers} gthread worker${plan.workers === 1 ? '' : 's'} × ${plan.threads} threads`
    : `${plan.workers} sync worker${plan.workers === 1 ? '' : 's'}`;
}

function unitMemoryLimits(unit: UnitFile): { high?: number; max?: number } {
  const limits: { high?: number; max?: number } = {};
  for (const section of unit.sections) {
    if (section.name !== 'Service') continue;
    for (const entry of section.entries) {
      const size = parseMemoryMiB(entry.value);
      if (entry.key === 'MemoryHigh') limits.high = size;
      if (entry.key === 'MemoryMax') limits.max = size;
    }
  }
  return limits;
}

function integer(value: number): PyValue {
  return { kind: 'number', value, integer: true };
}
