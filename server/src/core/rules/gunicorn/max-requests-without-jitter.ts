import type { Rule } from '../../engine/rule';
import { maxRequestsJitter } from '../../host/sizing';
import { effectiveNumber } from './run-settings';
import { setSetting } from './setting-edits';
import { useSpan } from './use-span';
import { effectiveWorkers } from './worker-count';

/**
 * `max_requests` recycles a worker after that many requests. Workers share the load
 * evenly, so without `max_requests_jitter` they reach the count together and restart at
 * the same moment. gunicorn draws each worker's limit as `max_requests + randint(0,
 * max_requests_jitter)` when the worker starts (gunicorn/workers/base.py, Worker.__init__,
 * 20.1 and 23.0), so a jitter spreads the restarts out.
 */
export const maxRequestsWithoutJitter: Rule = {
  id: 'gunicorn/max-requests-without-jitter',
  severity: 'warning',
  summary: 'max_requests without max_requests_jitter: every worker recycles at the same moment',

  gunicornRun(run, context) {
    const maxRequests = effectiveNumber(run, 'max_requests', context);
    if (!maxRequests?.use || maxRequests.value <= 0) return;
    const jitter = effectiveNumber(run, 'max_requests_jitter', context);
    // A jitter whose value is unknown (read from the environment) may well be set.
    if (!jitter || jitter.value > 0) return;
    // The count as gunicorn starts it: `workers`, else WEB_CONCURRENCY from the unit, else 1.
    const workers = effectiveWorkers(run, context);
    // One worker restarts alone either way; with an unknown count, several is the usual case.
    if (workers && workers.value <= 1) return;
    const proposed = maxRequestsJitter(maxRequests.value);
    const count = workers ? `the ${workers.value} workers` : 'the workers';
    context.report({
      document: maxRequests.use.document,
      span: useSpan(maxRequests.use),
      message: `max_requests ${maxRequests.value} without max_requests_jitter: ${count} share the requests evenly, reach ${maxRequests.value} together and restart at the same moment, leaving no worker to answer`,
      fixes: [
        {
          // Not sized to the host (the jitter follows max_requests alone), so the title shows the arithmetic but no machine.
          title: `Set max_requests_jitter = ${proposed.value} (${proposed.arithmetic})`,
          // Only spreads the restarts out: nothing else about the service changes.
          safe: true,
          preferred: true,
          edits: setSetting(run, 'max_requests_jitter', { kind: 'number', value: proposed.value, integer: true }, context),
        },
      ],
    });
  },
};
