import type { Rule } from '../../engine/rule';
import { maxRequestsJitter } from '../../host/sizing';
import { effectiveNumber } from './run-settings';
import { setSetting } from './setting-edits';
import { useSpan } from './use-span';

/**
 * `max_requests` recycles a worker after that many requests. Workers share the load
 * evenly, so without `max_requests_jitter` they reach the count together and restart at
 * the same moment (gunicorn/workers/base.py: the limit is max_requests plus a random
 * jitter drawn per worker).
 */
export const maxRequestsWithoutJitter: Rule = {
  id: 'gunicorn/max-requests-without-jitter',
  severity: 'warning',
  summary: 'max_requests without max_requests_jitter: every worker recycles at the same moment',

  gunicornRun(run, context) {
    const maxRequests = effectiveNumber(run, 'max_requests', context);
    if (!maxRequests?.use || maxRequests.value <= 0) return;
    const jitter = effectiveNumber(run, 'max_requests_jitter', context);
    if (!jitter || jitter.value > 0) return;
    const workers = effectiveNumber(run, 'workers', context);
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
