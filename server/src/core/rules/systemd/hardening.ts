import { dirName } from '../../engine/deployed-paths';
import { effectiveUse, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import type { EditDraft, Rule, RuleContext } from '../../engine/rule';
import { parseBoolean } from '../../formats/systemd/values';
import { availableIn } from '../../knowledge/knowledge';
import { CAPABILITIES } from '../../knowledge/systemd-security';
import { compareVersions } from '../../model/version';
import { normalizePath } from '../../text/paths';
import { effectiveBoolean, evaluateOnHost } from '../gunicorn/run-settings';
import { removeEntry, setDirectives } from './edits';
import { exposureOf, shareOf, type Exposure } from './exposure';
import { runsOfService, webServerStart } from './service-runs';

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

  const runs = runsOfService(service, context).map(withoutGuessedConfig);
  const writes = runs.flatMap((run) => writtenFolders(run, context));
  const sockets = runs.flatMap((run) => unixSockets(run, context));
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
    for (const [key, additions] of lists) {
      if (additions.length === 0 || !has(key)) continue;
      const current = service.value('Service', key)?.entry.value;
      directives.push([key, current ? `${current} ${additions.join(' ')}` : additions.join(' ')]);
    }
    writable.push(...lists.flatMap(([key, additions]) => additions.map((entry) => folderOf(key, entry))));
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

/** The folder a ReadWritePaths=, RuntimeDirectory= or LogsDirectory= entry stands for. */
function folderOf(key: string, entry: string): string {
  return key === 'RuntimeDirectory' ? `/run/${entry}` : key === 'LogsDirectory' ? `/var/log/${entry}` : entry;
}

/**
 * The entries to add so that each folder stays writable: a folder under /run becomes a
 * RuntimeDirectory= (systemd creates it, owned by the service's user, and removes it at
 * stop), one under /var/log a LogsDirectory=, any other a ReadWritePaths=. Folders the
 * unit already makes writable, the API file systems (/dev/shm) and, with PrivateTmp=, the
 * temporary folders need nothing.
 */
function writableLists(service: MergedUnit, folders: readonly string[], tmpPrivate: boolean): [string, string[]][] {
  const covered = [
    ...words(service, 'ReadWritePaths').map((entry) => entry.replace(/^[-+]+/, '')),
    ...words(service, 'RuntimeDirectory').map((entry) => `/run/${entry}`),
    ...words(service, 'LogsDirectory').map((entry) => `/var/log/${entry}`),
    ...words(service, 'StateDirectory').map((entry) => `/var/lib/${entry}`),
    ...words(service, 'CacheDirectory').map((entry) => `/var/cache/${entry}`),
  ].map((path) => normalizePath(path.replace(/:.*$/, '')));
  const runtime: string[] = [];
  const logs: string[] = [];
  const paths: string[] = [];
  const sorted = [...new Set(folders.map((folder) => normalizePath(folder.replace(/^\/var\/run(?=\/|$)/, '/run'))))].sort();
  const chosen: string[] = [];
  for (const folder of sorted) {
    if (under(folder, ['/dev', '/proc', '/sys']) || (tmpPrivate && under(folder, ['/tmp', '/var/tmp']))) continue;
    if (covered.some((path) => under(folder, [path])) || chosen.some((path) => under(folder, [path]))) continue;
    chosen.push(folder);
    if (folder.startsWith('/run/')) runtime.push(folder.slice('/run/'.length));
    else if (folder.startsWith('/var/log/')) logs.push(folder.slice('/var/log/'.length));
    else paths.push(folder);
  }
  return [
    ['ReadWritePaths', paths],
    ['RuntimeDirectory', runtime],
    ['LogsDirectory', logs],
  ];
}

/** The words of a list setting as it ends up (after its last reset). */
function words(service: MergedUnit, key: string): string[] {
  return service.list('Service', key).flatMap((placed) => placed.entry.value.split(/\s+/).filter(Boolean));
}

/** Whether a path is one of the folders or inside one. */
function under(path: string, folders: readonly string[]): boolean {
  return folders.some((folder) => path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`));
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
 * The run without its config file's settings when that file is only a guess: no `-c`, and
 * a gunicorn.conf.py matched by its name alone in another folder than the unit. Folders to
 * make writable are taken from what the run surely reads; a guessed file would add
 * another app's.
 */
function withoutGuessedConfig(run: GunicornRun): GunicornRun {
  const link = run.configLink;
  const guessed = link !== undefined && link.written === undefined && link.match?.how === 'same name' && run.launcher !== undefined && dirName(link.match.path) !== dirName(run.launcher.path);
  return guessed ? { ...run, uses: run.uses.filter((use) => use.layer !== 'config') } : run;
}

/** A setting of the run as a string, or undefined when it is unset or cannot be known. */
function stringSetting(run: GunicornRun, name: string, context: RuleContext): string | undefined {
  const use = effectiveUse(run, name);
  if (!use) return undefined;
  const value = evaluateOnHost(use.value, context);
  return value.kind === 'string' ? value.value : undefined;
}

/** A path of the run made absolute: relative to `chdir`, or to where gunicorn starts. */
function absolute(run: GunicornRun, path: string, context: RuleContext): string | undefined {
  if (path.startsWith('/')) return normalizePath(path);
  const base = stringSetting(run, 'chdir', context) ?? run.workingDirectory;
  return base?.startsWith('/') ? normalizePath(`${base}/${path}`) : undefined;
}

/** The addresses the run listens on: the config file's last `bind`, or every one of the highest layer that has any. */
function bindsOf(run: GunicornRun, context: RuleContext): string[] | undefined {
  const binds = run.uses.filter((use) => use.setting.name === 'bind');
  const top = binds.at(-1);
  if (!top) return undefined;
  const deciding: PlacedUse[] = top.layer === 'config' ? [top] : binds.filter((use) => use.layer === top.layer);
  const addresses: string[] = [];
  for (const use of deciding) {
    const value = evaluateOnHost(use.value, context);
    for (const item of value.kind === 'list' ? value.items : [value]) if (item.kind === 'string') addresses.push(item.value);
  }
  return addresses;
}

function unixSockets(run: GunicornRun, context: RuleContext): string[] {
  return (bindsOf(run, context) ?? [])
    .filter((address) => address.startsWith('unix:'))
    .map((address) => absolute(run, address.replace(/^unix:(\/\/)?/, ''), context))
    .filter((path): path is string => path !== undefined);
}

/** The folders a gunicorn run writes to: those of its pid file, log files, unix sockets and control socket, and its heartbeat folder. */
function writtenFolders(run: GunicornRun, context: RuleContext): string[] {
  const files: string[] = [...unixSockets(run, context)];
  for (const name of ['pidfile', 'accesslog', 'errorlog']) {
    const value = stringSetting(run, name, context);
    if (value === undefined || value === '-' || value === '') continue;
    const path = absolute(run, value, context);
    if (path) files.push(path);
  }
  const control = stringSetting(run, 'control_socket', context);
  if (control && effectiveBoolean(run, 'control_socket_disable', context)?.value !== true) {
    const path = absolute(run, control, context);
    if (path) files.push(path);
  }
  const folders = files.map((file) => file.slice(0, Math.max(1, file.lastIndexOf('/'))));
  // Without worker_tmp_dir (or with None), Python's tempfile picks /tmp.
  const heartbeat = effectiveUse(run, 'worker_tmp_dir');
  const value = heartbeat ? evaluateOnHost(heartbeat.value, context) : undefined;
  if (!value || value.kind === 'none') folders.push('/tmp');
  else if (value.kind === 'string') {
    const folder = absolute(run, value.value, context);
    if (folder) folders.push(folder);
  }
  return folders;
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
  for (const word of words(service, 'AmbientCapabilities')) if (!word.startsWith('~') && CAPABILITIES[word.toUpperCase()] !== undefined) needed.add(word.toUpperCase());
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
    const environmentPort = words(service, 'Environment').map((word) => /^"?PORT=(\d+)/.exec(word)?.[1]).find((port) => port !== undefined);
    return runs.some((run) => {
      const binds = bindsOf(run, context) ?? [`0.0.0.0:${environmentPort ?? 8000}`];
      return binds.some((address) => {
        if (address.startsWith('unix:') || address.startsWith('fd://')) return false;
        const port = /:(\d+)$/.exec(address)?.[1];
        return low(port === undefined ? 8000 : Number(port));
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
