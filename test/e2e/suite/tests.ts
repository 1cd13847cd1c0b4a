import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';

const timings: Record<string, number> = {};
(globalThis as { e2eTimings?: Record<string, number> }).e2eTimings = timings;

function workspaceFile(path: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, path);
}

/** The next diagnostics of a document that satisfy `accept`. */
function diagnostics(uri: vscode.Uri, accept: (list: readonly vscode.Diagnostic[]) => boolean, timeout = 20_000): Promise<readonly vscode.Diagnostic[]> {
  const current = vscode.languages.getDiagnostics(uri);
  if (accept(current)) return Promise.resolve(current);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`diagnostics of ${uri.path} never matched; last: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map(codeOf))}`));
    }, timeout);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      const list = vscode.languages.getDiagnostics(uri);
      if (!accept(list)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(list);
    });
  });
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code);
}

async function open(path: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(path));
  await vscode.window.showTextDocument(document);
  return document;
}

export function registerTests(): void {
  describe('deploylint in VS Code', () => {
    before(async () => {
      const extension = vscode.extensions.getExtension('deploylint.deploylint');
      assert.ok(extension, 'the extension is installed');
      const started = Date.now();
      const document = await open('nginx/sites-available/trunk8');
      if (!extension.isActive) await extension.activate();
      await diagnostics(document.uri, (list) => list.length > 0);
      timings.activationToFirstDiagnosticsMs = Date.now() - started;
    });

    it('shows the seed systems’ findings with rule ids and docs links', async () => {
      const site = await open('nginx/sites-available/trunk8');
      assert.equal(site.languageId, 'nginx');
      const siteFindings = await diagnostics(site.uri, (list) => list.filter((d) => codeOf(d) === 'nginx/not-allowed-here').length === 2);
      const first = siteFindings.find((d) => codeOf(d) === 'nginx/not-allowed-here')!;
      assert.equal(site.getText(first.range), 'limit_req_zone');
      assert.equal(first.severity, vscode.DiagnosticSeverity.Error);
      assert.match(String((first.code as { target: vscode.Uri }).target), /docs\/rules\/nginx\/not-allowed-here\.md$/);

      const config = await open('gunicorn.conf.py');
      const configFindings = await diagnostics(config.uri, (list) => list.some((d) => codeOf(d) === 'gunicorn/unknown-setting'));
      assert.deepEqual(
        configFindings.filter((d) => codeOf(d) === 'gunicorn/unknown-setting').map((d) => config.getText(d.range)),
        ['max_worker_memory', 'max_worker_memory'],
      );

      const unit = await open('app.service');
      assert.equal(unit.languageId, 'systemd-unit-file');
      const unitFindings = await diagnostics(unit.uri, (list) => list.length >= 6);
      assert.deepEqual(unitFindings.map((d) => `${codeOf(d)} ${unit.getText(d.range)}`).sort(), [
        // The PXE config beside it (read as ./gunicorn.conf.py) writes a pid file and logs nothing creates.
        'stack/writable-paths ExecStart',
        'stack/writable-paths ExecStart',
        'systemd/hardening [Service]',
        'systemd/no-resource-limits ExecStart',
        'systemd/unknown-directive RestartSecs',
        'systemd/wrong-section Restart',
      ]);
    });

    it('applies a quick fix: the file changes and the diagnostic goes away', async () => {
      const unit = await open('app.service');
      const [typo] = (await diagnostics(unit.uri, (list) => list.some((d) => codeOf(d) === 'systemd/unknown-directive'))).filter((d) => codeOf(d) === 'systemd/unknown-directive');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', unit.uri, typo!.range, vscode.CodeActionKind.QuickFix.value);
      const rename = actions.find((action) => action.title === 'Change to RestartSec=');
      assert.ok(rename?.edit, `quick fixes: ${actions.map((action) => action.title).join(', ')}`);
      assert.equal(rename.isPreferred, true);
      assert.ok(await vscode.workspace.applyEdit(rename.edit));
      await unit.save();
      assert.match(readFileSync(unit.uri.fsPath, 'utf8'), /^RestartSec=5$/m);
      await diagnostics(unit.uri, (list) => !list.some((d) => codeOf(d) === 'systemd/unknown-directive'));
    });

    it('sees the stack: editing gunicorn’s bind port makes the nginx file’s finding appear and go, the nginx file untouched', async () => {
      const site = await open('stack/web.nginx');
      const mismatch = (list: readonly vscode.Diagnostic[]) => list.filter((d) => codeOf(d) === 'stack/proxy-target-mismatch');
      await diagnostics(site.uri, (list) => mismatch(list).length === 0);
      const config = await open('stack/gunicorn_web.conf.py');
      const editor = vscode.window.activeTextEditor!;
      const line = config.getText().split('\n').findIndex((text) => text.startsWith('bind'));
      const port = new vscode.Range(line, 'bind = "127.0.0.1:'.length, line, 'bind = "127.0.0.1:8000'.length);
      assert.equal(config.getText(port), '8000');
      await editor.edit((edit) => edit.replace(port, '8001'));
      const [finding] = mismatch(await diagnostics(site.uri, (list) => mismatch(list).length === 1));
      assert.equal(site.getText(finding!.range), '127.0.0.1:8000');
      await editor.edit((edit) => edit.replace(port, '8000'));
      await diagnostics(site.uri, (list) => mismatch(list).length === 0);
      assert.equal(site.isDirty, false);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    it('answers hover and completion at known positions', async () => {
      const config = await open('gunicorn.conf.py');
      const line = config.getText().split('\n').findIndex((text) => text.startsWith('workers'));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', config.uri, new vscode.Position(line, 2));
      const text = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
      assert.match(text, /\*\*workers\*\* \(gunicorn setting\)/);

      const unit = await open('app.service');
      const editor = vscode.window.activeTextEditor!;
      await editor.edit((edit) => edit.insert(new vscode.Position(unit.lineCount - 1, 0), 'KillMo\n'));
      const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', unit.uri, new vscode.Position(unit.lineCount - 2, 6));
      assert.ok(completions.items.some((item) => (typeof item.label === 'string' ? item.label : item.label.label) === 'KillMode'));
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });
  });
}
