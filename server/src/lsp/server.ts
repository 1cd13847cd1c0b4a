import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  CreateFile,
  TextDocumentEdit,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type Diagnostic,
  type DocumentLink,
  type DocumentLinkParams,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type ExecuteCommandParams,
  type Hover,
  type HoverParams,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { HOST_FILE } from '../core/engine/host-layers';
import { completionsAt } from '../core/features/completion';
import type { HostSummary } from '../core/features/host-summary';
import { hostFileText, type DeclaredMachine } from '../core/host/ini-file';
import { distroPreset } from '../core/host/presets';
import { parseMemoryMiB } from '../core/host/sizes';
import { hoverAt } from '../core/features/hover';
import { documentLinks } from '../core/features/links';
import { outline } from '../core/features/outline';
import { Linter } from '../core/linter';
import type { FileEdit, Finding } from '../core/model/finding';
import { rangesOverlap } from '../core/text/edits';
import { FIX_ALL_KIND, toCompletionItem, toConfirmedWorkspaceEdit, toDiagnostic, toDocumentSymbol, toQuickFix, toWorkspaceEdit, uriOf } from './convert';
import { MAX_FOLDER_DOCUMENTS, Session } from './session';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';

/** The command behind "deploylint: Fix all in workspace" (the client shows it in the palette). */
export const FIX_ALL_IN_WORKSPACE = 'deploylint.fixAllInWorkspace';

/** Writes a new .deploylint.ini from what "Declare host spec" asked the user. */
export const WRITE_HOST_FILE = 'deploylint.writeHostFile';

/** The machine that applies to a document: `{ uri }` → HostSummary, or null for a file deploylint does not read. */
export const HOST_REQUEST = 'deploylint/host';

/** What fix-all in the workspace did, for the client to report. */
export interface FixAllResult {
  readonly files: number;
  readonly fixes: number;
  /** Whether the editor applied the edit (false when the user cancelled the preview). */
  readonly applied: boolean;
}

/** Quiet time after the last keystroke before a document is checked again. */
const DEBOUNCE_MS = 150;
/** A check runs this long at most before it lets waiting requests in. */
const SLICE_MS = 20;

/** Diagnostics published for one document at most. */
const MAX_DIAGNOSTICS = 1000;

/**
 * The language server: one method per LSP request, each a thin mapping onto the core.
 * Documents are checked at once when opened or saved and shortly after edits; every
 * request is answered from the last parse and the findings already computed.
 */
export class DeploylintServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly session = new Session(new Linter());
  private readonly findings = new Map<string, Finding[]>();
  /** Documents changed by the user and not checked since. */
  private readonly edited = new Set<string>();
  /** The diagnostics last sent for each document, as JSON. */
  private readonly published = new Map<string, string>();
  private readonly settings = new Map<string, Settings>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private configurationRequests = false;
  private folderUris: readonly string[] = [];
  private watchFiles = false;

  constructor(private readonly connection: Connection) {
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => this.initialized());
    connection.onDidChangeConfiguration(() => this.configurationChanged());
    connection.onDidChangeWatchedFiles(() => this.filesChanged());
    connection.onCodeAction((params) => this.codeActions(params));
    connection.onHover((params) => this.hover(params));
    connection.onCompletion((params) => this.completion(params));
    connection.onDocumentSymbol((params) => this.symbols(params));
    connection.onDocumentLinks((params) => this.links(params));
    connection.onExecuteCommand((params) => this.executeCommand(params));
    connection.onRequest(HOST_REQUEST, (params: { uri: string }) => this.hostOf(params.uri));
    this.documents.onDidOpen((event) => this.changed(event.document, 0));
    // TextDocuments reports an opened document as changed too, right after: that is no
    // edit, and must neither parse it again nor put off its first check by the debounce.
    this.documents.onDidChangeContent((event) => {
      if (!this.session.isOpenAt(event.document.uri, event.document.version)) this.changed(event.document, DEBOUNCE_MS);
    });
    this.documents.onDidSave((event) => {
      this.session.saved();
      this.changed(event.document, 0);
    });
    this.documents.onDidClose((event) => this.closed(event.document.uri));
    this.documents.listen(connection);
  }

  listen(): void {
    this.connection.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.configurationRequests = params.capabilities.workspace?.configuration === true;
    this.watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const folders = (params.workspaceFolders ?? []).map((folder) => folder.uri).concat(params.rootUri ? [params.rootUri] : []);
    this.folderUris = folders.filter((uri) => uri.startsWith('file:'));
    this.session.setWorkspaceFolders(this.folderUris.map((uri) => fileURLToPath(uri)));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Full,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['[', '=', '-', '"', "'"] },
        documentSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [FIX_ALL_IN_WORKSPACE, WRITE_HOST_FILE] },
      },
      serverInfo: { name: 'deploylint' },
    };
  }

  private initialized(): void {
    this.connection.console.info(`deploylint language server ready (node ${process.version})`);
    if (this.watchFiles) {
      // Files read from disk (includes, drop-ins, the app, .deploylint.ini) are kept until the client says one changed.
      this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] }).then(
        () => this.session.cacheDisk(),
        // Without the client's reports of changes, every check reads the disk afresh.
        (error: unknown) => this.connection.console.warn(`file watching refused by the client: ${String(error)}`),
      );
    }
  }

  private filesChanged(): void {
    this.session.diskChanged();
    for (const document of this.documents.all()) this.schedule(document.uri, DEBOUNCE_MS);
  }

  private configurationChanged(): void {
    this.settings.clear();
    for (const document of this.documents.all()) this.schedule(document.uri, 0);
  }

  private changed(document: TextDocument, delay: number): void {
    // Saved as it was: nothing to parse again, only the check at once that saving asks for.
    if (this.session.isOpenAt(document.uri, document.version)) {
      this.schedule(document.uri, delay);
      return;
    }
    // The other ends of the links this document had: the edit may cut them.
    this.recheck(this.session.dependentsAtLastCheck(document.uri));
    const known = this.session.update(document.uri, document.languageId, document.version, document.getText());
    if (!known) {
      this.clear(document.uri);
      return;
    }
    // Its links after the edit are followed once it has been checked (see publish).
    this.edited.add(document.uri);
    this.schedule(document.uri, delay);
  }

  /**
   * Checks linked documents again, after a quiet time so that a burst of edits or opened
   * files checks each once; they publish only when their findings changed.
   */
  private recheck(uris: readonly string[]): void {
    for (const uri of uris) this.schedule(uri, DEBOUNCE_MS);
  }

  private closed(uri: string): void {
    this.recheck(this.session.dependentsAtLastCheck(uri));
    this.session.close(uri);
    this.clear(uri);
  }

  private clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.findings.delete(uri);
    this.published.delete(uri);
    this.edited.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private schedule(uri: string, delay: number): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.publish(uri).catch((error: unknown) => this.connection.console.error(`publishing ${uri} failed: ${String(error)}`));
      }, delay),
    );
  }

  private async publish(uri: string): Promise<void> {
    if (!this.session.has(uri)) return;
    const settings = await this.settingsFor(uri);
    const started = performance.now();
    const check = this.session.checkByRule(uri, settings);
    if (!check) return;
    // The closure below captures the version, not the check: a captured check would keep
    // its generator, and the workspace in it, alive until this whole function returns.
    const version = check.version;
    let findings: Finding[] | undefined;
    try {
      // Edited or closed meanwhile: the check that change scheduled publishes instead, and
      // the rest of this one is not run.
      findings = await inSlices(check.steps, () => this.session.isOpenAt(uri, version));
    } catch (error) {
      // The core does not throw on any input; if it ever does, say so and keep serving.
      this.connection.console.error(`checking ${uri} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return;
    }
    if (findings === undefined) {
      this.connection.console.log(`check of ${uri} stopped after ${(performance.now() - started).toFixed(1)} ms: version ${version ?? '?'} was edited or closed meanwhile`);
      return;
    }
    if (!this.session.isOpenAt(uri, version)) return;
    this.sayFolderFilesLeftOut();
    this.findings.set(uri, findings);
    // Only a document's own change spreads to the files linked to it; their re-checks do not spread further.
    if (this.edited.delete(uri)) this.recheck(this.session.dependentsOf(uri));
    const diagnostics = diagnosticsOf(findings);
    const elapsed = `${(performance.now() - started).toFixed(1)} ms`;
    // A document checked again because a linked one changed is often unchanged: the editor need not hear of it.
    const published = JSON.stringify(diagnostics);
    if (this.published.get(uri) === published) {
      this.connection.console.log(`checked ${uri}: ${findings.length} findings in ${elapsed}, unchanged`);
      return;
    }
    this.published.set(uri, published);
    await this.connection.sendDiagnostics({ uri, diagnostics });
    this.connection.console.log(`checked ${uri}: ${findings.length} findings in ${elapsed}`);
  }

  /** Said once: the folders hold too many deployment files to be part of every check. */
  private sayFolderFilesLeftOut(): void {
    const leftOut = this.session.folderFilesLeftOut;
    if (leftOut === 0 || this.saidFolderFilesLeftOut) return;
    this.saidFolderFilesLeftOut = true;
    this.connection.console.warn(
      `the workspace folders hold ${leftOut} deployment files, more than the ${MAX_FOLDER_DOCUMENTS} checks take in: files that are not open are not seen (run deploylint on the folders for the whole picture)`,
    );
  }

  private saidFolderFilesLeftOut = false;

  private async settingsFor(uri: string): Promise<Settings> {
    const known = this.settings.get(uri);
    if (known) return known;
    let settings = DEFAULT_SETTINGS;
    if (this.configurationRequests) {
      try {
        settings = readSettings(await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'deploylint' }));
      } catch {
        settings = DEFAULT_SETTINGS;
      }
    }
    this.settings.set(uri, settings);
    return settings;
  }

  private codeActions(params: CodeActionParams): CodeAction[] {
    const findings = this.findings.get(params.textDocument.uri) ?? [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (!only || only.some((kind) => kind === CodeActionKind.QuickFix)) {
      for (const diagnostic of params.context.diagnostics) {
        const finding = findings.find((candidate) => candidate.rule === diagnostic.code && sameRange(candidate, diagnostic));
        if (!finding) continue;
        for (const fix of finding.fixes) actions.push(toQuickFix(fix, diagnostic));
        const suppress = this.session.suppressionFix(params.textDocument.uri, finding);
        if (suppress) actions.push(toQuickFix(suppress, diagnostic));
      }
    }
    if (only?.some((kind) => FIX_ALL_KIND.startsWith(kind) && kind.startsWith(CodeActionKind.SourceFixAll))) {
      const edits = safeEdits(findings);
      if (edits.length > 0) actions.push({ title: 'Fix all safe deploylint problems', kind: FIX_ALL_KIND, edit: toWorkspaceEdit(edits) });
    }
    return actions;
  }

  /**
   * Fix all in workspace: every safe fix in the workspace folders, as `deploylint --fix`
   * would apply it, sent to the editor as one edit the user confirms in a preview.
   */
  private async executeCommand(params: ExecuteCommandParams): Promise<FixAllResult | { path: string } | null> {
    if (params.command === WRITE_HOST_FILE) return this.writeHostFile(params.arguments?.[0]);
    if (params.command !== FIX_ALL_IN_WORKSPACE) return null;
    const settings = this.folderUris[0] ? await this.settingsFor(this.folderUris[0]) : DEFAULT_SETTINGS;
    const { changes, applied, unreadable } = this.session.fixAllInWorkspace(settings);
    for (const message of unreadable) this.connection.console.warn(`fix all in workspace: ${message}`);
    if (changes.length === 0) {
      this.tell(MessageType.Info, 'deploylint: no safe fix to apply in the workspace.');
      return { files: 0, fixes: 0, applied: false };
    }
    const result = await this.connection.workspace.applyEdit({ label: `deploylint: ${applied.length} fixes in ${changes.length} files`, edit: toConfirmedWorkspaceEdit(changes, applied) });
    return { files: changes.length, fixes: applied.length, applied: result.applied };
  }

  /** A message for the user that needs no answer (a request would wait on clients that never reply). */
  private tell(type: MessageType, message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  private async hostOf(uri: string): Promise<HostSummary | null> {
    if (!this.session.has(uri)) return null;
    return this.session.hostSummary(uri, await this.settingsFor(uri)) ?? null;
  }

  /**
   * Creates `.deploylint.ini` in a folder with the machine the user declared
   * (`{ folder, cpus, memory, distro? }`); an existing file is left as it is.
   */
  private async writeHostFile(argument: unknown): Promise<{ path: string } | null> {
    const request = parseHostFileRequest(argument);
    if (!request) {
      this.tell(MessageType.Error, 'deploylint: the machine to declare needs a folder, a number of CPUs and a memory size such as 2G.');
      return null;
    }
    const path = `${request.folder.replace(/\/+$/, '')}/${HOST_FILE}`;
    if (existsSync(path)) return { path };
    const start = { line: 0, character: 0 };
    const edit = {
      documentChanges: [
        CreateFile.create(uriOf(path), { ignoreIfExists: true }),
        TextDocumentEdit.create({ uri: uriOf(path), version: null }, [{ range: { start, end: start }, newText: hostFileText(request.machine) }]),
      ],
    };
    const result = await this.connection.workspace.applyEdit({ label: `deploylint: declare the host in ${HOST_FILE}`, edit });
    return result.applied ? { path } : null;
  }

  private async hover(params: HoverParams): Promise<Hover | null> {
    const context = this.session.featureContext(params.textDocument.uri, await this.settingsFor(params.textDocument.uri));
    if (!context) return null;
    const info = hoverAt(context, context.document.source.offsetAt(params.position));
    return info ? { contents: { kind: 'markdown', value: info.contents }, range: context.document.source.rangeOf(info.span) } : null;
  }

  private async completion(params: CompletionParams): Promise<CompletionItem[]> {
    const context = this.session.featureContext(params.textDocument.uri, await this.settingsFor(params.textDocument.uri));
    if (!context) return [];
    return completionsAt(context, context.document.source.offsetAt(params.position)).map((entry) => toCompletionItem(entry, context.document.source));
  }

  private symbols(params: DocumentSymbolParams): DocumentSymbol[] {
    const context = this.session.featureContext(params.textDocument.uri, DEFAULT_SETTINGS);
    if (!context) return [];
    return outline(context).map((symbol) => toDocumentSymbol(symbol, context.document.source));
  }

  private links(params: DocumentLinkParams): DocumentLink[] {
    const context = this.session.featureContext(params.textDocument.uri, DEFAULT_SETTINGS);
    if (!context) return [];
    return documentLinks(context).map((link) => ({ range: context.document.source.rangeOf(link.span), target: uriOf(link.target) }));
  }
}

/**
 * Diagnostics for a document, at most MAX_DIAGNOSTICS of them: past that, a list helps
 * nobody and costs the editor. The rest are counted in one last entry.
 */
function diagnosticsOf(findings: readonly Finding[]): Diagnostic[] {
  const shown = findings.slice(0, MAX_DIAGNOSTICS).map(toDiagnostic);
  if (findings.length > MAX_DIAGNOSTICS) {
    shown.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: 'deploylint',
      message: `${findings.length - MAX_DIAGNOSTICS} more findings in this file are not shown; run deploylint on the command line for all of them`,
    });
  }
  return shown;
}

function sameRange(finding: Finding, diagnostic: Diagnostic): boolean {
  const a = finding.range;
  const b = diagnostic.range;
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The first safe fix of every finding whose edits do not collide with one already taken. */
function safeEdits(findings: readonly Finding[]): FileEdit[] {
  const taken: FileEdit[] = [];
  for (const finding of findings) {
    const fix = finding.fixes.find((candidate) => candidate.safe);
    if (!fix) continue;
    if (fix.edits.some((edit) => taken.some((other) => other.path === edit.path && rangesOverlap(edit.range, other.range)))) continue;
    taken.push(...fix.edits);
  }
  return taken;
}

/** The arguments of WRITE_HOST_FILE, checked: they come from another process. */
function parseHostFileRequest(argument: unknown): { folder: string; machine: DeclaredMachine } | undefined {
  const value = (typeof argument === 'object' && argument !== null ? argument : {}) as Record<string, unknown>;
  const folder = typeof value.folder === 'string' && value.folder.startsWith('file:') ? fileURLToPath(value.folder) : undefined;
  const cpus = typeof value.cpus === 'number' && Number.isInteger(value.cpus) && value.cpus >= 1 ? value.cpus : undefined;
  const memoryMiB = typeof value.memory === 'string' ? parseMemoryMiB(value.memory) : undefined;
  const distro = typeof value.distro === 'string' ? distroPreset(value.distro)?.id : undefined;
  if (!folder || !cpus || !memoryMiB) return undefined;
  return { folder, machine: { cpus, memoryMiB, ...(distro ? { distro } : {}) } };
}

/**
 * Runs a check to its end, letting the event loop answer waiting messages whenever a slice
 * of SLICE_MS has passed: a hover on a small file is not held up by a 20 MB one. Gives up
 * (undefined) when, back from the event loop, the check is no longer wanted.
 */
async function inSlices<T>(steps: Generator<void, T, void>, wanted: () => boolean): Promise<T | undefined> {
  let sliceStarted = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStarted >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!wanted()) {
        // Ended, so that the session knows no check reads its parses any more.
        steps.return(undefined as T);
        return undefined;
      }
      sliceStarted = performance.now();
    }
  }
}
