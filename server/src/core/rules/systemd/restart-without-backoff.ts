import type { Rule } from '../../engine/rule';
import { compareVersions } from '../../model/version';
import { parseTimespan } from '../../formats/systemd/values';
import { setDirectives } from './edits';

/** systemd's defaults (systemd.service(5), systemd-system.conf(5)): RestartSec=100ms, DefaultStartLimitIntervalSec=10s, DefaultStartLimitBurst=5. */
const DEFAULT_RESTART_SEC = 0.1;
/** A delay below this is a loop rather than a backoff. */
const MINIMUM_DELAY_SECONDS = 1;
/** RestartSteps= and RestartMaxDelaySec= arrived in systemd 254 (NEWS of v254). */
const STEPS_SINCE = '254';

/**
 * `Restart=` without a delay worth the name: systemd restarts after 100 ms, so a service
 * that fails at start (a syntax error, a port in use, a missing secret) burns through the
 * default start limit in half a second and then stays failed for good.
 */
export const restartWithoutBackoff: Rule = {
  id: 'systemd/restart-without-backoff',
  severity: 'warning',
  summary: 'Restart= without RestartSec= (restarts after 100 ms) or without start limits',

  service(service, context) {
    const restart = service.value('Service', 'Restart');
    if (!restart || restart.entry.value === 'no') return;
    const delayEntry = service.value('Service', 'RestartSec');
    const delay = delayEntry ? parseTimespan(delayEntry.entry.value) : DEFAULT_RESTART_SEC;
    const interval = service.value('Unit', 'StartLimitIntervalSec') ?? service.value('Unit', 'StartLimitInterval');
    const burst = service.value('Unit', 'StartLimitBurst');
    const steps = compareVersions(context.targets.systemd, STEPS_SINCE) >= 0;
    const quick = delay !== undefined && delay < MINIMUM_DELAY_SECONDS;
    if (!quick && interval && burst) return;

    const serviceAdditions: [string, string][] = [];
    if (quick) serviceAdditions.push(['RestartSec', '5s']);
    if (steps && quick && !service.value('Service', 'RestartSteps')) serviceAdditions.push(['RestartSteps', '5'], ['RestartMaxDelaySec', '60s']);
    const unitAdditions: [string, string][] = [];
    if (!interval) unitAdditions.push(['StartLimitIntervalSec', '60']);
    if (!burst) unitAdditions.push(['StartLimitBurst', '5']);
    const written = [...serviceAdditions, ...unitAdditions].map(([key, value]) => `${key}=${value}`).join(', ');

    const delayText = delayEntry ? `RestartSec=${delayEntry.entry.value}` : "systemd's default RestartSec=100ms";
    const message = quick
      ? `Restart=${restart.entry.value} with ${delayText}: a service that fails at start is restarted ${interval || burst ? 'again at once' : '5 times within half a second, hits the default start limit (5 starts in 10 s)'} and ${interval || burst ? 'floods the journal until the start limit stops it' : 'then stays failed until someone runs systemctl reset-failed'}`
      : `Restart=${restart.entry.value} without StartLimitIntervalSec= and StartLimitBurst= in [Unit]: with RestartSec=${delayEntry!.entry.value} the default limit (5 starts in 10 s) is never reached, so a service that cannot start is restarted forever`;
    context.report({
      document: restart.document,
      span: restart.entry.span,
      severity: quick ? 'warning' : 'info',
      message,
      fixes: [
        {
          title: `Add ${written}${steps && quick ? '' : quick ? ` (RestartSteps= needs systemd ${STEPS_SINCE}; the target is ${context.targets.systemd})` : ''}`,
          // Changes when and how often systemd restarts the service: a decision to read first.
          safe: false,
          preferred: true,
          edits: [...setDirectives(service, 'Service', serviceAdditions), ...setDirectives(service, 'Unit', unitAdditions)],
        },
      ],
    });
  },
};
