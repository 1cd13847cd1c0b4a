import { effectiveUse } from '../../engine/gunicorn-runs';
import type { Rule } from '../../engine/rule';
import { asNumber, evaluate } from '../../formats/gunicorn/value';
import { cpuWorkers } from '../../host/sizing';
import { declareHostFixes, sizedFixIsSafe, sizedTitle } from '../sized-fixes';
import { setSetting } from './setting-edits';
import { useSpan } from './use-span';
import { countPlace, cpuLimit, setWorkerCount, workerCountVerdict } from './worker-count';

/** A host bigger than any real one, to tell `min(cpu_count(), 4)` (bounded) from `cpu_count() * 2 + 1` (grows with the host). */
const HUGE_HOST_CPUS = 1024;

/**
 * More worker processes than the declared CPUs can use (the limit per worker class is in
 * worker-count.ts: `2 × cpus + 1` for sync and gthread, one per CPU for event-loop
 * classes), and `multiprocessing.cpu_count()` in a container, where it counts the host's
 * CPUs rather than the container's share (os.cpu_count() reads the machine, not the
 * cgroup quota).
 *
 * When memory holds fewer workers still, gunicorn/workers-exceed-memory reports the run
 * instead, with its lower count.
 */
export const workersExceedCpu: Rule = {
  id: 'gunicorn/workers-exceed-cpu',
  severity: 'warning',
  summary: 'More workers than the CPUs can use (2 × CPUs + 1; one per CPU for event-loop workers), or cpu_count() in a container',

  gunicornRun(run, context) {
    const host = context.host;
    const use = effectiveUse(run, 'workers');
    const limit = cpuLimit(run, context);
    // On a big host, does the expression start more workers than the container can use?
    // `min(cpu_count(), 4)` on 4 declared CPUs does not; what cannot be evaluated is taken to.
    const onHugeHost = use && host.container && /\bcpu_count\s*\(/.test(use.document.source.slice(use.valueSpan)) ? (asNumber(evaluate(use.value, { cpus: HUGE_HOST_CPUS })) ?? Infinity) : undefined;
    if (use && onHugeHost !== undefined && onHugeHost > (limit?.limit ?? cpuWorkers(host.cpus)).value) {
      const allowed = host.assumed.has('cpus') ? 'only a few' : `${host.cpus} CPU${host.cpus === 1 ? '' : 's'}`;
      context.report({
        document: use.document,
        span: useSpan(use, 'value'),
        message: `cpu_count() in a container counts the CPUs of the host, not the container's limit: on a large host this starts dozens of workers in a container allowed ${allowed}`,
        // Without declared CPUs there is no number to write: offer to declare them instead.
        fixes: limit
          ? [{ title: sizedTitle(`Write workers = ${limit.limit.value}`, limit.limit.arithmetic, context), safe: sizedFixIsSafe(context), preferred: true, edits: setSetting(run, 'workers', { kind: 'number', value: limit.limit.value, integer: true }, context) }]
          : declareHostFixes(context),
      });
      return;
    }
    const verdict = workerCountVerdict(run, context).cpu;
    if (!verdict) return;
    const { count, proposed } = verdict;
    const cpus = `${host.cpus} CPU${host.cpus === 1 ? '' : 's'}`;
    const why = verdict.eventLoopClass
      ? `a ${verdict.eventLoopClass} worker runs an event loop that keeps a CPU busy on its own, so the CPUs use at most ${proposed.arithmetic}`
      : `gunicorn's guidance is at most ${proposed.arithmetic}`;
    const workers = verdict.eventLoopClass ? `${verdict.eventLoopClass} workers` : 'workers';
    context.report({
      ...countPlace(count.source),
      message: `${count.value} ${workers} on ${cpus}: ${why}; the extra processes only take turns on the same CPUs, each with its own copy of the app in memory`,
      fixes: [
        { title: sizedTitle(`Run ${proposed.value} worker${proposed.value === 1 ? '' : 's'}`, proposed.arithmetic, context), safe: sizedFixIsSafe(context), preferred: true, edits: setWorkerCount(run, count.source, proposed.value, context) },
        ...declareHostFixes(context),
      ],
    });
  },
};
