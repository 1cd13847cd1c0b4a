/**
 * How the core reaches files other than the one being checked (nginx includes, the app
 * module, drop-ins, the host spec). The core never touches the file system itself: the
 * CLI implements this over the disk, the language server over its open documents and
 * the workspace, and tests over a map in memory.
 *
 * Paths are absolute and use `/`. An implementation decides what may be read at all:
 * it answers `outside` for anything beyond the folders the user opened, so the core
 * never wanders the machine by following an include or a link.
 */
export interface FileAccess {
  read(path: string): ReadResult;
  /** Names in a directory (not paths), or undefined when it is no readable directory. */
  list(directory: string): readonly string[] | undefined;
  /**
   * A stable identity for a file, such as its real path, so that cycles through
   * symbolic links are seen. Defaults to the path itself.
   */
  identity?(path: string): string;
}

export type ReadResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: ReadFailure; readonly message: string };

export type ReadFailure =
  /** No such file. */
  | 'missing'
  /** It exists but is beyond what the user opened; deliberately not read. */
  | 'outside'
  /** Permissions, a directory where a file was expected, an I/O error. */
  | 'unreadable'
  /** Larger than the reader is willing to load. */
  | 'too-large'
  /** Binary content (NUL bytes in the first block, or not text at all). */
  | 'binary';

/** A FileAccess over a map of paths to texts: for tests, and for unsaved editor buffers. */
export class MemoryFiles implements FileAccess {
  private readonly files = new Map<string, string>();

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [path, text] of entries) this.files.set(path, text);
  }

  set(path: string, text: string): void {
    this.files.set(path, text);
  }

  read(path: string): ReadResult {
    const text = this.files.get(path);
    if (text !== undefined) return { ok: true, text };
    return { ok: false, reason: 'missing', message: `${path}: no such file` };
  }

  list(directory: string): readonly string[] | undefined {
    const prefix = directory.endsWith('/') ? directory : `${directory}/`;
    const names = new Set<string>();
    for (const path of this.files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.add(slash === -1 ? rest : rest.slice(0, slash));
    }
    return names.size > 0 ? [...names].sort() : undefined;
  }
}
