import { dirName } from '../../engine/deployed-paths';
import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import type { RuleContext } from '../../engine/rule';
import type { Workspace } from '../../engine/workspace';
import { parseBoolean } from '../../formats/systemd/values';

/** The gunicorn runs a service starts: those whose command line is in one of its files. */
export function runsOfService(service: MergedUnit, context: RuleContext): readonly GunicornRun[] {
  return context.workspace.runsLaunchedIn(service.files);
}

/**
 * The runs without their config file's settings where that file is only a guess: no `-c`,
 * and a gunicorn.conf.py matched by its name alone in another folder than the unit. What
 * the rules take from these runs (folders to keep writable, paths to check) must come from
 * what the run surely reads; a guessed file would add another app's.
 */
export function surelyReadRuns(runs: readonly GunicornRun[]): GunicornRun[] {
  return runs.map((run) => {
    const link = run.configLink;
    const guessed = link !== undefined && link.written === undefined && link.match?.how === 'same name' && run.launcher !== undefined && dirName(link.match.path) !== dirName(run.launcher.path);
    return guessed ? { ...run, uses: run.uses.filter((use) => use.layer !== 'config') } : run;
  });
}

/** The service a socket unit starts: `Service=`, else the one of the same name (its template, with Accept=yes). */
export function activatedService(socket: MergedUnit): string {
  const named = socket.value('Socket', 'Service')?.entry.value;
  if (named) return named;
  const stem = socket.name.slice(0, -'.socket'.length);
  return parseBoolean(socket.value('Socket', 'Accept')?.entry.value ?? '') === true ? `${stem}@.service` : `${stem}.service`;
}

/**
 * Whether a .socket unit of the workspace starts the service. gunicorn then takes the
 * sockets systemd hands it (LISTEN_FDS) and binds none of its own, whatever `bind` says.
 */
export function socketActivated(service: MergedUnit, context: RuleContext): boolean {
  let names = activatedServices.get(context.workspace);
  if (!names) {
    names = new Set(context.workspace.units.filter((unit) => unit.name.endsWith('.socket') && unit.main !== undefined).map(activatedService));
    activatedServices.set(context.workspace, names);
  }
  return names.has(service.name);
}

/** The services the .socket units of a run start, found once per run. */
const activatedServices = new WeakMap<Workspace, ReadonlySet<string>>();

/** Programs that serve HTTP (or WSGI/ASGI) when a unit starts them. */
const WEB_SERVER = /(^|[\s/])(gunicorn|uvicorn|uwsgi|waitress-serve|daphne|hypercorn|flask\s+run|manage\.py\s+runserver)\b|\bpython[0-9.]*\s+(-u\s+)?\S+\.py\b/;

/** The service's `ExecStart=` that starts a web server, if it has one. */
export function webServerStart(service: MergedUnit, context: RuleContext): PlacedEntry | undefined {
  const starts = service.list('Service', 'ExecStart');
  if (runsOfService(service, context).length > 0) return starts.at(-1);
  return starts.find((placed) => WEB_SERVER.test(placed.entry.value));
}
