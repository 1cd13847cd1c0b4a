import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import type { Rule } from '../../engine/rule';
import { compareVersions } from '../../model/version';
import { parseTimespan } from '../../formats/systemd/values';
import { setDirectives } from './edits';

/*
 * systemd's defaults, from the v252 sources: RestartSec=100ms (DefaultRestartSec=,
 * src/core/system.conf.in), a start limit of DefaultStartLimitBurst=5 starts within
 * DefaultStartLimitIntervalSec=10s. The limit is checked on every start, the first one
 * and each automatic restart (unit_test_start_limit() in src/core/unit.c), and a limit
 * with a zero interval or burst is off (ratelimit_configured(), src/basic/ratelimit.h).
 */
const DEFAULT_RESTART_SEC = 0.1;
const DEFAULT_INTERVAL_SEC = 10;
const DEFAULT_BURST = 5;
/** A delay below this is a loop rather than a backoff. */
const MINIMUM_DELAY_SECONDS = 1;
/** RestartSteps= and RestartMaxDelaySec= arrived in systemd 254 (NEWS of v254). */
const STEPS_SINCE = '254';

/**
 * Where the start limit is written. StartLimitIntervalSec= and StartLimitBurst= belong in
 * [Unit]; systemd still reads the old StartLimitInterval= in either section and
 * StartLimitBurst= in [Service] into the same setting (src/core/load-fragment-gperf.gperf.in).
 */
const INTERVAL_KEYS: readonly (readonly [string, string])[] = [['Unit', 'StartLimitIntervalSec'], ['Unit', 'StartLimitInterval'], ['Service', 'StartLimitInterval']];
const BURST_KEYS: readonly (readonly [string, string])[] = [['Unit', 'StartLimitBurst'], ['Service', 'StartLimitBurst']];

/**
 * The assignment that decides a setting several keys (or sections) write: the last of
 * them in the order systemd reads the unit and its drop-ins. Undefined when none is set,
 * or the last is empty.
 */
export function decidingOf(service: MergedUnit, keys: readonly (readonly [string, string])[]): PlacedEntry | undefined {
  const order = (placed: PlacedEntry) => [service.files.indexOf(placed.document), placed.entry.span.start] as const;
  const all = keys.flatMap(([section, key]) => service.assignments(section, key));
  all.sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  const last = all.at(-1);
  return last && last.entry.value !== '' ? last : undefined;
}

/**
 * `Restart=` without a backoff: systemd restarts after 100 ms, so a service that fails
 * at start (a syntax error, a port in use, a missing secret) reaches the default start
 * limit half a second after its first attempt and then stays failed; or, with a delay but
 * the default limit, is restarted for ever.
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
    // A value systemd refuses is systemd/invalid-value's finding.
    if (delay === undefined) return;
    const intervalEntry = decidingOf(service, INTERVAL_KEYS);
    const burstEntry = decidingOf(service, BURST_KEYS);
    const interval = intervalEntry ? parseTimespan(intervalEntry.entry.value) : DEFAULT_INTERVAL_SEC;
    const burst = burstEntry ? Number(burstEntry.entry.value) : DEFAULT_BURST;
    if (interval === undefined || !/^\d+$/.test(burstEntry?.entry.value ?? '0')) return;
    const limitsWritten = intervalEntry !== undefined || burstEntry !== undefined;
    // RestartSteps= with RestartMaxDelaySec= (254+) makes the delay grow up to the maximum: a backoff, however short the first delay.
    const maxDelay = service.value('Service', 'RestartMaxDelaySec');
    const maxDelaySeconds = maxDelay ? parseTimespan(maxDelay.entry.value) : undefined;
    if (Number(service.value('Service', 'RestartSteps')?.entry.value ?? 0) > 0 && maxDelaySeconds !== undefined && maxDelaySeconds >= MINIMUM_DELAY_SECONDS) return;
    const quick = delay < MINIMUM_DELAY_SECONDS;
    if (!quick && limitsWritten) return;

    // The limit as systemd applies it: the (burst + 1)th start within the interval is refused.
    const limited = interval > 0 && burst > 0;
    const reachedAfter = burst * delay;
    const reached = limited && reachedAfter <= interval;
    const limitText = `${burst} start${burst === 1 ? '' : 's'} in ${duration(interval)}${limitsWritten ? '' : ", systemd's default"}`;
    const every = `is restarted every ${duration(delay)}`;
    const outcome = reached
      ? `${quick ? `${every}, ` : ''}reaches the start limit (${limitText}) ${duration(reachedAfter, 's')} after its first attempt and then stays failed until someone starts it again`
      : limited
        ? `${every} for as long as it fails, never reaching the start limit (${limitText})`
        : `${every} for as long as it fails: the start limit is off`;
    const delayText = delayEntry ? `RestartSec=${delayEntry.entry.value}` : "systemd's default RestartSec=100ms";
    const message = `Restart=${restart.entry.value} with ${delayText}${quick ? '' : ' and no start limit in [Unit]'}: a service that fails at start ${outcome}`;

    const steps = compareVersions(context.targets.systemd, STEPS_SINCE) >= 0;
    const serviceValues: [string, string][] = [];
    if (quick) {
      serviceValues.push(['RestartSec', '5s']);
      if (steps) serviceValues.push(['RestartSteps', '5'], ['RestartMaxDelaySec', '60s']);
    }
    const unitValues: [string, string][] = limitsWritten ? [] : [['StartLimitIntervalSec', '60'], ['StartLimitBurst', '5']];
    const values = [...serviceValues, ...unitValues];
    const replaces = values.some(([key]) => service.value('Service', key) !== undefined);
    const stepsNote = quick && !steps ? ` (RestartSteps= needs systemd ${STEPS_SINCE}; the target is ${context.targets.systemd})` : '';
    context.report({
      document: restart.document,
      span: restart.entry.span,
      severity: quick ? 'warning' : 'info',
      message,
      fixes: [
        {
          title: `${replaces ? 'Set' : 'Add'} ${values.map(([key, value]) => `${key}=${value}`).join(', ')}${stepsNote}`,
          // Changes when and how often systemd restarts the service: a decision to read first.
          safe: false,
          preferred: true,
          edits: [...setDirectives(service, 'Service', serviceValues), ...setDirectives(service, 'Unit', unitValues)],
        },
      ],
    });
  },
};

/** "100 ms" (or "0.5 s" in seconds), "10 s", "2 min": a time span as the messages print it. */
function duration(seconds: number, below1s: 'ms' | 's' = 'ms'): string {
  if (!Number.isFinite(seconds)) return 'infinity';
  if (seconds < 1 && below1s === 'ms') return `${Math.round(seconds * 1000)} ms`;
  if (seconds >= 120 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${Math.round(seconds * 10) / 10} s`;
}
