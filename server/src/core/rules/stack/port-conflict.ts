import type { AppModuleFile } from '../../engine/app-modules';
import type { ParsedDocument } from '../../engine/document';
import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { MergedUnit } from '../../engine/merged-unit';
import type { RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import type { Workspace } from '../../engine/workspace';
import type { DevServerRun } from '../../formats/python/app-module';
import { splitExecValue } from '../../formats/systemd/exec';
import type { Span } from '../../text/source-text';
import { bindsOf, defaultBind, parseBind } from '../gunicorn/binds';
import { devServerIn } from '../gunicorn/dev-server-in-production';
import { effectiveBoolean, whereUse } from '../gunicorn/run-settings';
import { useSpan } from '../gunicorn/use-span';
import { absolutePath } from '../gunicorn/written-paths';
import { socketActivated } from '../systemd/service-runs';
import { canonicalPath, listWords } from '../systemd/writable';

/**
 * Two programs the workspace starts listen on the same port on overlapping addresses, or
 * on the same unix socket path. What listens, as far as the files say what runs:
 *
 * - gunicorn, started by a systemd service: each address it binds (its default when none
 *   is set), unless a .socket unit of the workspace activates the service, in which case
 *   gunicorn takes the sockets systemd hands it and binds nothing itself;
 * - a development server the app module starts when gunicorn imports it (`app.run(...)`
 *   outside `if __name__ == "__main__":`), in each worker;
 * - a development server a service starts as `python app.py` (guarded or not: the script
 *   runs as __main__);
 * - a .socket unit's `ListenStream=`.
 *
 * Each side is reported where it is written, naming the other. A development server
 * inside a gunicorn run is reported once, where the run names the app, since that is the
 * side to change.
 */
export const portConflict: Rule = {
  id: 'stack/port-conflict',
  severity: 'error',
  summary: 'Two programs the workspace starts listen on the same port (or unix socket): the one that starts second fails, or takes the socket from the first',

  document(document, context) {
    for (const clash of clashesOf(context)) {
      report(clash.at, clash.with, context, document);
      if (clash.both) report(clash.with, clash.at, context, document);
    }
  },
};

type ListenAddress = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'unix'; readonly path: string };

interface Listener {
  readonly address: ListenAddress;
  /** Who listens, for messages: "gunicorn of app.service", "python app.py of app.service". */
  readonly who: string;
  /** Where it is written in a checked document: where its side of a clash is reported. */
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
}

interface Clash {
  readonly at: Listener;
  readonly with: Listener;
  /** Reported on both sides. */
  readonly both: boolean;
}

const clashes = new WeakMap<Workspace, readonly Clash[]>();

function clashesOf(context: RuleContext): readonly Clash[] {
  let found = clashes.get(context.workspace);
  if (!found) {
    found = findClashes(listenersOf(context));
    clashes.set(context.workspace, found);
  }
  return found;
}

function findClashes(listeners: readonly Listener[]): Clash[] {
  const found: Clash[] = [];
  listeners.forEach((a, index) => {
    for (const b of listeners.slice(index + 1)) {
      if (a.owner === b.owner || (a.reusePort && b.reusePort) || !overlap(a.address, b.address)) continue;
      if (b.insideRun === a.owner) found.push({ at: b, with: a, both: false });
      else if (a.insideRun === b.owner) found.push({ at: a, with: b, both: false });
      else found.push({ at: a, with: b, both: !samePlace(a, b) });
    }
  });
  return found;
}

function report(at: Listener, other: Listener, context: RuleContext, document: ParsedDocument): void {
  if (at.place.document !== document) return;
  const others =
    describe(at.address) === describe(other.address)
      ? `so does ${other.who} (${other.where})`
      : // Unix paths overlap only when equal: this is a TCP port on two addresses.
        `${other.who} on ${describe(other.address)} (${other.where}), the same port on an overlapping address`;
  const consequence =
    at.address.kind === 'unix'
      ? "both create the socket file, and the one that starts last replaces the other's: the first keeps running on a socket nobody can reach"
      : at.insideRun
        ? `gunicorn binds the port before its workers import the app, so every worker fails to boot with "Address already in use" (with preload_app, the development server takes the port first and gunicorn cannot bind it)`
        : 'only one can listen there; whichever starts second fails with "Address already in use"';
  context.report({
    span: at.place.span,
    message: `${at.who} listens on ${describe(at.address)} (${at.where}), and ${others}: ${consequence}`,
    related: [other.origin, ...(at.origin.document === at.place.document && sameSpan(at.origin.span, at.place.span) ? [] : [at.origin])],
  });
}

function listenersOf(context: RuleContext): Listener[] {
  const workspace = context.workspace;
  const services = workspace.units.filter((unit) => unit.name.endsWith('.service'));
  const listeners: Listener[] = workspace.units.filter((unit) => unit.name.endsWith('.socket') && unit.main).flatMap(socketListeners);
  for (const run of workspace.gunicornRuns) {
    const service = run.launcher ? services.find((candidate) => candidate.files.includes(run.launcher!)) : undefined;
    if (!service || !run.command) continue;
    if (!socketActivated(service, context)) listeners.push(...gunicornListeners(run, service, context));
    listeners.push(...importedDevServers(run, service, context));
  }
  for (const service of services) listeners.push(...scriptDevServers(service, context));
  return listeners;
}

function socketListeners(socket: MergedUnit): Listener[] {
  return socket.list('Socket', 'ListenStream').flatMap((placed) => {
    const address = parseListenStream(placed.entry.value);
    if (!address) return [];
    const origin = { document: placed.document, span: placed.entry.span, message: `${socket.name} listens here` };
    return [{ address, who: socket.name, place: { document: placed.document, span: placed.entry.span }, origin, where: `ListenStream= in ${lineOf(placed.document, placed.entry.span)}`, owner: socket, reusePort: false }];
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

function gunicornListeners(run: GunicornRun, service: MergedUnit, context: RuleContext): Listener[] {
  const who = `gunicorn of ${service.name}`;
  const reusePort = effectiveBoolean(run, 'reuse_port', context)?.value === true;
  const binds = bindsOf(run, context);
  if (binds) {
    return binds.flatMap((bind) => {
      const address = listenAddress(bind.text, run, context);
      if (!address) return [];
      const place = { document: bind.use.document, span: useSpan(bind.use) };
      return [{ address, who, place, origin: { ...place, message: `${who} binds ${describe(address)} here` }, where: whereUse(bind.use), owner: run, reusePort }];
    });
  }
  // The default depends on PORT, and a config file or environment file nobody can read may set either.
  if ((run.configLink && !run.config) || service.list('Service', 'EnvironmentFile').length > 0) return [];
  const port = listWords(service, 'Environment').map((word) => /^"?PORT=(\d+)"?$/.exec(word)?.[1]).find((found) => found !== undefined);
  const address = listenAddress(defaultBind(port), run, context);
  const entry = run.command!.entry;
  if (!address || !entry) return [];
  const place = { document: run.launcher!, span: entry.keySpan };
  return [{ address, who, place, origin: { ...place, message: `${who} binds ${describe(address)} here, gunicorn's default` }, where: `gunicorn's default bind, ${lineOf(place.document, place.span)}`, owner: run, reusePort }];
}

function listenAddress(text: string, run: GunicornRun, context: RuleContext): ListenAddress | undefined {
  const parsed = parseBind(text);
  if (parsed?.kind === 'tcp') return { kind: 'tcp', host: parsed.host, port: parsed.port };
  const path = parsed?.kind === 'unix' ? absolutePath(run, parsed.path, context) : undefined;
  return path ? { kind: 'unix', path: canonicalPath(path) } : undefined;
}

/** Development servers the app module starts when gunicorn imports it: in every worker. */
function importedDevServers(run: GunicornRun, service: MergedUnit, context: RuleContext): Listener[] {
  const app = context.workspace.apps.ofRun(run);
  const target = run.command!.command.app;
  if (!app || !target) return [];
  return app.modules.flatMap((module) =>
    module.facts.devServerRuns
      .filter((server) => !server.guarded)
      .flatMap((server) => devServerListener(server, module, {
        who: `${app.target}, imported by every worker of ${service.name},`,
        place: { document: run.launcher!, span: target.span },
        owner: {},
        insideRun: run,
      })),
  );
}

/** Development servers a service starts as `python app.py`: the script runs as __main__, so guarded calls run too. */
function scriptDevServers(service: MergedUnit, context: RuleContext): Listener[] {
  return service.list('Service', 'ExecStart').flatMap((placed) =>
    splitExecValue(placed.entry).commands.flatMap((command) => {
      const server = devServerIn(command.argv, context.workspace.apps, placed.document.path);
      const script = server?.script;
      if (!server || !script) return [];
      const span = { start: server.words[0]!.span.start, end: server.words.at(-1)!.span.end };
      return script.facts.devServerRuns.flatMap((run) => devServerListener(run, script, { who: `${server.description} of ${service.name}`, place: { document: placed.document, span }, owner: {} }));
    }),
  );
}

/** Flask's and Flask-SocketIO's run() listen on 127.0.0.1:5000 unless told otherwise; Werkzeug's run_simple() needs both. */
const FLASK_HOST = '127.0.0.1';
const FLASK_PORT = 5000;

function devServerListener(server: DevServerRun, module: AppModuleFile, listener: Pick<Listener, 'who' | 'place' | 'owner' | 'insideRun'>): Listener[] {
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
 * Whether two addresses cannot both be bound: the same unix path, or the same TCP port on
 * the same host, or where one takes every address of the other's family. `::` takes IPv4
 * too: neither gunicorn nor systemd (BindIPv6Only=default) sets IPV6_V6ONLY.
 */
function overlap(a: ListenAddress, b: ListenAddress): boolean {
  if (a.kind === 'unix' || b.kind === 'unix') return a.kind === 'unix' && b.kind === 'unix' && a.path === b.path;
  if (a.port !== b.port) return false;
  const hostA = canonicalHost(a.host);
  const hostB = canonicalHost(b.host);
  if (hostA === hostB || hostA === ANY || hostB === ANY) return true;
  return (hostA === '0.0.0.0' && !hostB.includes(':')) || (hostB === '0.0.0.0' && !hostA.includes(':'));
}

function canonicalHost(host: string): string {
  return ANY_IPV4.has(host) ? '0.0.0.0' : (LOOPBACK_NAMES.get(host) ?? host);
}

function describe(address: ListenAddress): string {
  if (address.kind === 'unix') return address.path;
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host || '0.0.0.0'}:${address.port}`;
}

function samePlace(a: Listener, b: Listener): boolean {
  return a.place.document === b.place.document && sameSpan(a.place.span, b.place.span);
}

function sameSpan(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function lineOf(document: Pick<ParsedDocument, 'path' | 'source'>, span: Span): string {
  return `${fileName(document.path)}:${document.source.positionAt(span.start).line + 1}`;
}

