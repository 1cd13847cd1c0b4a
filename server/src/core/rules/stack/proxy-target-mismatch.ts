import type { FixDraft, Rule } from '../../engine/rule';
import { describe, lineOf, listensEverywhere, workspaceListeners, type ListenAddress, type Listener } from './listeners';
import { localTargets, loopbackOf, type ProxyTarget } from './proxy-links';

/**
 * nginx proxies, on its own host, to an address or unix socket where nothing the
 * workspace starts listens, while gunicorn listens elsewhere. Said only when every
 * listener of nginx's machine is known and at least one is gunicorn: a workspace without
 * the app server says nothing of where it listens.
 */
export const proxyTargetMismatch: Rule = {
  id: 'stack/proxy-target-mismatch',
  severity: 'error',
  summary: 'nginx proxies to an address or unix socket on this host where nothing the workspace starts listens, while gunicorn listens elsewhere: every request gets 502 Bad Gateway',

  nginx(_file, context) {
    const { listeners, incomplete } = workspaceListeners(context);
    const reported = new Set<number>();
    for (const { target, machine, answering } of localTargets(context)) {
      if (answering.length > 0 || target.source.path !== context.document.path || reported.has(target.span.start) || incomplete.has(machine)) continue;
      const apps = listeners.filter((listener) => listener.run !== undefined && listener.machine === machine);
      if (apps.length === 0) continue;
      reported.add(target.span.start);
      context.report({
        span: target.span,
        message: `nginx proxies to ${target.text}, where nothing the workspace starts listens, so every request sent there gets 502 Bad Gateway; ${apps
          .slice(0, 3)
          .map((app) => `${app.who} listens on ${describe(app.address)} (${app.where})`)
          .join('; ')}${apps.length > 3 ? `; and ${apps.length - 3} more` : ''}`,
        related: apps.slice(0, 5).map((app) => app.origin),
        fixes: fixes(target, apps),
      });
    }
  },
};

/** Proxy where a gunicorn of the workspace listens: one fix per address, preferred when there is one. */
function fixes(target: ProxyTarget, apps: readonly Listener[]): FixDraft[] {
  const choices = new Map<string, Listener>();
  for (const app of apps) {
    const text = targetText(app.address, target);
    if (text !== undefined && !choices.has(text)) choices.set(text, app);
  }
  return [...choices].slice(0, 3).map(([text, app]) => ({
    title: `Proxy to ${text}, where ${app.who} listens (${lineOf(app.origin.document, app.origin.span)})`,
    safe: false,
    ...(choices.size === 1 ? { preferred: true } : {}),
    edits: [{ span: target.span, newText: text }],
  }));
}

/**
 * How nginx names a listener's address in the target's place: `unix:/path`, or the port at
 * a loopback address (a listener on every address is reached there). A target inside a
 * proxy_pass URL keeps its kind: `http://unix:/path:/uri` does not become a host and port
 * by swapping the middle.
 */
function targetText(address: ListenAddress, target: ProxyTarget): string | undefined {
  if (!target.upstream && address.kind !== target.address.kind) return undefined;
  if (address.kind === 'unix') return `unix:${address.path}`;
  const host = listensEverywhere(address) ? loopbackOf(target.address) : address.host;
  return describe({ kind: 'tcp', host, port: address.port });
}
