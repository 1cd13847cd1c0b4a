import { effectiveUse, type GunicornRun } from '../../engine/gunicorn-runs';
import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import type { EditDraft, Rule, RuleContext } from '../../engine/rule';
import { parseBoolean } from '../../formats/systemd/values';
import { availableIn } from '../../knowledge/knowledge';
import { CAPABILITIES } from '../../knowledge/systemd-security';
import { compareVersions } from '../../model/version';
import { normalizePath } from '../../text/paths';
import { bindsOf, defaultBind, parseBind } from '../gunicorn/binds';
import { neededFolder, unixSockets, writtenPaths } from '../gunicorn/written-paths';
import { removeEntry, setDirectives } from './edits';
import { exposureOf, shareOf, type Exposure } from './exposure';
import { runsOfService, surelyReadRuns, webServerStart } from './service-runs';
import { extendedLists, folderOfEntry, listWords, under, writableLists } from './writable';

/** Folders of user units (`~/.config/systemd/user/`, `/etc/systemd/user/`): their sandboxing works differently, and they are left alone. */
const USER_UNIT = /(^|\/)systemd\/user\//;

/** Where home directories are: ProtectHome=yes hides them. */
const HOME = ['/home', '/root', '/run/user'];

/**
 * A web service's exposure as `systemd-analyze security --offline=true` would estimate it
 * (see exposure.ts), reported with a set of sandboxing directives known to keep a gunicorn
 * service working, as long as that set adds something. Only directives the service leaves
 * unset are added: a value written in the unit or a drop-in is its author's decision (an
 * app that needs AF_NETLINK, or writes under /etc), and it is kept.
 *
 * Apart from that: `MemoryDenyWriteExecute=yes` on a Python web service is a warning of
 * its own, as it can break ctypes and cffi callbacks.
 */
export const hardening: Rule = {
  id: 'systemd/hardening',
  severity: 'info',
  summary: "A web service's exposure as systemd-analyze security estimates it, with a sandboxing set that keeps gunicorn working",

  service(service, context) {
    if (service.files.some((file) => USER_UNIT.test(file.path))) return;
    const start = webServerStart(service, context);
    if (!start) return;
    reportMemoryDenyWriteExecute(service, context);

    const plan = hardeningPlan(service, context);
    if (plan.directives.length === 0) return;
    const before = exposureOf(service, context.targets, { knowledge: context.knowledge });
    const after = exposureOf(service, context.targets, { knowledge: context.knowledge, added: plan.directives });
    const gaps = biggestGaps(before, after, plan.directives.map(([key]) => key));
    const where = headerOf(service, start);
    context.report({
      document: where.document,
      span: where.span,
      message:
        `exposure ${before.text} (${before.level}) as systemd-analyze security would estimate it` +
        `${gaps.length > 0 ? `; the biggest gaps: ${gaps.join(', ')}` : ''}` +
        `; the hardening set of the fix brings it to ${after.text} (${after.level})`,
      fixes: [
        {
          title: `Add ${plan.directives.length} sandboxing directives (exposure ${before.text} → ${after.text}${plan.writable.length > 0 ? `; keeps writable: ${plan.writable.join(', ')}` : ''})`,
          // The app may write where nothing in the files says, need a capability or a system call the set takes away.
          safe: false,
          edits: setDirectives(service, 'Service', plan.directives),
        },
      ],
    });
  },
};

/**
 * Warns where MemoryDenyWriteExecute=yes is decided, if it is in force. libffi, which
 * ctypes and cffi call C through, builds each Python callback as a small piece of machine
 * code, in memory it writes and then runs: what systemd's filter refuses.
 */
function reportMemoryDenyWriteExecute(service: MergedUnit, context: RuleContext): void {
  const directive = context.knowledge.systemd.directive('Service', 'MemoryDenyWriteExecute');
  if (directive && !availableIn(directive, context.targets.systemd)) return;
  const assignments = service.assignments('Service', 'MemoryDenyWriteExecute');
  let deciding: PlacedEntry | undefined;
  for (const placed of assignments) {
    const value = parseBoolean(placed.entry.value);
    if (value !== undefined) deciding = value ? placed : undefined;
  }
  if (!deciding) return;
  // Every assignment that says yes goes: one left behind would take over.
  const edits: EditDraft[] = assignments
    .filter((placed) => parseBoolean(placed.entry.value) === true)
    .map((placed) => ({ ...removeEntry(placed.document.source, placed.entry), document: placed.document }));
  context.report({
    document: deciding.document,
    span: deciding.entry.span,
    severity: 'warning',
    message:
      `MemoryDenyWriteExecute=${deciding.entry.value} can break a Python app: callbacks made with ctypes or cffi (libffi closures), ` +
      `and JIT compilers, need memory that is writable and executable, which it refuses; the call then fails with MemoryError`,
    fixes: [{ title: 'Remove MemoryDenyWriteExecute=', safe: false, edits }],
  });
}

/** The `[Service]` header the finding underlines: the unit file's (where the fix writes), else the one above `ExecStart=`. */
function headerOf(service: MergedUnit, start: PlacedEntry): { document: PlacedEntry['document']; span: PlacedEntry['section']['headerSpan'] } {
  const sections = service.editable.unit?.sections.filter((section) => section.name === 'Service') ?? [];
  const last = sections.at(-1);
  return last ? { document: service.editable, span: last.headerSpan } : { document: start.document, span: start.section.headerSpan };
}

/** The directives of the plan that lower the exposure most, with how much each lowers it: "SystemCallFilter= (1.6)". */
function biggestGaps(before: Exposure, after: Exposure, keys: readonly string[]): string[] {
  return keys
    .map((key) => ({ key, drop: shareOf(before, key) - shareOf(after, key) }))
    .filter((gap) => gap.drop > 0)
    .sort((a, b) => b.drop - a.drop)
    .slice(0, 3)
    .map((gap) => `${gap.key}= (${(gap.drop / 10).toFixed(1)})`);
}

interface Plan {
  readonly directives: (readonly [string, string])[];
  /** The folders the fix keeps writable with entries of its own, for the fix's title. */
  readonly writable: string[];
}

/**
 * The sandboxing set for this service, minus what it sets already and what the target
 * systemd does not have. It keeps a gunicorn service working: ProtectSystem=strict comes
 * with write access to every folder the run writes to (its pid file, logs, unix socket,
 * worker heartbeat files), PrivateTmp= is left out when the socket or the PIDFile= is in
 * /tmp (nginx and systemd would no longer see them), ProtectHome= is read-only when the
 * app lives in a home directory, and the capability bounding set keeps what binding a
 * port below 1024, AmbientCapabilities=, or gunicorn switching from root to its `user`
 * need.
 */
function hardeningPlan(service: MergedUnit, context: RuleContext): Plan {
  const target = context.targets.systemd;
  const has = (key: string): boolean => {
    const directive = context.knowledge.systemd.directive('Service', key);
    return directive !== undefined && availableIn(directive, target);
  };
  const written = (key: string): boolean => service.assignments('Service', key).length > 0;
  const dynamicUser = parseBoolean(service.value('Service', 'DynamicUser')?.entry.value ?? '') === true && has('DynamicUser');
  // What DynamicUser=yes turns on by itself (unit_patch_contexts()).
  const implied = new Set(dynamicUser ? ['NoNewPrivileges', 'PrivateTmp', 'ProtectSystem', 'RestrictSUIDSGID'] : []);
  const wanted = (key: string): boolean => has(key) && !written(key) && !implied.has(key);

  const runs = surelyReadRuns(runsOfService(service, context));
  const writes = runs.flatMap((run) => writtenPaths(run, context).map(neededFolder));
  const sockets = runs.flatMap((run) => unixSockets(run, context).map((socket) => socket.path));
  const pidFile = service.value('Service', 'PIDFile')?.entry.value;
  const tmpShared = [...sockets, ...(pidFile ? [pidFile] : [])].some((path) => under(path, ['/tmp', '/var/tmp']));
  const privateTmp = !tmpShared && wanted('PrivateTmp');
  const strict = wanted('ProtectSystem') && compareVersions(target, '231') >= 0;
  const touchesHome = [...writes, ...pathsOfService(service), ...runs.flatMap((run) => (run.configLink ? [run.configLink.deployedPath] : []))].some((path) => under(path, HOME));
  const protectHome = wanted('ProtectHome') ? (touchesHome ? 'read-only' : 'yes') : undefined;

  const directives: [string, string][] = [];
  const add = (key: string, value: string) => {
    if (wanted(key)) directives.push([key, value]);
  };
  add('NoNewPrivileges', 'yes');
  if (privateTmp) directives.push(['PrivateTmp', 'yes']);
  add('PrivateDevices', 'yes');
  const writable: string[] = [];
  if (strict) directives.push(['ProtectSystem', 'strict']);
  if (strict || protectHome === 'read-only') {
    const tmpPrivate = privateTmp || implied.has('PrivateTmp') || parseBoolean(service.value('Service', 'PrivateTmp')?.entry.value ?? '') === true;
    const needed = writes.filter((folder) => strict || under(folder, HOME));
    const lists = writableLists(service, needed, tmpPrivate);
    directives.push(...extendedLists(service, lists.filter(([key]) => has(key))));
    writable.push(...lists.flatMap(([key, additions]) => additions.map((entry) => folderOfEntry(key, entry))));
  }
  if (protectHome) directives.push(['ProtectHome', protectHome]);
  add('ProtectKernelTunables', 'yes');
  add('ProtectKernelModules', 'yes');
  add('ProtectKernelLogs', 'yes');
  add('ProtectControlGroups', 'yes');
  add('ProtectClock', 'yes');
  add('ProtectHostname', 'yes');
  add('ProtectProc', 'invisible');
  add('RestrictAddressFamilies', 'AF_UNIX AF_INET AF_INET6');
  add('RestrictNamespaces', 'yes');
  add('LockPersonality', 'yes');
  add('RestrictRealtime', 'yes');
  add('RestrictSUIDSGID', 'yes');
  add('SystemCallArchitectures', 'native');
  // The @system-service group came with systemd 239.
  if (wanted('SystemCallFilter') && compareVersions(target, '239') >= 0) {
    directives.push(['SystemCallFilter', '@system-service']);
    add('SystemCallErrorNumber', 'EPERM');
  }
  add('CapabilityBoundingSet', capabilitiesNeeded(service, runs, context).join(' '));
  return { directives, writable };
}

/** Absolute paths the unit names: its working directory, the programs and scripts it starts, its environment files. */
function pathsOfService(service: MergedUnit): string[] {
  const found: string[] = [];
  for (const key of ['WorkingDirectory', 'EnvironmentFile', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload']) {
    for (const placed of service.list('Service', key)) {
      for (const word of placed.entry.value.split(/\s+/)) {
        const path = word.replace(/^[-@:+!]+/, '');
        if (path.startsWith('/')) found.push(normalizePath(path));
      }
    }
  }
  return found;
}

/**
 * What the bounding set must keep (empty when nothing): CAP_NET_BIND_SERVICE to bind a port
 * below 1024, what AmbientCapabilities= hands out (systemd cannot grant what the bounding
 * set lacks), and, for a service systemd starts as root whose gunicorn switches to its
 * `user`/`group`, CAP_SETUID and CAP_SETGID for the switch and CAP_CHOWN for the heartbeat
 * files and socket gunicorn hands over to that user.
 */
function capabilitiesNeeded(service: MergedUnit, runs: readonly GunicornRun[], context: RuleContext): string[] {
  const needed = new Set<string>();
  for (const word of listWords(service, 'AmbientCapabilities')) if (!word.startsWith('~') && CAPABILITIES[word.toUpperCase()] !== undefined) needed.add(word.toUpperCase());
  if (listensBelow1024(service, runs, context)) needed.add('CAP_NET_BIND_SERVICE');
  const user = service.value('Service', 'User')?.entry.value;
  const dynamicUser = parseBoolean(service.value('Service', 'DynamicUser')?.entry.value ?? '') === true;
  const asRoot = !dynamicUser && (user === undefined || user === 'root' || user === '0');
  if (asRoot && runs.some((run) => effectiveUse(run, 'user') || effectiveUse(run, 'group'))) {
    needed.add('CAP_SETUID');
    needed.add('CAP_SETGID');
    needed.add('CAP_CHOWN');
  }
  return [...needed].sort((a, b) => CAPABILITIES[a]! - CAPABILITIES[b]!);
}

/**
 * Whether the service listens on a port below 1024: a gunicorn run's bind (or its default,
 * port 8000 or $PORT), else a `--port N`, `-p N` or `host:N` on the command line of
 * another server; and the ports the app's own code binds, as far as it can be read (a UDP
 * receiver the app starts, the port a `python app.py` script serves on).
 */
function listensBelow1024(service: MergedUnit, runs: readonly GunicornRun[], context: RuleContext): boolean {
  const low = (port: number | undefined) => port !== undefined && port > 0 && port < 1024;
  // Under gunicorn, code behind `if __name__ == "__main__":` does not run.
  const appPorts = runs.flatMap((run) => context.workspace.apps.ofRun(run)?.modules ?? []).flatMap((module) => module.facts.udpReceivers.filter((started) => !started.guarded).map((started) => started.port));
  if (appPorts.some(low)) return true;
  if (runs.length > 0) {
    const environmentPort = listWords(service, 'Environment').map((word) => /^"?PORT=(\d+)/.exec(word)?.[1]).find((port) => port !== undefined);
    return runs.some((run) => {
      const binds = bindsOf(run, context)?.map((bind) => bind.text) ?? [defaultBind(environmentPort)];
      return binds.some((text) => {
        const address = parseBind(text);
        return address?.kind === 'tcp' && low(address.port);
      });
    });
  }
  return service.list('Service', 'ExecStart').some((placed) => {
    const text = placed.entry.value;
    const ports = [...text.matchAll(/(?:--port[=\s]+|(?:^|\s)-p\s*)(\d+)\b/g), ...text.matchAll(/(?:^|[\s=])[\w.\-[\]]*:(\d{1,5})(?=\s|$)/g)].map((match) => Number(match[1]));
    const scripts = text.split(/\s+/).filter((word) => word.endsWith('.py') && !word.endsWith('manage.py'));
    for (const script of scripts) {
      const facts = context.workspace.apps.ofScript(script, placed.document.path)?.facts;
      if (facts) ports.push(...[...facts.udpReceivers, ...facts.devServerRuns].flatMap((started) => (started.port === undefined ? [] : [started.port])));
    }
    return ports.some(low);
  });
}
