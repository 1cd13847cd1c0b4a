import { effectiveUse, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import type { RuleContext } from '../../engine/rule';
import { normalizePath } from '../../text/paths';
import { bindsOf, parseBind } from './binds';
import { effectiveBoolean, evaluateOnHost } from './run-settings';

/**
 * A path the gunicorn master creates or opens for writing when it starts, as it will be on
 * the server. It does so before any worker switches to gunicorn's `user`, so it is written
 * with the identity the run was started with.
 */
export interface WrittenPath {
  readonly path: string;
  /** The setting that names it: `pidfile`, `accesslog`, `errorlog`, `bind`, `control_socket`, `worker_tmp_dir`. */
  readonly setting: string;
  /** Where it is set; absent for worker_tmp_dir left at its default. */
  readonly use?: PlacedUse;
  /** A folder gunicorn creates files in (worker_tmp_dir), rather than a file. */
  readonly isFolder: boolean;
}

/** The folder Python's tempfile picks when TMPDIR is not set: where gunicorn puts its heartbeat files by default. */
export const DEFAULT_TEMPORARY_FOLDER = '/tmp';

/** A setting of the run as a string, or undefined when it is unset or cannot be known. */
export function stringSetting(run: GunicornRun, name: string, context: RuleContext): string | undefined {
  const use = effectiveUse(run, name);
  if (!use) return undefined;
  const value = evaluateOnHost(use.value, context);
  return value.kind === 'string' ? value.value : undefined;
}

/** A path of the run made absolute: relative to `chdir`, or to where gunicorn starts. */
export function absolutePath(run: GunicornRun, path: string, context: RuleContext): string | undefined {
  if (path.startsWith('/')) return normalizePath(path);
  const base = stringSetting(run, 'chdir', context) ?? run.workingDirectory;
  return base?.startsWith('/') ? normalizePath(`${base}/${path}`) : undefined;
}

/** The unix sockets the run binds, made absolute, with the use that names each. */
export function unixSockets(run: GunicornRun, context: RuleContext): WrittenPath[] {
  const sockets: WrittenPath[] = [];
  for (const bind of bindsOf(run, context) ?? []) {
    const address = parseBind(bind.text);
    const path = address?.kind === 'unix' ? absolutePath(run, address.path, context) : undefined;
    if (path) sockets.push({ path, setting: 'bind', use: bind.use, isFolder: false });
  }
  return sockets;
}

/**
 * Everything the run writes at start: its unix sockets, pid file, log files (not `-`,
 * which is a standard stream), control socket, and the folder of its worker heartbeat
 * files (`worker_tmp_dir`, else the temporary folder).
 */
export function writtenPaths(run: GunicornRun, context: RuleContext): WrittenPath[] {
  const written = unixSockets(run, context);
  const file = (setting: string) => {
    const value = stringSetting(run, setting, context);
    const path = value === undefined || value === '-' || value === '' ? undefined : absolutePath(run, value, context);
    if (path) written.push({ path, setting, use: effectiveUse(run, setting)!, isFolder: false });
  };
  file('pidfile');
  file('accesslog');
  file('errorlog');
  if (effectiveBoolean(run, 'control_socket_disable', context)?.value !== true) file('control_socket');
  const heartbeat = effectiveUse(run, 'worker_tmp_dir');
  const value = heartbeat ? evaluateOnHost(heartbeat.value, context) : undefined;
  if (!heartbeat || value?.kind === 'none') {
    written.push({ path: DEFAULT_TEMPORARY_FOLDER, setting: 'worker_tmp_dir', ...(heartbeat ? { use: heartbeat } : {}), isFolder: true });
  } else if (value?.kind === 'string') {
    const path = absolutePath(run, value.value, context);
    if (path) written.push({ path, setting: 'worker_tmp_dir', use: heartbeat, isFolder: true });
  }
  return written;
}

/** The folder a written path needs to be writable: the path itself for a folder, else its parent. */
export function neededFolder(written: WrittenPath): string {
  return written.isFolder ? written.path : written.path.slice(0, Math.max(1, written.path.lastIndexOf('/')));
}
