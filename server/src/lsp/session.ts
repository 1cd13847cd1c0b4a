import { fileURLToPath } from 'node:url';
import { detectKind, detectKindFromContent, isGunicornConfigName } from '../core/engine/detect';
import { parseDocument, type DocumentInput, type ParsedDocument } from '../core/engine/document';
import { dependentsOf } from '../core/engine/dependents';
import { fixAll, type AppliedFix } from '../core/engine/fix-all';
import { checkDocument, checkDocumentByRule, type LintOptions } from '../core/engine/lint';
import { suppressionFix } from '../core/engine/suppressions';
import { Workspace } from '../core/engine/workspace';
import type { FeatureContext } from '../core/features/hover';
import { summarizeHost, type HostSummary } from '../core/features/host-summary';
import { hostLayersOf } from '../core/engine/host-layers';
import type { Linter } from '../core/linter';
import type { FileAccess, ReadResult } from '../core/model/file-access';
import type { FileKind, Finding, Fix } from '../core/model/finding';
import { collectDocuments } from '../node/collect';
import { DiskAccess } from '../node/disk-access';
import { hostSpecOf, type Settings } from './settings';

/** An editor document as the session keeps it. */
interface OpenDocument {
  readonly uri: string;
  readonly input: DocumentInput;
  /** Parsed once per version: a keystroke re-parses only the document it changed, and only the part it changed. */
  readonly parsed: ParsedDocument;
}

/** Language ids the popular extensions use, and what they hold. */
const KIND_OF_LANGUAGE: Readonly<Record<string, FileKind>> = {
  nginx: 'nginx',
  'systemd-unit-file': 'systemd',
};

/** More open documents than this are not checked together, to keep each check bounded. */
const MAX_CHECKED_DOCUMENTS = 5_000;

/**
 * The deployment files of the workspace folders that are not open are part of the
 * workspace too (a proxy target is judged against the gunicorn config beside the site,
 * open or not), up to this many; a folder holding more is taken as open documents only,
 * since every check builds its workspace over all of them.
 */
export const MAX_FOLDER_DOCUMENTS = 500;

/** Files walked at most to find them: a monorepo must not cost seconds per file change. */
const MAX_FOLDER_FILES = 20_000;

/**
 * The language server's view of the workspace: the open documents, parsed once per
 * version, the other deployment files of the workspace folders, and the disk beneath the
 * folders for what they include. Answers every request from what it already has.
 */
export class Session {
  private readonly documents = new Map<string, OpenDocument>();
  private workspace: Workspace | undefined;
  /** The last workspace built, kept after an edit outdates it: the links as they were. */
  private checkedWorkspace: Workspace | undefined;
  private disk: DiskAccess;
  private folders: readonly string[] = [];
  /**
   * What was read from disk, kept while the client reports file changes (then a keystroke
   * reads nothing from disk); undefined when it cannot, and every check reads afresh.
   */
  private diskCache: DiskCache | undefined;
  /**
   * The deployment files of the workspace folders, parsed: read once, and again after the
   * disk changed (a reported file change, or a save when the client reports none).
   */
  private folderFiles: FolderFiles | undefined;

  constructor(private readonly linter: Linter) {
    this.disk = new DiskAccess([]);
  }

  setWorkspaceFolders(paths: readonly string[]): void {
    this.folders = paths;
    this.disk = new DiskAccess(paths);
    this.workspace = undefined;
    this.folderFiles = undefined;
    if (this.diskCache) this.diskCache = emptyCache();
  }

  /** The client will report changes to files on disk: from now on, disk reads are kept until it does. */
  cacheDisk(): void {
    this.diskCache = emptyCache();
  }

  /** Files changed on disk: forget what was read, and the workspace built on it. */
  diskChanged(): void {
    if (this.diskCache) this.diskCache = emptyCache();
    this.folderFiles = undefined;
    this.workspace = undefined;
  }

  /** A document was saved: when the client reports no file changes, this is how the folders' files are read again. */
  saved(): void {
    if (!this.diskCache) this.diskChanged();
  }

  /** How many deployment files the folders hold beyond MAX_FOLDER_DOCUMENTS (then none are read), once they were looked for. */
  get folderFilesLeftOut(): number {
    return this.folderFiles?.leftOut ?? 0;
  }

  /**
   * Opens or updates a document; returns false when it is not a file deploylint reads.
   * The previous version's parse is handed over to the new one (an nginx parse is moved in
   * place, see reparseNginx), unless a check is under way (checkByRule); the last checked
   * workspace is read for its links only, never its offsets.
   */
  update(uri: string, languageId: string, version: number, text: string): boolean {
    const path = pathOf(uri);
    const kind = kindOf(path, languageId, text, this.linter.isNginxDirective);
    if (!kind) {
      this.documents.delete(uri);
      this.workspace = undefined;
      return false;
    }
    const input: DocumentInput = { path, text, kind, version };
    // The previous parse is handed over only when no check may still read it.
    const previous = this.checksUnderWay === 0 ? this.documents.get(uri)?.parsed : undefined;
    this.documents.set(uri, { uri, input, parsed: parseDocument(input, this.linter.knowledge, previous) });
    this.workspace = undefined;
    return true;
  }

  /** The open documents whose findings may change when this one does (see dependentsOf). */
  dependentsOf(uri: string): string[] {
    const document = this.documents.get(uri);
    return document ? this.openUris(dependentsOf(document.parsed, this.currentWorkspace())) : [];
  }

  /**
   * The documents that were linked to this one when documents were last checked: the other
   * ends of links an edit may since have cut. Builds nothing (a burst of opened documents
   * must not build a workspace each).
   */
  dependentsAtLastCheck(uri: string): string[] {
    const document = this.checkedWorkspace?.document(pathOf(uri));
    return document && this.checkedWorkspace ? this.openUris(dependentsOf(document, this.checkedWorkspace)) : [];
  }

  private openUris(documents: readonly ParsedDocument[]): string[] {
    const uriByPath = new Map([...this.documents.values()].map((open) => [open.input.path, open.uri]));
    return documents.flatMap((document) => uriByPath.get(document.path) ?? []);
  }

  close(uri: string): void {
    this.documents.delete(uri);
    this.workspace = undefined;
  }

  has(uri: string): boolean {
    return this.documents.has(uri);
  }


  /** The findings of one open document under its resource's settings. */
  check(uri: string, settings: Settings): Finding[] {
    const document = this.documents.get(uri);
    if (!document || !settings.enable) return [];
    return checkDocument(document.parsed, this.currentWorkspace(), this.lintOptions(settings));
  }

  /**
   * check, one rule at a time (checkDocumentByRule), for the version of the document open
   * now. While such a check is under way (started, and neither finished nor ended with
   * `return()`), no parse is handed over to the next version of its document: the check
   * reads every open document's parse, and a handed-over one has its offsets moved.
   */
  checkByRule(uri: string, settings: Settings): { readonly version?: number; readonly steps: Generator<void, Finding[], void> } | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    if (!settings.enable) return { ...versionOf(document), steps: noSteps() };
    return { ...versionOf(document), steps: this.counted(checkDocumentByRule(document.parsed, this.currentWorkspace(), this.lintOptions(settings))) };
  }

  /** Checks under way (see checkByRule). */
  private checksUnderWay = 0;

  private *counted(steps: Generator<void, Finding[], void>): Generator<void, Finding[], void> {
    this.checksUnderWay++;
    try {
      return yield* steps;
    } finally {
      this.checksUnderWay--;
    }
  }

  /** Whether a document is open at this version. */
  isOpenAt(uri: string, version: number | undefined): boolean {
    const document = this.documents.get(uri);
    return document !== undefined && document.input.version === version;
  }

  private lintOptions(settings: Settings): LintOptions {
    return {
      knowledge: this.linter.knowledge,
      files: this.files(),
      hostFor: (parsed, workspace) => this.linter.hostFor(parsed, workspace, hostSpecOf(settings)),
      rules: this.linter.rules,
      severityFor: (rule) => settings.rules[rule],
    };
  }

  /**
   * What `deploylint --fix` would do to the workspace folders, open documents as they are
   * in the editor (unsaved changes included): the files that change, with the text they
   * have now and the text they would get. Nothing is written.
   */
  fixAllInWorkspace(settings: Settings): { changes: WorkspaceFileChange[]; applied: AppliedFix[]; unreadable: string[] } {
    const collected = collectDocuments(this.folders, this.folders[0] ?? '/', this.disk, this.linter.isNginxDirective);
    const open = new Map([...this.documents.values()].map((document) => [document.input.path, document]));
    const documents = [...collected.documents.filter((document) => !open.has(document.path)), ...[...open.values()].map((document) => document.input)];
    const lint = (current: readonly DocumentInput[]) =>
      this.linter.lint({ documents: current, files: this.files(), host: hostSpecOf(settings), severityFor: (rule) => settings.rules[rule] });
    const { documents: fixed, applied } = fixAll(documents, lint(documents), lint);
    const changes = fixed.flatMap((document, index): WorkspaceFileChange[] => {
      const before = documents[index]!;
      if (document.text === before.text) return [];
      const editor = open.get(document.path);
      return [{ path: document.path, version: editor ? editor.input.version ?? null : null, before: before.text, after: document.text }];
    });
    return { changes, applied, unreadable: collected.errors };
  }

  /** The machine that applies to an open document, for the status bar. */
  hostSummary(uri: string, settings: Settings): HostSummary | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const workspace = this.currentWorkspace();
    const declared = hostSpecOf(settings);
    const host = this.linter.hostFor(document.parsed, workspace, declared);
    return summarizeHost(host, [...hostLayersOf(document.parsed, workspace), { spec: declared, origin: 'settings' }]);
  }

  /** The quick fix that silences one finding with a comment, where the document reads comments. */
  suppressionFix(uri: string, finding: Finding): Fix | undefined {
    const document = this.documents.get(uri);
    return document ? suppressionFix(document.parsed, finding) : undefined;
  }

  /** What editor features need about a document: its parse, the workspace, the releases. */
  featureContext(uri: string, settings: Settings): FeatureContext | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const host = this.linter.hostFor(document.parsed, this.currentWorkspace(), hostSpecOf(settings));
    return {
      document: document.parsed,
      workspace: this.currentWorkspace(),
      knowledge: this.linter.knowledge,
      targets: host.targets,
      host,
    };
  }

  private currentWorkspace(): Workspace {
    if (!this.workspace) {
      const open = [...this.documents.values()].slice(0, MAX_CHECKED_DOCUMENTS).map((document) => document.parsed);
      const openPaths = new Set(open.map((document) => document.path));
      const closed = this.readFolderFiles().parsed.filter((document) => !openPaths.has(document.path));
      this.workspace = new Workspace([...open, ...closed], this.files(), this.linter.knowledge);
      this.checkedWorkspace = this.workspace;
    }
    return this.workspace;
  }

  private readFolderFiles(): FolderFiles {
    if (!this.folderFiles) {
      const collected = this.folders.length > 0 ? collectDocuments(this.folders, this.folders[0]!, this.disk, this.linter.isNginxDirective, MAX_FOLDER_FILES).documents : [];
      this.folderFiles =
        collected.length > MAX_FOLDER_DOCUMENTS
          ? { parsed: [], leftOut: collected.length }
          : { parsed: collected.map((input) => parseDocument(input, this.linter.knowledge)), leftOut: 0 };
    }
    return this.folderFiles;
  }

  /** Open documents first (unsaved text wins), then the disk under the workspace folders. */
  private files(): FileAccess {
    const byPath = new Map([...this.documents.values()].map((document) => [document.input.path, document.input.text]));
    const disk = this.disk;
    const cache = this.diskCache;
    const remember = <T>(store: Map<string, T> | undefined, key: string, compute: () => T): T => {
      if (!store) return compute();
      if (!store.has(key)) store.set(key, compute());
      return store.get(key)!;
    };
    return {
      read: (path: string): ReadResult => {
        const text = byPath.get(path);
        return text !== undefined ? { ok: true, text } : remember(cache?.reads, path, () => disk.read(path));
      },
      list: (directory: string) => remember(cache?.lists, directory, () => disk.list(directory)),
      identity: (path: string) => remember(cache?.identities, path, () => disk.identity(path)),
    };
  }
}

function versionOf(document: OpenDocument): { version?: number } {
  return document.input.version !== undefined ? { version: document.input.version } : {};
}

/** The check of a document deploylint is disabled for: no findings. */
function* noSteps(): Generator<void, Finding[], void> {
  return [];
}

/** A file fix-all would change: the editor's version when it is open (null when it is not). */
export interface WorkspaceFileChange {
  readonly path: string;
  readonly version: number | null;
  readonly before: string;
  readonly after: string;
}

interface FolderFiles {
  readonly parsed: readonly ParsedDocument[];
  readonly leftOut: number;
}

interface DiskCache {
  readonly reads: Map<string, ReadResult>;
  readonly lists: Map<string, readonly string[] | undefined>;
  readonly identities: Map<string, string>;
}

function emptyCache(): DiskCache {
  return { reads: new Map(), lists: new Map(), identities: new Map() };
}

export function pathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

function kindOf(path: string, languageId: string, text: string, isNginxDirective: (name: string) => boolean): FileKind | undefined {
  const byName = detectKind(path, text, isNginxDirective);
  if (byName) return byName;
  const byLanguage = KIND_OF_LANGUAGE[languageId];
  if (byLanguage) return byLanguage;
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (languageId === 'python' && isGunicornConfigName(name)) return 'gunicorn';
  return detectKindFromContent(path, text, isNginxDirective);
}
