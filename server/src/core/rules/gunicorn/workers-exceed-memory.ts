import type { Rule } from '../../engine/rule';
import { MASTER_MIB, memoryWorkers, mib } from '../../host/sizing';
import { effectiveNumber } from './run-settings';
import { setSetting } from './setting-edits';
import { memoryBudget, unitMemoryBudget } from './sized-layout';
import { declareHostFixes, sizedFixIsSafe, sizedTitle } from '../sized-fixes';
import { useSpan } from './use-span';

/**
 * More workers than the memory budget holds: the unit's MemoryHigh= (or 80 % of its
 * MemoryMax=) when the unit that starts gunicorn sets one, else the budget the sizing
 * model gives the declared machine. Each worker is a full copy of the app
 * (`worker_memory`, 100M unless declared), plus the master.
 */
export const workersExceedMemory: Rule = {
  id: 'gunicorn/workers-exceed-memory',
  severity: 'warning',
  summary: 'More workers than the memory of the machine (or the unit\'s MemoryMax=) holds',

  gunicornRun(run, context) {
    const workers = effectiveNumber(run, 'workers', context);
    if (!workers?.use) return;
    // Judged against invented numbers it would be noise: a budget needs a unit limit or a declared memory.
    if (!unitMemoryBudget(run) && context.host.assumed.has('memory')) return;
    const budget = memoryBudget(run, context);
    const perWorker = context.host.workerMemoryMiB;
    const needed = MASTER_MIB + workers.value * perWorker;
    const fit = memoryWorkers(budget.value, perWorker);
    if (needed <= budget.value || fit.value >= workers.value) return;
    const perWorkerOrigin = context.host.assumed.has('worker_memory') ? ', the assumed size of a worker' : '';
    context.report({
      document: workers.use.document,
      span: useSpan(workers.use),
      message: `${workers.value} workers × ${mib(perWorker)}${perWorkerOrigin} + ${MASTER_MIB}M master = ${mib(needed)}, above the ${mib(budget.value)} memory budget (${budget.arithmetic}): under load the kernel kills workers mid-request, or systemd throttles the whole service`,
      fixes: [
        {
          title: sizedTitle(`Run ${fit.value} worker${fit.value === 1 ? '' : 's'}`, `workers = ${fit.arithmetic}`, context),
          safe: sizedFixIsSafe(context),
          preferred: true,
          edits: setSetting(run, 'workers', { kind: 'number', value: fit.value, integer: true }, context),
        },
        ...declareHostFixes(context),
      ],
    });
  },
};
