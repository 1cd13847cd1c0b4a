import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectKind, detectKindFromContent, mightBeChecked } from '../core/engine/detect';
import type { DocumentInput } from '../core/engine/document';
import { describeError, DiskAccess, isDirectory, isSymbolicLink, readHead, safeRealpath } from './disk-access';

/** Folders no deployment file lives in, and which can be huge. */
const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache']);

/** More files than this under the given paths is refused rather than walked for minutes. */
const MAX_FILES_WALKED = 200_000;

export interface Collected {
  readonly documents: DocumentInput[];
  /** Byte-order marks to restore when a fixed file is written back. */
  readonly boms: ReadonlySet<string>;
  /** One-line messages about paths that could not be read; each makes the run exit 2. */
  readonly errors: string[];
  /** Things worth saying that are not failures (a link leading out of the named folders). */
  readonly notes: string[];
}

/**
 * Turns the paths on the command line into documents: files are taken as given (their
 * kind from name or content), folders are walked for the files deploylint reads.
 */
export function collectDocuments(
  paths: readonly string[],
  cwd: string,
  access: DiskAccess,
  isNginxDirective: (name: string) => boolean,
  /** Files walked at most under each folder (the language server walks with a smaller budget than the CLI). */
  maxFiles = MAX_FILES_WALKED,
): Collected {
  const documents: DocumentInput[] = [];
  const boms = new Set<string>();
  const errors: string[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();

  const take = (path: string, explicit: boolean) => {
    const real = safeRealpath(path) ?? path;
    // systemd masks a unit by linking it to /dev/null: there is nothing to check.
    if (real === '/dev/null') return;
    if (seen.has(real)) return;
    seen.add(real);
    const head = explicit || mightBeChecked(path) ? readHead(path) : undefined;
    let kind = detectKind(path, head, isNginxDirective);
    if (!kind && explicit && head !== undefined) kind = detectKindFromContent(path, head, isNginxDirective);
    if (!kind) {
      if (explicit) errors.push(`${path}: not a gunicorn, systemd or nginx file that deploylint recognises`);
      return;
    }
    const file = access.readDecoded(path);
    if (!file.ok) {
      // Met while walking a folder: a binary file is simply not a configuration file, and
      // a link out of the folder is deliberately not followed.
      if (!explicit && file.reason === 'outside') notes.push(`${path}: links outside the checked folders, not followed`);
      else if (explicit || file.reason !== 'binary') errors.push(file.message);
      return;
    }
    if (file.bom) boms.add(path);
    documents.push({
      path,
      text: file.text,
      kind,
      ...(file.invalidUtf8At.length > 0 ? { invalidUtf8At: file.invalidUtf8At } : {}),
    });
  };

  for (const given of paths) {
    const path = resolve(cwd, given);
    if (safeRealpath(path) === undefined) {
      errors.push(`${given}: no such file or directory`);
    } else if (isDirectory(path)) {
      walk(path, take, errors, maxFiles);
    } else {
      take(path, true);
    }
  }
  documents.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { documents, boms, errors, notes };
}

function walk(root: string, take: (path: string, explicit: boolean) => void, errors: string[], maxFiles: number): void {
  const pending = [root];
  let visited = 0;
  while (pending.length > 0) {
    const directory = pending.pop()!;
    let names: string[];
    try {
      names = readdirSync(directory).sort().reverse();
    } catch (error) {
      errors.push(`${directory}: ${describeError(error)}`);
      continue;
    }
    for (const name of names) {
      if (++visited > maxFiles) {
        errors.push(`${root}: more than ${maxFiles} files; name the folders to check`);
        return;
      }
      const path = join(directory, name);
      // Linked folders are not entered: they can loop or lead outside what was named.
      if (isDirectory(path)) {
        if (!SKIPPED_FOLDERS.has(name) && !isSymbolicLink(path)) pending.push(path);
      } else {
        take(path, false);
      }
    }
  }
}
