import type { RelatedDraft, Rule } from '../../engine/rule';
import { timeoutAbove } from '../../host/sizing';
import { parseTimespan } from '../../formats/systemd/values';
import { effectiveNumber, whereUse } from '../gunicorn/run-settings';
import { setDirectives } from './edits';
import { runsOfService } from './service-runs';

/**
 * On stop (and every restart) systemd sends SIGTERM, gunicorn stops accepting and lets
 * workers finish for up to `graceful_timeout` seconds (30 by default), and systemd sends
 * SIGKILL once `TimeoutStopSec=` (90 s by default, DefaultTimeoutStopSec) has passed. A
 * shorter TimeoutStopSec= cuts off requests that gunicorn was still finishing.
 */
export const stopTimeoutBelowGraceful: Rule = {
  id: 'systemd/stop-timeout-below-graceful',
  severity: 'warning',
  summary: "TimeoutStopSec= shorter than gunicorn's graceful_timeout: requests are cut off at every restart",

  service(service, context) {
    const stop = service.value('Service', 'TimeoutStopSec') ?? service.value('Service', 'TimeoutSec');
    if (!stop) return;
    const seconds = parseTimespan(stop.entry.value);
    if (seconds === undefined || seconds === 0) return;
    for (const run of runsOfService(service, context)) {
      const graceful = effectiveNumber(run, 'graceful_timeout', context);
      if (!graceful || seconds >= graceful.value) continue;
      const proposed = timeoutAbove(graceful.value);
      const where = graceful.use ? `graceful_timeout = ${graceful.value} s (${whereUse(graceful.use)})` : `gunicorn's default graceful_timeout of ${graceful.value} s`;
      const related: RelatedDraft[] = graceful.use && graceful.use.document !== stop.document ? [{ document: graceful.use.document, span: graceful.use.span, message: 'gunicorn waits this long for workers to finish' }] : [];
      context.report({
        document: stop.document,
        span: stop.entry.span,
        message: `${stop.entry.key}=${stop.entry.value} is shorter than ${where}: at every stop or restart systemd kills the workers after ${seconds} s while they are still finishing requests`,
        related,
        fixes: [
          {
            title: `Set TimeoutStopSec=${proposed.value}s (${proposed.arithmetic})`,
            // Only lets gunicorn finish what it promised: a stop that took 5 s may now take up to the graceful timeout.
            safe: true,
            preferred: true,
            edits: setDirectives(service, 'Service', [[stop.entry.key === 'TimeoutSec' ? 'TimeoutStopSec' : stop.entry.key, `${proposed.value}s`]]),
          },
        ],
      });
      return;
    }
  },
};
