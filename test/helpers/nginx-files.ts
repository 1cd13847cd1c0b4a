import type { IncludeGraph, IncludeOptions, ParsedInclude } from '../../server/src/core/formats/nginx/includes';
import { resolveIncludes } from '../../server/src/core/formats/nginx/includes';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import type { FileAccess, ReadFailure, ReadResult } from '../../server/src/core/model/file-access';
import { MemoryFiles } from '../../server/src/core/model/file-access';

/**
 * Files in memory, plus the ways a real reader fails: paths it refuses (outside the
 * opened folders, unreadable, binary, too large) and links (`identity`).
 */
export class TestFiles implements FileAccess {
  readonly memory: MemoryFiles;
  readonly reads: string[] = [];
  private readonly failures = new Map<string, ReadFailure>();
  private readonly links = new Map<string, string>();

  constructor(files: Readonly<Record<string, string>>) {
    this.memory = new MemoryFiles(Object.entries(files));
  }

  fail(path: string, reason: ReadFailure): this {
    this.failures.set(path, reason);
    return this;
  }

  /** `path` is a symbolic link to `target`: reading it reads the target, and both have the target's identity. */
  link(path: string, target: string): this {
    this.links.set(path, target);
    return this;
  }

  read(path: string): ReadResult {
    this.reads.push(path);
    const reason = this.failures.get(path);
    if (reason) return { ok: false, reason, message: `${path}: ${reason}` };
    return this.memory.read(this.links.get(path) ?? path);
  }

  list(directory: string): readonly string[] | undefined {
    if (this.failures.has(directory)) return undefined;
    const names = new Set(this.memory.list(directory) ?? []);
    for (const path of this.links.keys()) {
      const slash = path.lastIndexOf('/');
      if ((path.slice(0, slash) || '/') === directory) names.add(path.slice(slash + 1));
    }
    return names.size > 0 ? [...names].sort() : undefined;
  }

  identity(path: string): string {
    return this.links.get(path) ?? path;
  }
}

/** An include graph over files in memory, parsing each file once, as callers cache. */
export function graphOf(
  files: Readonly<Record<string, string>> | TestFiles,
  root: string,
  options: Partial<Omit<IncludeOptions, 'files' | 'parse'>> = {},
): { graph: IncludeGraph; parses: Map<string, number> } {
  const access = files instanceof TestFiles ? files : new TestFiles(files);
  const cache = new Map<string, ParsedInclude>();
  const parses = new Map<string, number>();
  const parse = (path: string): ParsedInclude => {
    parses.set(path, (parses.get(path) ?? 0) + 1);
    let parsed = cache.get(path);
    if (!parsed) {
      const read = access.read(path);
      parsed = read.ok ? parseNginx(read.text) : read;
      cache.set(path, parsed);
    }
    return parsed;
  };
  const rootFile = parse(root);
  if ('reason' in rootFile) throw new Error(`test setup: cannot read ${root}`);
  return { graph: resolveIncludes(root, rootFile, { files: access, parse, ...options }), parses };
}
