import type { Rule } from '../../engine/rule';
import { effectiveBoolean } from './run-settings';
import { editsStayInRun, launcherRelated, serviceDirective, serviceLauncher, switchOff, writtenUse } from './service-launch';
import { useSpan } from './use-span';

/**
 * `daemon` under a systemd service. gunicorn's daemonize() (gunicorn/util.py) forks twice
 * and the process systemd started calls os._exit(0) at once. What systemd then does is in
 * src/core/service.c (service_sigchld_event): a Type=notify service whose main process
 * exits before READY=1 fails with result 'protocol'; any other type but forking and
 * oneshot counts the exit as the end of the service and stops the unit. Stopping kills
 * what is left in the unit's control group unless KillMode=process or none.
 */
export const daemonUnderSystemd: Rule = {
  id: 'gunicorn/daemon-under-systemd',
  severity: 'error',
  summary: 'daemon mode in a run a systemd service starts: the service stops (or fails) as soon as gunicorn detaches',

  gunicornRun(run, context) {
    if (!run.underSystemd) return;
    const daemon = effectiveBoolean(run, 'daemon', context);
    if (!daemon?.value || !daemon.use || daemon.use.conditional) return;
    const unit = serviceLauncher(run)?.name ?? 'the unit';
    const type = serviceDirective(run, 'Type', context) ?? (serviceDirective(run, 'BusName', context) ? 'dbus' : 'simple');
    // forking expects exactly this; a oneshot's start is over when its process exits anyway.
    if (type === 'forking' || type === 'oneshot') return;
    const notify = type === 'notify' || type === 'notify-reload';
    // With ExitType=cgroup (systemd 250) a service lives as long as its control group, whatever its main process does.
    if (!notify && serviceDirective(run, 'ExitType', context) === 'cgroup') return;
    const killMode = serviceDirective(run, 'KillMode', context) ?? 'control-group';
    const left = killMode === 'process' || killMode === 'none' ? `leaving the daemonized server running unsupervised (KillMode=${killMode})` : 'killing the daemonized server';
    const declared = serviceDirective(run, 'Type', context) === undefined ? `Type=${type}, the default` : `Type=${type}`;
    const what = writtenUse(daemon.use);
    const message = notify
      ? `${what} makes gunicorn fork into the background, so the process systemd started exits before it sends READY=1: systemd fails the start of ${unit} (${declared}), ${left}`
      : `${what} makes gunicorn fork into the background, so the process systemd started exits at once: systemd takes that for the end of ${unit} (${declared}) and stops it, ${left}`;
    const edits = switchOff(run, 'daemon', context);
    context.report({
      document: daemon.use.document,
      span: useSpan(daemon.use, 'value'),
      message,
      related: launcherRelated(run, daemon.use, `${unit} starts gunicorn here`),
      fixes: edits
        ? [
            {
              title: daemon.use.layer === 'config' ? 'Set daemon = False' : `Remove ${daemon.use.option?.flag ?? '--daemon'}`,
              // Running in the foreground is what the service needs; only a file another run also reads makes it a judgement call.
              safe: editsStayInRun(run, edits, context),
              preferred: true,
              edits,
            },
          ]
        : [],
    });
  },
};
