import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import type { RuleContext } from '../../engine/rule';

/** The gunicorn runs a service starts: those whose command line is in one of its files. */
export function runsOfService(service: MergedUnit, context: RuleContext): GunicornRun[] {
  return context.workspace.gunicornRuns.filter((run) => run.launcher !== undefined && service.files.includes(run.launcher));
}

/** Programs that serve HTTP (or WSGI/ASGI) when a unit starts them. */
const WEB_SERVER = /(^|[\s/])(gunicorn|uvicorn|uwsgi|waitress-serve|daphne|hypercorn|flask\s+run|manage\.py\s+runserver)\b|\bpython[0-9.]*\s+(-u\s+)?\S+\.py\b/;

/** The service's `ExecStart=` that starts a web server, if it has one. */
export function webServerStart(service: MergedUnit, context: RuleContext): PlacedEntry | undefined {
  const starts = service.list('Service', 'ExecStart');
  if (runsOfService(service, context).length > 0) return starts.at(-1);
  return starts.find((placed) => WEB_SERVER.test(placed.entry.value));
}
