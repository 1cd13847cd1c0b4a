import type { Rule } from '../../engine/rule';
import { MASTER_MIB, mib } from '../../host/sizing';
import { declareHostFixes, sizedFixIsSafe, sizedTitle } from '../sized-fixes';
import { countPlace, setWorkerCount, workerCountVerdict } from './worker-count';

/**
 * More workers than the memory budget holds: the unit's MemoryHigh= (or 80 % of its
 * MemoryMax=) when the unit that starts gunicorn sets one, else the budget the sizing
 * model gives the declared machine. Each worker is a full copy of the app
 * (`worker_memory`, 100M unless declared), plus the master.
 *
 * The count is the one gunicorn starts (worker-count.ts: `workers` wherever it is set,
 * evaluated on the declared host, else WEB_CONCURRENCY from the unit). When the count is
 * over the CPU limit too and gunicorn/workers-exceed-cpu proposes fewer workers, that
 * rule reports instead, so a run is never offered two different counts.
 */
export const workersExceedMemory: Rule = {
  id: 'gunicorn/workers-exceed-memory',
  severity: 'warning',
  summary: 'More workers than the memory of the machine (or the unit\'s MemoryMax=) holds',

  gunicornRun(run, context) {
    const verdict = workerCountVerdict(run, context).memory;
    if (!verdict) return;
    const { count, proposed, budget } = verdict;
    const perWorkerOrigin = context.host.assumed.has('worker_memory') ? ', the assumed size of a worker' : '';
    context.report({
      ...countPlace(count.source),
      message: `${count.value} workers × ${mib(verdict.perWorkerMiB)}${perWorkerOrigin} + ${MASTER_MIB}M master = ${mib(verdict.neededMiB)}, above the ${mib(budget.value)} memory budget (${budget.arithmetic}): under load the kernel kills workers mid-request, or systemd throttles the whole service`,
      fixes: [
        {
          title: sizedTitle(`Run ${proposed.value} worker${proposed.value === 1 ? '' : 's'}`, proposed.arithmetic, context),
          safe: sizedFixIsSafe(context),
          preferred: true,
          edits: setWorkerCount(run, count.source, proposed.value, context),
        },
        ...declareHostFixes(context),
      ],
    });
  },
};
