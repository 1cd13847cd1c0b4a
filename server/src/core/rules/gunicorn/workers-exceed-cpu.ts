import type { Rule } from '../../engine/rule';
import { cpuWorkers, MASTER_MIB, memoryWorkers } from '../../host/sizing';
import { effectiveNumber } from './run-settings';
import { setSetting } from './setting-edits';
import { memoryBudget } from './sized-layout';
import { declareHostFixes, sizedFixIsSafe, sizedTitle } from '../sized-fixes';
import { useSpan } from './use-span';

/**
 * More worker processes than gunicorn's own guidance for the CPUs (`2 × cpus + 1`), and
 * `multiprocessing.cpu_count()` in a container, where it counts the host's CPUs rather
 * than the container's share.
 */
export const workersExceedCpu: Rule = {
  id: 'gunicorn/workers-exceed-cpu',
  severity: 'warning',
  summary: 'More workers than 2 × CPUs + 1, or cpu_count() in a container (it sees the host\'s CPUs)',

  gunicornRun(run, context) {
    const host = context.host;
    const use = run.uses.filter((candidate) => candidate.setting.name === 'workers').at(-1);
    const cpuCount = use && /\bcpu_count\s*\(/.test(use.document.source.slice(use.valueSpan));
    const guidance = cpuWorkers(host.cpus);
    if (use && cpuCount && host.container) {
      context.report({
        document: use.document,
        span: useSpan(use, 'value'),
        message: `cpu_count() in a container counts the CPUs of the host, not the container's limit: on a large host this starts dozens of workers in a container allowed ${host.cpus} CPU${host.cpus === 1 ? '' : 's'}`,
        fixes: host.assumed.has('cpus')
          ? []
          : [{ title: sizedTitle(`Write workers = ${guidance.value}`, guidance.arithmetic, context), safe: sizedFixIsSafe(context), preferred: true, edits: setSetting(run, 'workers', integer(guidance.value), context) }],
      });
      return;
    }
    const workers = effectiveNumber(run, 'workers', context);
    // The guidance needs the real CPUs; with the assumed single CPU every config would be flagged.
    if (!workers?.use || host.assumed.has('cpus') || workers.value <= guidance.value) return;
    // When memory holds even fewer, workers-exceed-memory says so and proposes that count.
    const budget = memoryBudget(run, context);
    if (!host.assumed.has('memory') && MASTER_MIB + workers.value * host.workerMemoryMiB > budget.value && memoryWorkers(budget.value, host.workerMemoryMiB).value < guidance.value) return;
    context.report({
      document: workers.use.document,
      span: useSpan(workers.use),
      message: `${workers.value} workers on ${host.cpus} CPU${host.cpus === 1 ? '' : 's'}: gunicorn's guidance is at most ${guidance.arithmetic}; the extra processes only take turns on the same CPUs, each with its own copy of the app in memory`,
      fixes: [
        { title: sizedTitle(`Run ${guidance.value} workers`, guidance.arithmetic, context), safe: sizedFixIsSafe(context), preferred: true, edits: setSetting(run, 'workers', integer(guidance.value), context) },
        ...declareHostFixes(context),
      ],
    });
  },
};

function integer(value: number) {
  return { kind: 'number' as const, value, integer: true };
}
