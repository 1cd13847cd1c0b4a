import type { AppModuleFile } from '../../engine/app-modules';
import { documentsOf, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import { nearestHostFile } from '../../engine/host-layers';
import type { RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import type { Workspace } from '../../engine/workspace';
import type { NginxDirective } from '../../formats/nginx/model';
import type { PyValue } from '../../formats/gunicorn/value';
import { proxyLocationEdits, type ProxyChange } from './edits';
import { argumentsText, directivesEverywhere, hasToken, hasUnread, levelsAround, list, proxySettings, upgradeMap, type ProxySettings } from './levels';
import { ancestorsOf, placedDirectives } from './placed';

/**
 * A WebSocket handshake is an HTTP request with `Upgrade: websocket` and
 * `Connection: upgrade`. Both are hop-by-hop headers: nginx does not pass them on unless
 * the location sets them itself, and the switch needs HTTP/1.1 to the upstream
 * (nginx.org, "WebSocket proxying": proxy_http_version 1.1, proxy_set_header Upgrade
 * $http_upgrade, proxy_set_header Connection "upgrade").
 */
export const websocketHeadersMissing: Rule = {
  id: 'nginx/websocket-headers-missing',
  severity: 'warning',
  summary: 'A location proxying WebSocket traffic (a /ws or /socket.io path, or a Socket.IO app) without the Upgrade and Connection headers: the handshake never reaches the app',

  nginx(file, context) {
    for (const placed of placedDirectives(file, context)) {
      const proxyPass = placed.directive;
      if (proxyPass.name !== 'proxy_pass' || !/^https?:\/\//i.test(proxyPass.args[0]?.value ?? '')) continue;
      const ancestors = ancestorsOf(placed);
      const location = [...ancestors].reverse().find((ancestor) => ancestor.name === 'location');
      if (!location) continue;
      const why = websocketReason(proxyPass, location, ancestors, context);
      if (!why) continue;
      const levels = levelsAround(ancestors, context);
      // An include nobody could read may well hold the headers.
      if (!levels || hasUnread(levels)) continue;
      const settings = proxySettings(levels, context);
      const missing = missingSettings(settings, context);
      if (missing.length === 0) continue;

      const path = argumentsText(location, context.document);
      const change: ProxyChange = {
        http11: missing.includes('proxy_http_version 1.1'),
        headers: [
          ...(missing.includes(UPGRADE) ? [{ name: 'Upgrade', value: '$http_upgrade' }] : []),
          ...(missing.includes(CONNECTION) ? [{ name: 'Connection', value: '"upgrade"' }] : []),
        ],
      };
      const edits = proxyLocationEdits(proxyPass, ancestors, context.document.source, levels, change);
      const consequence = why.socketio ? 'Socket.IO clients fall back to HTTP long-polling' : 'WebSocket clients cannot connect';
      context.report({
        span: proxyPass.span,
        message: `location ${path} proxies WebSocket connections (${why.text}) without ${list(missing)}: nginx does not pass the Upgrade handshake on, so ${consequence}`,
        related: why.related,
        ...(edits
          ? { fixes: [{ title: `Add ${list(missing)} to location ${path}`, safe: false, preferred: true, edits }] }
          : {}),
      });
    }
  },
};

const UPGRADE = 'proxy_set_header Upgrade $http_upgrade';
const CONNECTION = 'proxy_set_header Connection "upgrade"';

/** Path segments that name a WebSocket endpoint: `/ws/`, `/socket.io/`, `~ ^/api/websocket`. */
const WEBSOCKET_SEGMENTS: ReadonlySet<string> = new Set(['ws', 'wss', 'websocket', 'websockets', 'socket.io']);

function pathSegments(location: NginxDirective): string[] {
  const uri = location.args[location.args.length - 1]?.value ?? '';
  // A regex location: drop the regex syntax around the words (`^/socket\.io/` → /socket.io/).
  return uri
    .replace(/\\/g, '')
    .toLowerCase()
    .split(/[/^$()?*+|[\]]+/)
    .filter((segment) => segment !== '');
}

function isWebsocketPath(location: NginxDirective): boolean {
  return pathSegments(location).some((segment) => WEBSOCKET_SEGMENTS.has(segment));
}

interface Reason {
  readonly text: string;
  readonly socketio: boolean;
  readonly related: readonly RelatedDraft[];
}

/**
 * Why the location carries WebSocket traffic: its path, or the app behind it (a gunicorn
 * run of the workspace listening where the proxy_pass goes) sets up Flask-SocketIO or
 * python-socketio. A location that merely proxies to such an app does not count when its
 * server has a location of its own for the Socket.IO path.
 */
function websocketReason(proxyPass: NginxDirective, location: NginxDirective, ancestors: readonly NginxDirective[], context: RuleContext): Reason | undefined {
  if (isWebsocketPath(location)) {
    return { text: 'its path', socketio: pathSegments(location).includes('socket.io'), related: [] };
  }
  if (socketioRunsOf(context.workspace).length === 0) return undefined;
  const server = ancestors.find((ancestor) => ancestor.name === 'server');
  if (server && hasSocketioLocation(server)) return undefined;
  const app = socketioAppBehind(proxyPass, context);
  if (!app) return undefined;
  const facts = app.module.facts.socketio!;
  const library = facts.library === 'flask-socketio' ? 'Flask-SocketIO' : 'python-socketio';
  const name = app.module.path.slice(app.module.path.lastIndexOf('/') + 1);
  return {
    text: `the app it proxies to sets up ${library} in ${name}`,
    socketio: true,
    related: [
      { document: app.module, span: facts.span, message: `${library} set up here` },
      { document: app.bind.document, span: app.bind.span, message: 'the app listens here' },
    ],
  };
}

const socketioServers = new WeakMap<NginxDirective, boolean>();

/** Whether a server block has a location (at any depth) for the Socket.IO path. Worked out once per server. */
function hasSocketioLocation(server: NginxDirective): boolean {
  let known = socketioServers.get(server);
  if (known === undefined) {
    known = false;
    const pending = [...(server.block?.directives ?? [])];
    while (pending.length > 0 && !known) {
      const directive = pending.pop()!;
      if (directive.name !== 'location') continue;
      if (pathSegments(directive).includes('socket.io')) known = true;
      pending.push(...(directive.block?.directives ?? []));
    }
    socketioServers.set(server, known);
  }
  return known;
}

type Address = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** The addresses a proxy_pass sends to: the servers of the upstream it names, or the address in its URL. */
function proxyAddresses(proxyPass: NginxDirective, context: RuleContext): Address[] {
  const url = proxyPass.args[0]?.value ?? '';
  const unix = /^https?:\/\/unix:([^:]+)/i.exec(url);
  if (unix) return [{ kind: 'unix', path: unix[1]! }];
  const match = /^(https?):\/\/([^/?]+)/i.exec(url);
  if (!match || match[2]!.includes('$')) return [];
  const hostPort = match[2]!;
  const upstream = directivesEverywhere('upstream', context).find(({ directive }) => directive.args[0]?.value.toLowerCase() === hostPort.toLowerCase());
  if (upstream) {
    return (upstream.directive.block?.directives ?? [])
      .filter((directive) => directive.name === 'server')
      .map((directive) => parseAddress(directive.args[0]?.value ?? '', 80))
      .filter((address): address is Address => address !== undefined);
  }
  const address = parseAddress(hostPort, match[1]!.toLowerCase() === 'https' ? 443 : 80);
  return address ? [address] : [];
}

/** `unix:/run/app.sock`, `127.0.0.1:8000`, `[::1]:8000`, `localhost` (with the default port). */
function parseAddress(text: string, defaultPort: number): Address | undefined {
  if (text.startsWith('unix:')) return { kind: 'unix', path: text.replace(/^unix:(\/\/)?/, '') };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { kind: 'tcp', host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : defaultPort };
  const plain = /^([^:]*)(?::(\d+))?$/.exec(text);
  if (plain) return { kind: 'tcp', host: plain[1]!, port: plain[2] ? Number(plain[2]) : defaultPort };
  return undefined;
}

const EVERY_INTERFACE = new Set(['', '0.0.0.0', '::', '*']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

function sameListener(proxied: Address, bound: Address): boolean {
  if (proxied.kind === 'unix' || bound.kind === 'unix') return proxied.kind === 'unix' && bound.kind === 'unix' && proxied.path === bound.path;
  if (proxied.port !== bound.port) return false;
  const from = proxied.host.toLowerCase();
  const to = bound.host.toLowerCase();
  return from === to || EVERY_INTERFACE.has(to) || (LOOPBACK.has(from) && LOOPBACK.has(to));
}

/** A gunicorn run whose app sets up Socket.IO, what it listens on, and the .deploylint.ini of its machine. */
interface SocketioRun {
  readonly module: AppModuleFile;
  readonly binds: readonly { address: Address; use: PlacedUse }[];
  readonly machines: ReadonlySet<string | undefined>;
}

const socketioRuns = new WeakMap<Workspace, SocketioRun[]>();
/** The nearest .deploylint.ini of a file: files declared on the same machine share it (or both have none). */
function machineOf(path: string, workspace: Workspace): string | undefined {
  // nearestHostFile keeps what it found per folder for the run.
  return nearestHostFile(path, workspace)?.path;
}

function socketioRunsOf(workspace: Workspace): SocketioRun[] {
  let runs = socketioRuns.get(workspace);
  if (runs) return runs;
  runs = [];
  for (const run of workspace.gunicornRuns) {
    const module = workspace.apps.ofRun(run)?.modules.find((candidate) => candidate.facts.socketio !== undefined);
    const binds = module ? listeningOn(run) : [];
    if (module && binds.length > 0) runs.push({ module, binds, machines: new Set(documentsOf(run).map((document) => machineOf(document.path, workspace))) });
  }
  socketioRuns.set(workspace, runs);
  return runs;
}

/**
 * The gunicorn run listening where the proxy_pass goes, when its app sets up Socket.IO.
 * Only runs on the same machine count: a workspace may hold several deployments, and
 * 127.0.0.1:8080 of one is not the 0.0.0.0:8080 of another.
 */
function socketioAppBehind(proxyPass: NginxDirective, context: RuleContext): { module: AppModuleFile; bind: PlacedUse } | undefined {
  const runs = socketioRunsOf(context.workspace);
  if (runs.length === 0) return undefined;
  const targets = proxyAddresses(proxyPass, context);
  const machine = machineOf(context.document.path, context.workspace);
  for (const run of runs) {
    if (!run.machines.has(machine)) continue;
    const bind = run.binds.find((bound) => targets.some((target) => sameListener(target, bound.address)));
    if (bind) return { module: run.module, bind: bind.use };
  }
  return undefined;
}

/** What a run binds, as written (only plain strings: a value read from the environment is not guessed). */
function listeningOn(run: GunicornRun): { address: Address; use: PlacedUse }[] {
  const binds = run.uses.filter((use) => use.setting.name === 'bind');
  const top = binds[binds.length - 1];
  if (!top) return [];
  // The config file's last assignment, or every --bind of the highest layer that has one.
  const deciding = top.layer === 'config' ? [top] : binds.filter((use) => use.layer === top.layer);
  const found: { address: Address; use: PlacedUse }[] = [];
  for (const use of deciding) {
    for (const text of strings(use.value)) {
      const address = parseAddress(text, 8000);
      if (address) found.push({ address, use });
    }
  }
  return found;
}

function strings(value: PyValue): string[] {
  if (value.kind === 'string') return [value.value];
  if (value.kind === 'list') return value.items.flatMap((item) => (item.kind === 'string' ? [item.value] : []));
  return [];
}

/** Of the three settings a WebSocket location needs, those it lacks (a header set from an unknown variable counts as set). */
function missingSettings(settings: ProxySettings, context: RuleContext): string[] {
  const missing: string[] = [];
  if (settings.httpVersion !== '1.1') missing.push('proxy_http_version 1.1');
  const upgrade = settings.headers.filter((entry) => entry.directive.args[0]?.value.toLowerCase() === 'upgrade');
  if (!upgrade.some((entry) => (entry.directive.args[1]?.value ?? '') !== '')) missing.push(UPGRADE);
  if (!carriesUpgrade(settings.connection, context)) missing.push(CONNECTION);
  return missing;
}

function carriesUpgrade(connection: string, context: RuleContext): boolean {
  const variable = /^\$\w+$/.exec(connection)?.[0];
  if (!variable) return hasToken(connection, 'upgrade');
  const map = upgradeMap(variable, context);
  return map === undefined || hasToken(map.upgrade, 'upgrade');
}
