import { documentsOf } from '../../engine/gunicorn-runs';
import type { RuleContext } from '../../engine/rule';
import type { NginxArgument, NginxDirective } from '../../formats/nginx/model';
import type { Span } from '../../text/source-text';
import { directivesEverywhere, hasUnread, levelsAround, type Found, type Level, type NginxSource } from '../nginx/levels';
import { byPort, canonicalHost, portKey, workspaceListeners, type ListenAddress, type Listener } from './listeners';
import { canonicalPath } from '../systemd/writable';

/**
 * Where nginx sends what it proxies: each `proxy_pass` with the addresses it connects to,
 * directly (`http://127.0.0.1:8000/`, `http://unix:/run/app.sock:/`) or through the
 * `server` lines of the upstream it names, and the programs of the workspace that answer
 * there. The stack rules that join nginx to gunicorn start here.
 */

/** One address nginx connects to, and where it is written. */
export interface ProxyTarget {
  readonly address: ListenAddress;
  /** The address as written: `127.0.0.1:8000`, `unix:/run/app.sock`. */
  readonly text: string;
  /** Where that text is: inside the proxy_pass URL, or an upstream `server` line's first argument. */
  readonly span: Span;
  /** The directive it is written on: the proxy_pass, or the upstream's `server` line. */
  readonly directive: NginxDirective;
  readonly source: NginxSource;
  /** The upstream block, for a target written there. */
  readonly upstream?: NginxDirective;
}

export interface ProxyLink {
  readonly proxyPass: Found;
  /** The configuration levels the proxy_pass is read in; absent when they cannot be worked out. */
  readonly levels?: readonly Level[];
  readonly targets: readonly ProxyTarget[];
}

/** A target on nginx's host, and the programs of the workspace that answer there. */
export interface ReachedTarget {
  readonly link: ProxyLink;
  readonly target: ProxyTarget;
  /** nginx's machine (Workspace.machineOf). */
  readonly machine: string;
  /** What listens at the target on that machine. */
  readonly answering: readonly Listener[];
}

const links = new WeakMap<object, readonly ProxyLink[]>();

/** Every proxy_pass of the known nginx files whose targets can be read (no variables), with its targets. */
export function proxyLinks(context: RuleContext): readonly ProxyLink[] {
  let known = links.get(context.workspace);
  if (!known) {
    known = directivesEverywhere('proxy_pass', context).flatMap((found) => {
      const targets = targetsOf(found, context);
      if (!targets) return [];
      const levels = levelsAround(found.ancestors, context, found.source);
      return [{ proxyPass: found, ...(levels ? { levels } : {}), targets }];
    });
    links.set(context.workspace, known);
  }
  return known;
}

/**
 * The proxy targets on this host (loopback addresses and unix sockets: nginx cannot reach
 * another machine's gunicorn through them) that the checked document takes part in: it
 * holds the proxy_pass, the target, a directive of the levels the proxy_pass is read in,
 * or a gunicorn (or .socket unit) answering there. Indexed once per run: each document's
 * rules then look at their own links, not at every link of the workspace (4,000 apps with a
 * site each: quadratic, minutes).
 */
export function localTargets(context: RuleContext): readonly ReachedTarget[] {
  let byFile = reachedByFile.get(context.workspace);
  if (!byFile) {
    byFile = indexByFile(reachedTargets(context));
    reachedByFile.set(context.workspace, byFile);
  }
  return byFile.get(context.document.path) ?? [];
}

const reachedByFile = new WeakMap<object, ReadonlyMap<string, readonly ReachedTarget[]>>();

/** Every proxy target on this host, and what of the workspace listens there. */
function reachedTargets(context: RuleContext): ReachedTarget[] {
  const listeners = workspaceListeners(context).listeners;
  // Every rule that reads the targets compares them with a gunicorn: without one, the proxies need not be worked out.
  if (!listeners.some((listener) => listener.run !== undefined)) return [];
  // Only a listener of nginx's machine on the target's port (or path) can answer: looked up by that, not compared with all.
  const listenersByPort = byPort(listeners);
  return proxyLinks(context).flatMap((link) => {
    const machine = context.workspace.machineOf(link.proxyPass.source.path);
    return link.targets.filter((target) => onThisHost(target.address)).map((target) => {
      const candidates = listenersByPort.get(portKey(machine, target.address)) ?? [];
      return { link, target, machine, answering: candidates.filter((listener) => reaches(target.address, listener.address)) };
    });
  });
}

function indexByFile(reached: readonly ReachedTarget[]): Map<string, ReachedTarget[]> {
  const byFile = new Map<string, ReachedTarget[]>();
  for (const entry of reached) {
    // Each entry once per file: a file named twice for it is added twice in a row, so the last entry tells.
    forEachFileOf(entry, (path) => {
      const list = byFile.get(path);
      if (!list) byFile.set(path, [entry]);
      else if (list[list.length - 1] !== entry) list.push(entry);
    });
  }
  return byFile;
}

/** The files a reached target involves (see localTargets), some more than once. */
function forEachFileOf({ link, target, answering }: ReachedTarget, visit: (path: string) => void): void {
  visit(link.proxyPass.source.path);
  visit(target.source.path);
  for (const level of link.levels ?? []) for (const path of levelFiles(level)) visit(path);
  for (const listener of answering) {
    visit(listener.place.document.path);
    if (listener.run) for (const document of documentsOf(listener.run)) visit(document.path);
  }
}

/** The files a level's block and entries are written in; levels are shared between links, so each is read once. */
function levelFiles(level: Level): readonly string[] {
  let paths = filesOfLevel.get(level);
  if (!paths) {
    paths = [...new Set([level.file.path, ...level.entries.map((entry) => entry.file.path)])];
    filesOfLevel.set(level, paths);
  }
  return paths;
}

const filesOfLevel = new WeakMap<Level, readonly string[]>();

/** Whether the levels of a link are fully known: no include that could not be read. */
export function levelsKnown(link: ProxyLink): link is ProxyLink & { readonly levels: readonly Level[] } {
  return link.levels !== undefined && !hasUnread(link.levels);
}

/** Ports nginx connects to when a URL or `server` line names none. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443 };

function targetsOf(found: Found, context: RuleContext): ProxyTarget[] | undefined {
  const argument = found.directive.args[0];
  const url = /^(https?):\/\/(.*)$/i.exec(argument?.value ?? '');
  if (!argument || !url || url[2]!.includes('$')) return undefined;
  const scheme = url[1]!.toLowerCase();
  const rest = url[2]!;
  const offset = argument.value.length - rest.length;
  if (rest.toLowerCase().startsWith('unix:')) {
    // http://unix:/path/to/socket:/uri — the path ends at the next colon.
    const path = rest.slice('unix:'.length).split(':')[0]!;
    if (!path.startsWith('/')) return undefined;
    return [written(found, argument, offset, `unix:${path}`, { kind: 'unix', path: canonicalPath(path) })];
  }
  const authority = /^[^/?#]*/.exec(rest)![0];
  const address = parseHostPort(authority, DEFAULT_PORTS[scheme]!);
  if (!address) return undefined;
  if (!/:\d+$/.test(authority)) {
    const upstream = upstreamNamed(authority, context);
    if (upstream) return upstreamTargets(upstream.directive, upstream.source);
  }
  return [written(found, argument, offset, authority, address)];
}

/** A target inside a proxy_pass URL: its span is exact when the argument is written bare. */
function written(found: Found, argument: NginxArgument, offset: number, text: string, address: ListenAddress): ProxyTarget {
  const bare = argument.quote === undefined && found.source.source.text.slice(argument.span.start, argument.span.end) === argument.value;
  const span = bare ? { start: argument.span.start + offset, end: argument.span.start + offset + text.length } : argument.span;
  return { address, text, span, directive: found.directive, source: found.source };
}

/** nginx looks upstream names up without regard to case (ngx_http_upstream_add). */
function upstreamNamed(name: string, context: RuleContext): Found | undefined {
  return directivesEverywhere('upstream', context).find((found) => found.directive.args[0]?.value.toLowerCase() === name.toLowerCase());
}

/** The `server` lines of an upstream block: `unix:/path`, `host:port`, or `host` on port 80. */
function upstreamTargets(upstream: NginxDirective, source: NginxSource): ProxyTarget[] {
  return (upstream.block?.directives ?? []).flatMap((line) => {
    const argument = line.args[0];
    if (line.name !== 'server' || !argument || argument.value.includes('$')) return [];
    const text = argument.value;
    const address: ListenAddress | undefined = text.toLowerCase().startsWith('unix:') ? { kind: 'unix', path: canonicalPath(text.slice('unix:'.length)) } : parseHostPort(text, DEFAULT_PORTS.http!);
    return address ? [{ address, text, span: argument.span, directive: line, source, upstream }] : [];
  });
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`; the host lower-case. */
function parseHostPort(text: string, defaultPort: number): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  return { kind: 'tcp', host: (match[1] ?? match[2]!).toLowerCase(), port: match[3] === undefined ? defaultPort : Number(match[3]) };
}

/** Loopback and unix sockets: an address nginx can only reach on its own host. */
export function onThisHost(address: ListenAddress): boolean {
  if (address.kind === 'unix') return true;
  const host = canonicalHost(address.host);
  return host.startsWith('127.') || host === '::1' || host === '0.0.0.0' || host === '::';
}

/**
 * Whether a connection nginx opens to `target` arrives at a socket bound to `listener`:
 * the same path; or the same port on the same address, or on a listener that takes every
 * address of the target's family (`::` takes IPv4 too, IPV6_V6ONLY being off). `localhost`
 * is tried as 127.0.0.1.
 */
export function reaches(target: ListenAddress, listener: ListenAddress): boolean {
  if (target.kind === 'unix' || listener.kind === 'unix') return target.kind === 'unix' && listener.kind === 'unix' && target.path === listener.path;
  if (target.port !== listener.port) return false;
  const to = canonicalHost(target.host);
  const at = canonicalHost(listener.host);
  if (to === at || at === '::') return true;
  return at === '0.0.0.0' && !to.includes(':');
}

/** The loopback address nginx connects from for a target: the one a listener on every address is reached at. */
export function loopbackOf(target: ListenAddress): string {
  return target.kind === 'tcp' && canonicalHost(target.host).includes(':') ? '::1' : '127.0.0.1';
}
