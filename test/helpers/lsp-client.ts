import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

/**
 * A minimal LSP client for tests: starts `deploylint-language-server --stdio`, answers
 * workspace/configuration with the settings a test gives, and collects diagnostics.
 */
export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: { uri: string; accept: (diagnostics: Diagnostic[]) => boolean; resolve: (diagnostics: Diagnostic[]) => void }[] = [];
  private readonly publicationCounts = new Map<string, number>();
  private readonly logWaiters: { pattern: RegExp; resolve: (message: string) => void }[] = [];
  /** Waiting for the server to ask for a document's settings: it does so before it checks the document. */
  private readonly settingsWaiters: { uri: string; resolve: () => void }[] = [];
  /** Edits the server asked the editor to apply (workspace/applyEdit); the client accepts each. */
  readonly appliedEdits: { label?: string; edit: unknown }[] = [];
  /** The server's log (window/logMessage), oldest first. */
  readonly logs: string[] = [];
  settings: unknown = {};
  stderr = '';
  /** Capabilities the server registered with client/registerCapability. */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];

  constructor(
    rootPath: string,
    /** Announce that the client reports changes to files (workspace/didChangeWatchedFiles). */
    private readonly watchFiles = false,
  ) {
    this.process = spawn(process.execPath, ['bin/deploylint-language-server.js', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      this.publicationCounts.set(params.uri, (this.publicationCounts.get(params.uri) ?? 0) + 1);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && waiter.accept(params.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params.diagnostics);
        }
      }
    });
    this.connection.onRequest('workspace/applyEdit', (params: { label?: string; edit: unknown }) => {
      this.appliedEdits.push(params);
      return { applied: true };
    });
    this.connection.onRequest('workspace/configuration', (params: { items: { scopeUri?: string }[] }) => {
      for (const item of params.items) {
        for (const waiter of this.settingsWaiters.filter((candidate) => candidate.uri === item.scopeUri)) {
          this.settingsWaiters.splice(this.settingsWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      return params.items.map(() => this.settings);
    });
    this.connection.onNotification('window/showMessage', () => undefined);
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
      for (const waiter of [...this.logWaiters]) {
        if (waiter.pattern.test(params.message)) {
          this.logWaiters.splice(this.logWaiters.indexOf(waiter), 1);
          waiter.resolve(params.message);
        }
      }
    });
    this.connection.onRequest('client/registerCapability', (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    this.connection.listen();
    this.root = rootPath;
  }

  private readonly root: string;

  async initialize(): Promise<unknown> {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(this.root).href,
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: this.watchFiles } }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
      workspaceFolders: [{ uri: pathToFileURL(this.root).href, name: 'test' }],
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(path: string, text: string, languageId = 'plaintext', version = 1): string {
    const uri = pathToFileURL(path).href;
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return uri;
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  change(uri: string, text: string, version: number): void {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  changeSettings(settings: unknown): void {
    this.settings = settings;
    void this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
  }

  /** The next diagnostics published for a document that pass `accept`. */
  diagnosticsFor(uri: string, accept: (diagnostics: Diagnostic[]) => boolean = () => true, timeout = 10_000): Promise<Diagnostic[]> {
    const current = this.diagnostics.get(uri);
    if (current && accept(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeout} ms`)), timeout);
      this.waiters.push({ uri, accept, resolve: (diagnostics) => (clearTimeout(timer), resolve(diagnostics)) });
    });
  }

  /** How many times diagnostics were published for a document. */
  publications(uri: string): number {
    return this.publicationCounts.get(uri) ?? 0;
  }

  /** Resolves when the server next asks for a document's settings (just before it checks the document). */
  settingsAskedFor(uri: string): Promise<void> {
    return new Promise((resolve) => this.settingsWaiters.push({ uri, resolve }));
  }

  /** The next log line of the server that matches. */
  nextLog(pattern: RegExp, timeout = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${pattern} within ${timeout} ms`)), timeout);
      this.logWaiters.push({ pattern, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    this.process.kill();
  }

  get alive(): boolean {
    return this.process.exitCode === null;
  }
}

/**
 * Registers a server over --stdio on a fresh temporary folder for the tests of one
 * `describe`: started before them, once `prepare` has written what the folder holds, and
 * stopped and removed after them. `use` receives the folder and the client.
 */
export function serverPerSuite(
  prefix: string,
  use: (server: { root: string; client: TestClient }) => void,
  options: { readonly watchFiles?: boolean; readonly prepare?: (root: string) => void } = {},
): void {
  let root = '';
  let client: TestClient | undefined;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), prefix));
    options.prepare?.(root);
    client = new TestClient(root, options.watchFiles);
    use({ root, client });
    await client.initialize();
  });
  after(async () => {
    await client?.stop();
    rmSync(root, { recursive: true, force: true });
  });
}
