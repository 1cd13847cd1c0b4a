import type { AppModuleFile } from '../../engine/app-modules';
import type { ParsedDocument } from '../../engine/document';
import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { MergedUnit } from '../../engine/merged-unit';
import type { RelatedDraft, RuleContext } from '../../engine/rule';
import type { UnitEntry } from '../../formats/systemd/model';
import type { DevServerRun } from '../../formats/python/app-module';
import { splitExecValue } from '../../formats/systemd/exec';
import type { Span } from '../../text/source-text';
import { bindsOf, defaultBind, parseBind, type RunBind } from '../gunicorn/binds';
import { devServerIn } from '../gunicorn/dev-server-in-production';
import { effectiveBoolean, whereUse } from '../gunicorn/run-settings';
import { useSpan } from '../gunicorn/use-span';
import { absolutePath } from '../gunicorn/written-paths';
import { activatedService, runsOfService, socketActivated } from '../systemd/service-runs';
import { canonicalPath, listWords } from '../systemd/writable';
import { groupBy } from '../../model/groups';

/**
 * What listens for connections in a workspace, as far as its files say what runs: the
 * addresses gunicorn binds, the sockets .socket units open, and the development servers a
 * service starts. The stack rules compare these with each other (two programs on one
 * port) and with what nginx proxies to.
 */

export type ListenAddress = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'unix'; readonly path: string };

export interface Listener {
  readonly address: ListenAddress;
  /** Who listens, for messages: "gunicorn of app.service", "python app.py of app.service". */
  readonly who: string;
  /** Where it is written in a checked document: where a finding about it is reported. */
  readonly place: { readonly document: ParsedDocument; readonly span: Span };
  /** The line that makes it listen (in the app module, for a development server), and where that is. */
  readonly origin: RelatedDraft;
  /** What makes it listen, for messages: "the command line in app.service:7", "app.run() in app.py:30". */
  readonly where: string;
  /** The program that listens: the addresses of one program never clash among themselves. */
  readonly owner: object;
  /** A development server inside this gunicorn run. */
  readonly insideRun?: GunicornRun;
  /** gunicorn's reuse_port: two sockets that both set SO_REUSEPORT share the port. */
  readonly reusePort: boolean;
  /** The gunicorn run that answers on it: its own bind, or the .socket unit that starts its service. */
  readonly run?: GunicornRun;
  /** The `bind` address as written, for a run's own bind. */
  readonly bind?: RunBind;
  /** The `ListenStream=` line, for a .socket unit. */
  readonly socketEntry?: UnitEntry;
  /** The systemd service that starts the run, for a run's own bind. */
  readonly service?: MergedUnit;
  /** The machine it runs on (Workspace.machineOf): listeners of two machines never meet. */
  readonly machine: string;
}

/** Everything the workspace starts that listens, and whether some of it could not be known. */
export interface WorkspaceListeners {
  readonly listeners: readonly Listener[];
  /** Machines where a run binds addresses that cannot be known from the files (an unread config file, an environment file). */
  readonly incomplete: ReadonlySet<string>;
}

const found = new WeakMap<object, WorkspaceListeners>();

/** The listeners of the whole workspace, worked out once per run. */
export function workspaceListeners(context: RuleContext): WorkspaceListeners {
  let known = found.get(context.workspace);
  if (!known) {
    known = collect(context);
    found.set(context.workspace, known);
  }
  return known;
}

function collect(context: RuleContext): WorkspaceListeners {
  const workspace = context.workspace;
  const services = workspace.units.filter((unit) => unit.name.endsWith('.service'));
  const listeners: Listener[] = workspace.units.filter((unit) => unit.name.endsWith('.socket') && unit.main).flatMap((socket) => socketListeners(socket, services, context));
  const incomplete = new Set<string>();
  for (const run of workspace.gunicornRuns) {
    const service = run.launcher ? services.find((candidate) => candidate.files.includes(run.launcher!)) : undefined;
    if (service && socketActivated(service, context)) continue;
    const own = gunicornListeners(run, service, context);
    if (own) listeners.push(...own);
    else incomplete.add(workspace.machineOf((run.launcher ?? run.config)!.path));
  }
  for (const service of services) listeners.push(...scriptDevServers(service, context));
  return { listeners, incomplete };
}

/** The sockets a .socket unit opens, each answered by the gunicorn its service runs (when it runs exactly one). */
export function socketListeners(socket: MergedUnit, services: readonly MergedUnit[], context: RuleContext): Listener[] {
  const service = services.find((candidate) => candidate.name === activatedService(socket));
  const runs = service ? runsOfService(service, context) : [];
  return socket.list('Socket', 'ListenStream').flatMap((placed) => {
    const address = parseListenStream(placed.entry.value);
    if (!address) return [];
    const place = { document: placed.document, span: placed.entry.span };
    return [
      {
        address,
        who: socket.name,
        place,
        origin: { ...place, message: `${socket.name} listens here` },
        where: `ListenStream= in ${lineOf(placed.document, placed.entry.span)}`,
        owner: socket,
        reusePort: false,
        ...(runs.length === 1 ? { run: runs[0]! } : {}),
        socketEntry: placed.entry,
        machine: context.workspace.machineOf(placed.document.path),
      },
    ];
  });
}

/**
 * A `ListenStream=` address (systemd.socket(5)): a path, `[v6]:port`, `v4:port`, or a
 * port alone, which binds every address, IPv4 included (BindIPv6Only=default). Abstract
 * and vsock sockets and values with specifiers are left out.
 */
function parseListenStream(value: string): ListenAddress | undefined {
  if (value.includes('%')) return undefined;
  if (value.startsWith('/')) return { kind: 'unix', path: canonicalPath(value) };
  const match = /^(?:\[([0-9a-fA-F:.]*)\]:|(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  return { kind: 'tcp', host: (match[1] ?? match[2] ?? '::').toLowerCase(), port: Number(match[3]) };
}

/** Who a run is, for messages: "gunicorn of app.service", or "gunicorn with gunicorn.conf.py" for a config nothing in the workspace runs. */
export function runName(run: GunicornRun, service?: MergedUnit): string {
  if (service) return `gunicorn of ${service.name}`;
  if (run.launcher) return `gunicorn of ${fileName(run.launcher.path)}`;
  return `gunicorn with ${fileName(run.config!.path)}`;
}

/**
 * The addresses a run binds itself: each `bind`, or gunicorn's default when none is set.
 * Undefined when they cannot be known from the files: the default depends on PORT, which
 * an environment file may set, and a config file nobody can read may set `bind`.
 */
export function gunicornListeners(run: GunicornRun, service: MergedUnit | undefined, context: RuleContext): Listener[] | undefined {
  const who = runName(run, service);
  const machine = context.workspace.machineOf((run.launcher ?? run.config)!.path);
  const reusePort = effectiveBoolean(run, 'reuse_port', context)?.value === true;
  const binds = bindsOf(run, context);
  if (binds) {
    return binds.flatMap((bind) => {
      const address = listenAddress(bind.text, run, context);
      if (!address) return [];
      const place = { document: bind.use.document, span: useSpan(bind.use) };
      return [{ address, who, place, origin: { ...place, message: `${who} binds ${describe(address)} here` }, where: whereUse(bind.use), owner: run, reusePort, run, bind, machine, ...(service ? { service } : {}) }];
    });
  }
  // A config file alone may be started with a -b the workspace does not show.
  if (!run.command || (run.configLink && !run.config) || (service && service.list('Service', 'EnvironmentFile').length > 0)) return undefined;
  const port = service ? listWords(service, 'Environment').map((word) => /^"?PORT=(\d+)"?$/.exec(word)?.[1]).find((value) => value !== undefined) : undefined;
  const address = listenAddress(defaultBind(port), run, context);
  const span = run.command.entry?.keySpan ?? run.command.command.program?.span;
  if (!address || !span) return undefined;
  const place = { document: run.launcher!, span };
  return [{ address, who, place, origin: { ...place, message: `${who} binds ${describe(address)} here, gunicorn's default` }, where: `gunicorn's default bind, ${lineOf(place.document, place.span)}`, owner: run, reusePort, run, machine, ...(service ? { service } : {}) }];
}

function listenAddress(text: string, run: GunicornRun, context: RuleContext): ListenAddress | undefined {
  const parsed = parseBind(text);
  if (parsed?.kind === 'tcp') return { kind: 'tcp', host: parsed.host, port: parsed.port };
  const path = parsed?.kind === 'unix' ? absolutePath(run, parsed.path, context) : undefined;
  return path ? { kind: 'unix', path: canonicalPath(path) } : undefined;
}

/** Development servers a service starts as `python app.py`: the script runs as __main__, so guarded calls run too. */
function scriptDevServers(service: MergedUnit, context: RuleContext): Listener[] {
  return service.list('Service', 'ExecStart').flatMap((placed) =>
    splitExecValue(placed.entry).commands.flatMap((command) => {
      const server = devServerIn(command.argv, context.workspace.apps, placed.document.path);
      const script = server?.script;
      if (!server || !script) return [];
      const span = { start: server.words[0]!.span.start, end: server.words.at(-1)!.span.end };
      const machine = context.workspace.machineOf(placed.document.path);
      return script.facts.devServerRuns.flatMap((run) => devServerListener(run, script, { who: `${server.description} of ${service.name}`, place: { document: placed.document, span }, owner: {}, machine }));
    }),
  );
}

/** Flask's and Flask-SocketIO's run() listen on 127.0.0.1:5000 unless told otherwise; Werkzeug's run_simple() needs both. */
const FLASK_HOST = '127.0.0.1';
const FLASK_PORT = 5000;

/** The address a development server call listens on, when the call says or its framework's default does. */
export function devServerListener(server: DevServerRun, module: AppModuleFile, listener: Pick<Listener, 'who' | 'place' | 'owner' | 'insideRun' | 'machine'>): Listener[] {
  if (server.unreadable || server.framework === 'django') return [];
  const defaults = server.framework !== 'werkzeug';
  const host = server.host ?? (defaults ? FLASK_HOST : undefined);
  const port = server.port ?? (defaults ? FLASK_PORT : undefined);
  if (host === undefined || port === undefined) return [];
  const address: ListenAddress = { kind: 'tcp', host: host.toLowerCase(), port };
  const defaulted = server.host === undefined || server.port === undefined ? `, ${server.framework === 'socketio' ? 'Flask-SocketIO' : 'Flask'}'s default address` : '';
  const where = `${server.call} in ${lineOf(module, server.span)}${defaulted}`;
  return [{ ...listener, address, origin: { document: module, span: server.span, message: `${server.call} listens on ${describe(address)}` }, where, reusePort: false }];
}

/** Hosts that stand for every address of a family, and the names that stand for loopback. */
const ANY_IPV4 = new Set(['', '0.0.0.0', '*']);
const ANY = '::';
const LOOPBACK_NAMES: ReadonlyMap<string, string> = new Map([['localhost', '127.0.0.1']]);

/**
 * What two addresses must share to overlap or reach each other, on one machine: the TCP
 * port, or the unix path. Listeners grouped by it are compared within their group, not
 * all with all (thousands of apps in one workspace).
 */
export function portKey(machine: string, address: ListenAddress): string {
  return `${machine}\u0000${address.kind === 'unix' ? `unix ${address.path}` : `tcp ${address.port}`}`;
}

/** Listeners grouped by portKey, each group in their order. */
export function byPort(listeners: readonly Listener[]): Map<string, Listener[]> {
  return groupBy(listeners, (listener) => portKey(listener.machine, listener.address));
}

/**
 * Whether two addresses cannot both be bound: the same unix path, or the same TCP port on
 * the same host, or where one takes every address of the other's family. `::` takes IPv4
 * too: neither gunicorn nor systemd (BindIPv6Only=default) sets IPV6_V6ONLY.
 */
export function overlap(a: ListenAddress, b: ListenAddress): boolean {
  if (a.kind === 'unix' || b.kind === 'unix') return a.kind === 'unix' && b.kind === 'unix' && a.path === b.path;
  if (a.port !== b.port) return false;
  const hostA = canonicalHost(a.host);
  const hostB = canonicalHost(b.host);
  if (hostA === hostB || hostA === ANY || hostB === ANY) return true;
  return (hostA === '0.0.0.0' && !hostB.includes(':')) || (hostB === '0.0.0.0' && !hostA.includes(':'));
}

/** Whether a listener takes every address of its family (or both): reachable from outside the host. */
export function listensEverywhere(address: ListenAddress): boolean {
  if (address.kind === 'unix') return false;
  const host = canonicalHost(address.host);
  return host === '0.0.0.0' || host === ANY;
}

export function canonicalHost(host: string): string {
  return ANY_IPV4.has(host) ? '0.0.0.0' : (LOOPBACK_NAMES.get(host) ?? host);
}

export function describe(address: ListenAddress): string {
  if (address.kind === 'unix') return address.path;
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host || '0.0.0.0'}:${address.port}`;
}

export function sameSpan(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}

export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `app.service:7`: a place in a file, for messages. */
export function lineOf(document: Pick<ParsedDocument, 'path' | 'source'>, span: Span): string {
  return `${fileName(document.path)}:${document.source.positionAt(span.start).line + 1}`;
}
