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
  // normalizePath drops the doubled slash: no trailing-slash regex, which took quadratic
  // time on a WorkingDirectory= of many slashes (40,000: 1.3 s; a 1 MB line: minutes).
  return normalizePath(`${directory}/${path}`);
}

/**
 * Workspace files a deployed path may stand for, indexed by their path read backwards
 * (file name, then each folder up), so that a lookup costs the depth of the path rather
 * than the number of files: thousands of launchers each naming a gunicorn.conf.py among
 * thousands of them stay linear.
 */
export class DeployedFiles {
  private readonly paths: ReadonlySet<string>;
  private readonly root: TailNode = { children: new Map(), paths: [] };

  constructor(paths: Iterable<string>) {
    this.paths = new Set(paths);
    for (const path of this.paths) {
      let node = this.root;
      for (const part of partsOf(path).reverse()) {
        let child = node.children.get(part);
        if (!child) node.children.set(part, (child = { children: new Map(), paths: [] }));
        child.paths.push(path);
        node = child;
      }
    }
  }

  /**
   * The file a deployed path stands for. Tried in order: the very path; the file sharing
   * the longest tail of folders with it (`app/gunicorn.conf.py`), if that tail is unique;
   * the file with the same name, if only one has it. `near` breaks ties in favour of a file
   * in that folder (the launcher's own).
   */
  match(deployed: string, near?: string): PathMatch | undefined {
    const target = normalizePath(deployed);
    if (this.paths.has(target)) return { path: target, how: 'same path' };
    // The deepest node along the target's tail holds exactly the files sharing the longest tail with it.
    let node = this.root;
    let shared = 0;
    for (const part of partsOf(target).reverse()) {
      const child = node.children.get(part);
      if (!child) break;
      node = child;
      shared++;
    }
    let winners = node.paths;
    if (shared === 0) return undefined;
    if (winners.length > 1 && near !== undefined) {
      const local = winners.filter((candidate) => dirName(candidate) === normalizePath(near));
      if (local.length === 1) winners = local;
    }
    if (winners.length !== 1) return undefined;
    return { path: winners[0]!, how: shared > 1 ? 'same relative path' : 'same name' };
  }
}

interface TailNode {
  readonly children: Map<string, TailNode>;
  /** The files whose path ends with the parts leading here. */
  readonly paths: string[];
}

function partsOf(path: string): string[] {
  return path.split('/').filter(Boolean);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}
