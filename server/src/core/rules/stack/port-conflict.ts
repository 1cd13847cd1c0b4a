import type { ParsedDocument } from '../../engine/document';
import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { MergedUnit } from '../../engine/merged-unit';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Workspace } from '../../engine/workspace';
import { byPort, describe, devServerListener, overlap, sameSpan, workspaceListeners, type Listener } from './listeners';
import { addTo } from '../../model/groups';

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
    for (const [at, other] of clashesOf(context).get(document) ?? []) report(at, other, context);
  },
};

interface Clash {
  readonly at: Listener;
  readonly with: Listener;
  /** Reported on both sides. */
  readonly both: boolean;
}

/** A side of a clash to report, where its listener is written: [the listener, the one it clashes with]. */
type ClashSide = readonly [Listener, Listener];

const clashes = new WeakMap<Workspace, ReadonlyMap<ParsedDocument, readonly ClashSide[]>>();

/** The clashes of the run, by the document each side is reported in. */
function clashesOf(context: RuleContext): ReadonlyMap<ParsedDocument, readonly ClashSide[]> {
  let byDocument = clashes.get(context.workspace);
  if (!byDocument) {
    const sides = new Map<ParsedDocument, ClashSide[]>();
    for (const clash of findClashes(listenersOf(context))) {
      addTo(sides, clash.at.place.document, [clash.at, clash.with]);
      if (clash.both) addTo(sides, clash.with.place.document, [clash.with, clash.at]);
    }
    byDocument = sides;
    clashes.set(context.workspace, byDocument);
  }
  return byDocument;
}

function findClashes(listeners: readonly Listener[]): Clash[] {
  const found: Clash[] = [];
  // Only listeners of one machine and one port (or path) can clash: compared within those groups.
  for (const group of byPort(listeners).values()) {
    group.forEach((a, index) => {
      for (const b of group.slice(index + 1)) {
        if (a.owner === b.owner || (a.reusePort && b.reusePort) || !overlap(a.address, b.address)) continue;
        if (b.insideRun === a.owner) found.push({ at: b, with: a, both: false });
        else if (a.insideRun === b.owner) found.push({ at: a, with: b, both: false });
        else found.push({ at: a, with: b, both: !samePlace(a, b) });
      }
    });
  }
  return found;
}

function report(at: Listener, other: Listener, context: RuleContext): void {
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

/**
 * The listeners that can clash: sockets, development servers, and gunicorn where a
 * service starts it (a config file alone, or a Procfile, says nothing of what else runs
 * beside it).
 */
function listenersOf(context: RuleContext): Listener[] {
  const listeners = workspaceListeners(context).listeners.filter((listener) => !listener.run || listener.socketEntry || listener.service);
  for (const run of context.workspace.gunicornRuns) {
    const service = run.launcher ? context.workspace.unitsOf(run.launcher).find((unit) => unit.name.endsWith('.service')) : undefined;
    if (service && run.command) listeners.push(...importedDevServers(run, service, context));
  }
  return listeners;
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
        machine: context.workspace.machineOf(run.launcher!.path),
      })),
  );
}

function samePlace(a: Listener, b: Listener): boolean {
  return a.place.document === b.place.document && sameSpan(a.place.span, b.place.span);
}
