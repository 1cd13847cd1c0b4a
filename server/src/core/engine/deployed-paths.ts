import { normalizePath } from '../text/paths';

/**
 * Files name each other by where they will be on the server (`-c /opt/app/gunicorn.conf.py`,
 * `WorkingDirectory=/opt/app`), while the workspace holds them somewhere else
 * (`~/src/app/deploy/gunicorn.conf.py`). These helpers connect the two, and always say how
 * a match was made, so a guess is never passed off as a certainty.
 */

export interface PathMatch {
  readonly path: string;
  /** How it was matched, for hover and messages. */
  readonly how: 'same path' | 'same relative path' | 'same name';
}

/** `/opt/app` + `gunicorn.conf.py` → `/opt/app/gunicorn.conf.py`; absolute paths stay. */
export function joinDeployed(directory: string | undefined, path: string): string {
  if (path.startsWith('/') || directory === undefined) return normalizePath(path);
  return normalizePath(`${directory.replace(/\/+$/, '')}/${path}`);
}

/**
 * The workspace file a deployed path stands for. Tried in order: the very path; the
 * candidate sharing the longest tail of directories with it (`app/gunicorn.conf.py`), if
 * that tail is unique; the candidate with the same name, if only one has it.
 * `near` breaks ties in favour of a file in that folder (the launcher's own).
 */
export function matchDeployed(deployed: string, candidates: readonly string[], near?: string): PathMatch | undefined {
  const target = normalizePath(deployed);
  if (candidates.includes(target)) return { path: target, how: 'same path' };
  const targetParts = target.split('/').filter(Boolean);
  const name = targetParts.at(-1);
  if (name === undefined) return undefined;
  const scored = candidates
    .filter((candidate) => baseName(candidate) === name)
    .map((candidate) => ({ candidate, shared: sharedTail(candidate.split('/').filter(Boolean), targetParts) }));
  if (scored.length === 0) return undefined;
  const best = Math.max(...scored.map((entry) => entry.shared));
  let winners = scored.filter((entry) => entry.shared === best).map((entry) => entry.candidate);
  if (winners.length > 1 && near !== undefined) {
    const local = winners.filter((candidate) => dirName(candidate) === normalizePath(near));
    if (local.length === 1) winners = local;
  }
  if (winners.length !== 1) return undefined;
  return { path: winners[0]!, how: best > 1 ? 'same relative path' : 'same name' };
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function sharedTail(a: readonly string[], b: readonly string[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && a[a.length - 1 - shared] === b[b.length - 1 - shared]) shared++;
  return shared;
}
