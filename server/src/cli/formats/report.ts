import { relative, sep } from 'node:path';
import type { FileReport } from '../../core/engine/lint';

/** What every output format receives. */
export interface RunReport {
  readonly files: readonly FileReport[];
  /** The folder paths are shown relative to. */
  readonly cwd: string;
}

/** A path as the user would type it: relative to the working folder when inside it. */
export function displayPath(path: string, cwd: string): string {
  const relativePath = relative(cwd, path);
  if (relativePath === '' || relativePath.startsWith('..') || relativePath.startsWith(sep)) return path;
  return relativePath.split(sep).join('/');
}
