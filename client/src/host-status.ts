import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** What the server answers for `deploylint/host` (see server/src/core/features/host-summary.ts). */
interface HostSummary {
  readonly text: string;
  readonly tooltip: string;
  readonly hostFile?: string;
}

const DISTROS = ['debian-12', 'debian-13', 'debian-11', 'ubuntu-24.04', 'ubuntu-22.04'];

/**
 * The status-bar item that shows the machine the active file is checked against
 * ("2 CPUs · 4G · debian-12", or "host: not declared"). Clicking it opens the
 * .deploylint.ini that applies, or asks for the machine and writes one.
 */
export class HostStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('deploylint.host', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private hostFile: string | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.item.name = 'deploylint host';
    this.item.command = 'deploylint.openHost';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      // Findings arrive after every check: the host may have changed with the files.
      vscode.languages.onDidChangeDiagnostics((event) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && event.uris.some((uri) => uri.toString() === active)) void this.refresh();
      }),
      vscode.commands.registerCommand('deploylint.openHost', () => this.open()),
      vscode.commands.registerCommand('deploylint.declareHost', () => this.declare()),
    );
  }

  async refresh(): Promise<void> {
    const document = vscode.window.activeTextEditor?.document;
    const client = this.client();
    const summary = document && client?.isRunning() ? await client.sendRequest<HostSummary | null>('deploylint/host', { uri: document.uri.toString() }).catch(() => null) : null;
    if (!summary) {
      this.item.hide();
      return;
    }
    this.hostFile = summary.hostFile;
    this.item.text = `$(server) ${summary.text}`;
    this.item.tooltip = new vscode.MarkdownString(`${summary.tooltip}\n\n${summary.hostFile ? 'Click to open the host file.' : 'Click to declare the machine.'}`);
    this.item.show();
  }

  private async open(): Promise<void> {
    if (this.hostFile) await vscode.window.showTextDocument(vscode.Uri.file(this.hostFile));
    else await this.declare();
  }

  /** Asks for CPUs, memory and distro, and has the server write .deploylint.ini in the active file's workspace folder. */
  private async declare(): Promise<void> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showWarningMessage('deploylint: open a folder first; the host file goes at its top.');
      return;
    }
    const cpus = await vscode.window.showInputBox({ title: 'Declare host spec (1/3)', prompt: 'CPUs of the machine', value: '1', validateInput: (value) => (/^[1-9]\d*$/.test(value.trim()) ? undefined : 'a whole number, 1 or more') });
    if (cpus === undefined) return;
    const memory = await vscode.window.showInputBox({ title: 'Declare host spec (2/3)', prompt: 'Memory of the machine', value: '1G', validateInput: (value) => (/^\d+(\.\d+)?\s*[KMGT]i?B?$/i.test(value.trim()) ? undefined : 'a size such as 512M, 1G or 2GiB') });
    if (memory === undefined) return;
    const distro = await vscode.window.showQuickPick(['(none)', ...DISTROS], { title: 'Declare host spec (3/3)', placeHolder: 'Distribution: the versions of gunicorn, systemd and nginx it ships' });
    if (distro === undefined) return;
    const written = await vscode.commands.executeCommand<{ path: string } | null>('deploylint.writeHostFile', {
      folder: folder.uri.toString(),
      cpus: Number(cpus.trim()),
      memory: memory.trim(),
      ...(distro === '(none)' ? {} : { distro }),
    });
    if (written) await vscode.window.showTextDocument(vscode.Uri.file(written.path));
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}
