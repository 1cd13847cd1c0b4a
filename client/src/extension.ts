import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type DocumentSelector, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_ENVIRONMENT } from '../../server/src/lsp/process-environment';
import { HostStatus } from './host-status';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
let hostStatus: HostStatus | undefined;

/** Files deploylint reads, by language and name; the user can add patterns in settings. */
function documentSelector(): DocumentSelector {
  const files = vscode.workspace.getConfiguration('deploylint.files');
  const extra = (kind: string): string[] => files.get<string[]>(kind, []).filter((pattern) => typeof pattern === 'string' && pattern !== '');
  return [
    { language: 'nginx' },
    { language: 'systemd-unit-file' },
    { scheme: 'file', language: 'python', pattern: '**/gunicorn*.py' },
    { scheme: 'file', language: 'python', pattern: '**/*gunicorn*config*.py' },
    { scheme: 'file', pattern: '**/.deploylint.ini' },
    { scheme: 'file', pattern: '**/Procfile' },
    ...extra('gunicorn').map((pattern) => ({ scheme: 'file', pattern })),
    ...extra('nginx').map((pattern) => ({ scheme: 'file', pattern })),
    ...extra('systemd').map((pattern) => ({ scheme: 'file', pattern })),
  ];
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    // The client adds these to its own environment (vscode-languageclient's getEnvironment).
    run: { module: serverModule, transport: TransportKind.ipc, options: { env: { ...SERVER_ENVIRONMENT } } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { env: { ...SERVER_ENVIRONMENT }, execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  output ??= vscode.window.createOutputChannel('deploylint', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    // Settings are pulled per resource; this makes the client announce changes to them.
    synchronize: { configurationSection: 'deploylint' },
    outputChannel: output,
  };
  client = new LanguageClient('deploylint', 'deploylint', serverOptions, clientOptions);
  await client.start();
  await hostStatus?.refresh();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await client?.stop();
  client = undefined;
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  hostStatus = new HostStatus(() => client);
  context.subscriptions.push(
    hostStatus,
    vscode.commands.registerCommand('deploylint.restartServer', () => restart(context)),
    vscode.commands.registerCommand('deploylint.showOutput', () => output?.show()),
    // Which files are served is fixed when the client starts: new patterns need a new client.
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('deploylint.files')) void restart(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
