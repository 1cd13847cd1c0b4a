import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import type { EditDraft, RelatedDraft, Rule } from '../../engine/rule';
import { timeoutAbove, TIMEOUT_MARGIN_SECONDS } from '../../host/sizing';
import { parseTimespan } from '../../formats/systemd/values';
import { afterLine } from '../../text/line-edits';
import { effectiveNumber, whereUse } from '../gunicorn/run-settings';
import { removeEntry, setDirectives } from './edits';
import { decidingOf } from './restart-without-backoff';
import { runsOfService } from './service-runs';

/** DefaultTimeoutStopSec=90s (systemd-system.conf(5); src/core/system.conf.in of v252). */
const DEFAULT_TIMEOUT_STOP_SEC = 90;

/**
 * On stop (and every restart) systemd sends SIGTERM, gunicorn stops accepting and lets
 * workers finish for up to `graceful_timeout` seconds (30 by default), and systemd sends
 * SIGKILL once `TimeoutStopSec=` has passed. A shorter TimeoutStopSec= cuts off requests
 * that gunicorn was still finishing.
 *
 * `TimeoutSec=` sets the stop timeout too (config_parse_service_timeout(), v252
 * src/core/load-fragment.c): whichever of the two systemd reads last decides. `0` turns
 * the timeout off (config_parse_sec_fix_0()), and so does `infinity`.
 */
export const stopTimeoutBelowGraceful: Rule = {
  id: 'systemd/stop-timeout-below-graceful',
  severity: 'warning',
  summary: "TimeoutStopSec= shorter than gunicorn's graceful_timeout: requests are cut off at every restart",

  service(service, context) {
    const stop = decidingOf(service, [['Service', 'TimeoutStopSec'], ['Service', 'TimeoutSec']]);
    const seconds = stop ? parseTimespan(stop.entry.value) : DEFAULT_TIMEOUT_STOP_SEC;
    if (seconds === undefined || seconds === 0) return;
    for (const run of runsOfService(service, context)) {
      const graceful = effectiveNumber(run, 'graceful_timeout', context);
      if (!graceful || seconds >= graceful.value) continue;
      // A config file the unit names (-c) but the workspace does not hold may set it: unknown, not the default.
      if (!graceful.use && run.configLink && !run.config) continue;
      const proposed = timeoutAbove(graceful.value);
      const where = graceful.use ? `graceful_timeout = ${graceful.value} s (${whereUse(graceful.use)})` : `gunicorn's default graceful_timeout of ${graceful.value} s`;
      const start = service.list('Service', 'ExecStart').find((placed) => placed.entry === run.command?.entry);
      const place = stop ?? start;
      if (!place) continue;
      const related: RelatedDraft[] = graceful.use && graceful.use.document !== place.document ? [{ document: graceful.use.document, span: graceful.use.span, message: 'gunicorn waits this long for workers to finish' }] : [];
      const written = stop ? `${stop.entry.key}=${stop.entry.value} is` : `No TimeoutStopSec=: systemd's default of ${DEFAULT_TIMEOUT_STOP_SEC} s is`;
      context.report({
        document: place.document,
        // A missing timeout is the ExecStart= key's finding, as the other limits are.
        span: stop ? stop.entry.span : place.entry.keySpan,
        message: `${written} shorter than ${where}: at every stop or restart systemd kills the workers after ${seconds} s while they are still finishing requests`,
        related,
        fixes: [
          {
            title: `Set TimeoutStopSec=${proposed.value}s (graceful_timeout ${graceful.value} s + ${TIMEOUT_MARGIN_SECONDS} s for the master to kill what is left, reap its workers and exit)`,
            // Only lets gunicorn finish what it promised: a stop may now take up to the graceful timeout.
            safe: true,
            preferred: true,
            edits: stopTimeoutEdits(service, stop, `${proposed.value}s`),
          },
        ],
      });
      return;
    }
  },
};

/**
 * TimeoutStopSec= where it decides. When TimeoutSec= decides, a TimeoutStopSec= line goes
 * right after it (in the same file, so it is read later and wins), keeping the start
 * timeout TimeoutSec= also sets; a TimeoutStopSec= above it in that file, which it
 * overrode, is removed rather than left as a dead duplicate.
 */
function stopTimeoutEdits(service: MergedUnit, stop: PlacedEntry | undefined, value: string): EditDraft[] {
  if (stop?.entry.key !== 'TimeoutSec') return setDirectives(service, 'Service', [['TimeoutStopSec', value]]);
  const { document } = stop;
  const source = document.source;
  const at = afterLine(source, stop.entry.span.end);
  const needsBreak = at === source.length && !/[\r\n]$/.test(source.text);
  const dead = service.assignments('Service', 'TimeoutStopSec').filter((placed) => placed.document === document && placed.entry.span.start < stop.entry.span.start);
  return [
    ...dead.map((placed) => ({ document, ...removeEntry(source, placed.entry) })),
    { document, span: { start: at, end: at }, newText: `${needsBreak ? source.eol : ''}TimeoutStopSec=${value}${source.eol}` },
  ];
}
