import type { ParsedDocument } from '../../engine/document';
import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { MergedUnit } from '../../engine/merged-unit';
import type { FixDraft, RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import type { Severity } from '../../model/finding';
import type { Span } from '../../text/source-text';
import { whereUse } from '../gunicorn/run-settings';
import { useSpan } from '../gunicorn/use-span';
import { neededFolder, writtenPaths, type WrittenPath } from '../gunicorn/written-paths';
import { setDirectives } from '../systemd/edits';
import { runsOfService, socketActivated, surelyReadRuns } from '../systemd/service-runs';
import {
  booleanSetting,
  canonicalPath,
  createdFolders,
  extendedLists,
  folderOfEntry,
  listWords,
  systemProtection,
  under,
  writableLists,
  writableUnder,
  TEMPORARY_FOLDERS,
  type SystemProtection,
} from '../systemd/writable';

/**
 * The gunicorn master creates its pid file, log files, unix sockets and worker heartbeat
 * files when it starts, as the service's User= (it switches only its workers to
 * gunicorn's `user`); when it cannot, it stops, and the service fails. For each folder it
 * writes in, as the service sees the file system:
 *
 * - read-only under ProtectSystem= (strict: everything but /dev, /proc, /sys, the home
 *   trees, the service's own folders, its ReadWritePaths= and a private /tmp; full and
 *   yes: /usr, /boot, /efi, and /etc for full);
 * - under /run, which is emptied at every boot: it must be a RuntimeDirectory= (or made
 *   by an ExecStartPre= that names it); /run itself only root may write to;
 * - under /var/log: a LogsDirectory=, or made by hand (ReadWritePaths= naming it says it
 *   is); /var/log itself only root may write to.
 *
 * The finding is reported in the unit, where the fix goes, and names the gunicorn setting
 * that makes the write.
 */
export const writablePaths: Rule = {
  id: 'stack/writable-paths',
  severity: 'error',
  summary: "A path gunicorn writes at start (pid file, logs, unix socket, heartbeat folder) that the service cannot write: the service fails at start",

  service(service, context) {
    const protection = systemProtection(service);
    const problems = new Map<string, Problem>();
    // Under socket activation gunicorn binds nothing: its sockets come from systemd.
    const bindsOwnSockets = !socketActivated(service, context);
    for (const run of surelyReadRuns(runsOfService(service, context))) {
      const written = writtenPaths(run, context).filter((path) => path.setting !== 'bind' || bindsOwnSockets);
      for (const path of written) {
        const folder = canonicalPath(neededFolder(path));
        const kind = problemOf(folder, service, protection);
        if (!kind) continue;
        const key = `${kind} ${folder}`;
        const known = problems.get(key);
        if (known) known.paths.push(path);
        else problems.set(key, { kind, folder, paths: [path], run });
      }
    }
    for (const problem of problems.values()) {
      // In the order they are written, the default (no use) last.
      problem.paths.sort((a, b) => (a.use?.span.start ?? Infinity) - (b.use?.span.start ?? Infinity));
      report(problem, service, protection, context);
    }
  },
};

type ProblemKind = 'read-only' | 'root-only' | 'not-created-runtime' | 'not-created-logs';

interface Problem {
  readonly kind: ProblemKind;
  readonly folder: string;
  readonly paths: WrittenPath[];
  readonly run: GunicornRun;
}

const RUN = '/run';
const LOGS = '/var/log';
/** Values of User= that are root. */
const ROOT = new Set(['root', '0']);

function problemOf(folder: string, service: MergedUnit, protection: SystemProtection | undefined): ProblemKind | undefined {
  if (!writableUnder(protection, folder, service)) return 'read-only';
  for (const [base, key, kind] of [[RUN, 'RuntimeDirectory', 'not-created-runtime'], [LOGS, 'LogsDirectory', 'not-created-logs']] as const) {
    if (!under(folder, [base]) || under(folder, ['/run/user'])) continue;
    if (folder === base) return runsAsRoot(service) ? undefined : 'root-only';
    const created = createdFolders(service).some((entry) => entry.key === key && under(folder, [entry.folder]));
    // A ReadWritePaths= entry must exist when the service starts: /var/log keeps what was made by hand, /run does not.
    const kept = base === LOGS && listWords(service, 'ReadWritePaths').some((entry) => under(folder, [folderOfEntry('ReadWritePaths', entry)]));
    if (!created && !kept && !madeBeforeStart(folder, service)) return kind;
  }
  return undefined;
}

function runsAsRoot(service: MergedUnit): boolean {
  const user = service.value('Service', 'User')?.entry.value;
  return booleanSetting(service, 'DynamicUser') !== true && (user === undefined || ROOT.has(user));
}

/** An ExecStartPre= that names the folder (`mkdir -p /run/app`, `install -d …`) is taken to make it. */
function madeBeforeStart(folder: string, service: MergedUnit): boolean {
  return service.list('Service', 'ExecStartPre').some((placed) => placed.entry.value.split(/\s+/).some((word) => canonicalPath(word.replace(/^[-@:+!]+/, '')) === folder));
}

/** What a written path is, for messages: "its pid file /run/app/gunicorn.pid". */
const WHAT: Readonly<Record<string, string>> = {
  pidfile: 'its pid file',
  accesslog: 'its access log',
  errorlog: 'its error log',
  bind: 'its unix socket',
  control_socket: 'its control socket',
  worker_tmp_dir: 'its worker heartbeat files',
};

function report(problem: Problem, service: MergedUnit, protection: SystemProtection | undefined, context: RuleContext): void {
  const user = runsAsRoot(service) ? undefined : (service.value('Service', 'User')?.entry.value ?? 'a dynamic user');
  const writes = problem.paths.map((path) => `${WHAT[path.setting]} ${path.isFolder ? `in ${path.path}` : path.path} (${path.use ? `${path.setting}, ${whereUse(path.use)}` : `gunicorn's default ${path.setting}`})`).join(' and ');
  const place = placeOf(problem, service);
  const related: RelatedDraft[] = problem.paths.flatMap((path) => (path.use && path.use.document !== place.document ? [{ document: path.use.document, span: path.use.span, message: `gunicorn writes ${WHAT[path.setting]} here` }] : []));
  if (problem.kind === 'read-only' && protection) related.push({ document: protection.decidedBy.document, span: protection.decidedBy.entry.span, message: `${protection.decidedBy.entry.key}=${protection.decidedBy.entry.value} makes ${problem.folder} read-only` });
  const { why, severity } = explain(problem, protection, user);
  const fix = fixFor(problem, service, user);
  context.report({
    document: place.document,
    span: place.span,
    severity,
    message: `gunicorn writes ${writes}, but ${why}`,
    related,
    ...(fix ? { fixes: [fix] } : {}),
  });
}

function explain(problem: Problem, protection: SystemProtection | undefined, user: string | undefined): { why: string; severity: Severity } {
  const folder = problem.folder;
  switch (problem.kind) {
    case 'read-only':
      return { why: `${protection!.decidedBy.entry.key}=${protection!.decidedBy.entry.value} makes ${folder} read-only for the service: gunicorn stops at start and the service fails`, severity: 'error' };
    case 'root-only':
      return { why: `only root may write in ${folder} itself, and the service runs as ${user}: gunicorn stops at start and the service fails`, severity: 'error' };
    case 'not-created-runtime': {
      const link = problem.paths.some((path) => path.path.startsWith('/var/run/')) ? ' (/var/run is a link to /run)' : '';
      return { why: `nothing creates ${folder}${link}: ${RUN} is emptied at every boot, so from the next boot on gunicorn stops at start and the service fails`, severity: 'error' };
    }
    case 'not-created-logs':
      return { why: `no LogsDirectory= creates ${folder}: unless it is made by hand${user ? ` and owned by ${user}` : ''}, gunicorn refuses to start ("isn't writable") and the service fails`, severity: 'warning' };
  }
}

/**
 * Where the finding goes: the first path set in the service's own files (a `--pid` on its
 * ExecStart=), else the ExecStart= that starts gunicorn with the config file that sets it.
 */
function placeOf(problem: Problem, service: MergedUnit): { document: ParsedDocument; span: Span } {
  const own = problem.paths.find((path) => path.use && service.files.includes(path.use.document))?.use;
  if (own) return { document: own.document, span: useSpan(own) };
  const entry = problem.run.command!.entry!;
  return { document: problem.run.launcher!, span: entry.keySpan };
}

/**
 * The directive that makes the folder writable, added to the unit (or to the assignment
 * of it a drop-in already makes): PrivateTmp= for heartbeat files in a read-only /tmp,
 * RuntimeDirectory= under /run, LogsDirectory= under /var/log, ReadWritePaths= elsewhere. None for /run and /var/log themselves, which only
 * another folder for the file can mend.
 */
function fixFor(problem: Problem, service: MergedUnit, user: string | undefined): FixDraft | undefined {
  if (problem.kind === 'root-only') return undefined;
  // Heartbeat files are gunicorn's alone: a private /tmp serves them, and keeps the rest of /tmp read-only.
  const heartbeatsOnly = problem.paths.every((path) => path.setting === 'worker_tmp_dir');
  if (heartbeatsOnly && under(problem.folder, TEMPORARY_FOLDERS) && service.assignments('Service', 'PrivateTmp').length === 0) {
    return { title: `Add PrivateTmp=yes (the service gets its own writable ${problem.folder})`, safe: true, preferred: true, edits: setDirectives(service, 'Service', [['PrivateTmp', 'yes']]) };
  }
  const lists = writableLists(service, [problem.folder], false);
  const directives = extendedLists(service, lists);
  const [key, added] = lists.find(([, additions]) => additions.length > 0) ?? [];
  if (!key || !added) return undefined;
  const owner = user ? `, owned by ${user}` : '';
  const effect =
    key === 'RuntimeDirectory'
      ? `systemd creates ${problem.folder} at every start${owner}, and removes it at stop`
      : key === 'LogsDirectory'
        ? `systemd creates ${problem.folder} at start${owner}, and keeps it`
        : `${problem.folder} stays writable under ProtectSystem=`;
  return {
    title: `Add ${key}=${added.join(' ')} (${effect})`,
    // Only lets the service write where gunicorn already writes.
    safe: true,
    preferred: true,
    edits: setDirectives(service, 'Service', directives),
  };
}
