import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { RuleContext } from '../../engine/rule';
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
