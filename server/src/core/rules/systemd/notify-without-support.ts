import { baseName } from '../../engine/deployed-paths';
import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import { splitExecValue } from '../../formats/systemd/exec';
import { compareVersions } from '../../model/version';
import { setDirectives } from './edits';
import { runsOfService } from './service-runs';

/**
 * gunicorn sends READY=1 since 20.0.0: gunicorn/systemd.py sd_notify(), called at the end
 * of Arbiter.start() once the sockets listen (benoitc/gunicorn #1897, first tagged 20.0.0;
 * 19.9.0 has no sd_notify). It is a no-op without NOTIFY_SOCKET, which systemd sets for
 * Type=notify. It never sends RELOADING=1 (26.1.0: the only call is that READY=1).
 */
const GUNICORN_NOTIFIES_SINCE = '20';
/** systemd NEWS, "CHANGES WITH 240": "A new service type has been added: Type=exec". */
const TYPE_EXEC_SINCE = '240';
/** systemd NEWS, "CHANGES WITH 253": "A new service type Type=notify-reload is defined". */
const NOTIFY_RELOAD_SINCE = '253';

/** `python`, `python3`, `python3.11`, `/opt/app/venv/bin/python`. */
const PYTHON = /^python(\d+(\.\d+)?)?$/;
/** What a Python script that notifies systemd itself contains: the protocol, or a library for it. */
const NOTIFIES = /READY=1|NOTIFY_SOCKET|sd_notify|\bsdnotify\b|systemd\.daemon|from\s+systemd\s+import\s+daemon|cysystemd/;

/**
 * `Type=notify` (or `notify-reload`) for a program that never speaks the notify protocol.
 * systemd then waits for READY=1 that never comes: the start times out after
 * TimeoutStartSec= (DefaultTimeoutStartSec=90s), the service is terminated and marked
 * failed (systemd.service(5), "Type=": "it is expected that the service sends a READY=1
 * notification message via sd_notify(3)"). With `notify-reload` systemd also sends SIGHUP on
 * reload and waits for RELOADING=1, then READY=1; without them the reload times out after
 * TimeoutStartSec= ("Reload operation timed out", service_enter_reload() and
 * service_dispatch_timer() in src/core/service.c, v253).
 *
 * Programs known never to notify: gunicorn before 20; uvicorn (0.54.0 has no sd_notify);
 * the development servers of Flask (Werkzeug 3.1) and Django (5.2), whether started as
 * `flask run`, `manage.py runserver` or by a script calling `app.run()`. A script is judged
 * only when it can be read and contains nothing of the protocol; `NotifyAccess=all` lets
 * any process of the unit notify, so such a unit is left alone.
 */
export const notifyWithoutSupport: Rule = {
  id: 'systemd/notify-without-support',
  severity: 'error',
  summary: 'Type=notify for a program that never sends READY=1: the start times out and the service fails',

  service(service, context) {
    const type = service.value('Service', 'Type');
    const kind = type?.entry.value;
    if (!type || (kind !== 'notify' && kind !== 'notify-reload')) return;
    if (service.value('Service', 'NotifyAccess')?.entry.value === 'all') return;
    const start = service.list('Service', 'ExecStart').at(-1);
    if (!start) return;

    const silent = silentProgram(service, start, context);
    if (silent) {
      context.report({
        document: type.document,
        span: type.entry.span,
        message: `Type=${kind} waits for READY=1, which ${silent} never sends: systemd counts the start as hung, stops the service after TimeoutStartSec= (90 s by default) and marks it failed`,
        fixes: [execFix(service, context)],
      });
      return;
    }
    if (kind === 'notify-reload' && compareVersions(context.targets.systemd, NOTIFY_RELOAD_SINCE) >= 0 && startsGunicorn(service, context) && service.list('Service', 'ExecReload').length === 0) {
      context.report({
        document: type.document,
        span: type.entry.span,
        // The service runs; its reloads are what fails.
        severity: 'warning',
        message: 'Type=notify-reload waits for RELOADING=1 after each SIGHUP, which gunicorn never sends: every systemctl reload hangs for TimeoutStartSec= (90 s by default) until systemd gives up with "Reload operation timed out"',
        fixes: [
          {
            title: 'Use Type=notify with ExecReload=/bin/kill -s HUP $MAINPID (gunicorn sends READY=1 when it starts and reloads on SIGHUP)',
            // The same signal reaches gunicorn on reload; only the wait for a message it never sends goes.
            safe: true,
            preferred: true,
            edits: setDirectives(service, 'Service', [
              ['Type', 'notify'],
              ['ExecReload', '/bin/kill -s HUP $MAINPID'],
            ]),
          },
        ],
      });
    }
  },
};

/** The fix: `Type=exec` where the target systemd has it, else `Type=simple`. */
function execFix(service: MergedUnit, context: RuleContext): FixDraft {
  const target = context.targets.systemd;
  const hasExec = compareVersions(target, TYPE_EXEC_SINCE) >= 0;
  return {
    title: hasExec
      ? 'Use Type=exec (the service counts as started once its program runs)'
      : `Use Type=simple (Type=exec needs systemd ${TYPE_EXEC_SINCE}; the target is ${target})`,
    // The service now starts instead of timing out; nothing else it does changes.
    safe: true,
    preferred: true,
    edits: setDirectives(service, 'Service', [['Type', hasExec ? 'exec' : 'simple']]),
  };
}

/** The gunicorn runs started by the service's ExecStart= (not an ExecStartPre= check). */
function startsGunicorn(service: MergedUnit, context: RuleContext): boolean {
  return runsOfService(service, context).some((run) => run.command?.entry?.key === 'ExecStart');
}

/** How to name the program ExecStart= runs, when it is one that never sends READY=1. */
function silentProgram(service: MergedUnit, start: PlacedEntry, context: RuleContext): string | undefined {
  if (startsGunicorn(service, context)) {
    const version = context.targets.gunicorn;
    return compareVersions(version, GUNICORN_NOTIFIES_SINCE) < 0 ? `gunicorn ${version} (support came in gunicorn 20)` : undefined;
  }
  const command = splitExecValue(start.entry).commands[0];
  if (!command) return undefined;
  let words = command.argv.map((word) => word.text);
  // `@` puts the argv[0] the program sees after the path.
  if (command.prefixes.includes('@')) words = [words[0]!, ...words.slice(2)];
  if (baseName(words[0] ?? '') === 'env') {
    words = words.slice(1);
    while (words[0] !== undefined && (words[0].startsWith('-') || words[0].includes('='))) words = words.slice(1);
  }
  const program = baseName(words[0] ?? '');
  let rest = words.slice(1);
  let module: string | undefined;
  let script: string | undefined;
  if (PYTHON.test(program)) {
    let index = 0;
    while (rest[index]?.startsWith('-') && rest[index] !== '-m') index++;
    if (rest[index] === '-m') module = rest[index + 1];
    else script = rest[index];
    rest = rest.slice(index + (module ? 2 : 1));
  } else {
    module = program;
  }
  if (module === 'uvicorn') return 'uvicorn';
  if (module === 'flask' && rest.includes('run')) return 'flask run (the Werkzeug development server)';
  if ((module === 'django-admin' || module === 'django' || script?.endsWith('manage.py')) && rest.includes('runserver')) {
    return `${script ? 'manage.py' : module === 'django' ? 'python -m django' : 'django-admin'} runserver (Django's development server)`;
  }
  if (!script?.endsWith('.py') || script.endsWith('manage.py')) return undefined;
  const file = context.workspace.apps.ofScript(script, start.document.path);
  const server = file?.facts.devServerRuns[0];
  if (!file || !server || NOTIFIES.test(file.source.text)) return undefined;
  const framework = server.framework === 'django' ? "Django's" : server.framework === 'socketio' ? "Flask-SocketIO's" : "Flask's";
  return `python ${baseName(script)} (${framework} development server)`;
}
