/**
 * Language-server figures, run by `npm run bench` after the CLI comparison:
 *
 * - re-check after one keystroke (the server's own Session: re-parse the edited document,
 *   check it) on a 5,000-line file of each kind, p50 and p99, each in a process of its own
 *   (bench/keystrokes.ts);
 * - start to first diagnostics, and resident memory with the seed workspace open, of the
 *   real server process over --stdio;
 * - resident memory with 1,000 open documents.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { SERVER_ENVIRONMENT } from '../server/src/lsp/process-environment';
import { KEYSTROKES } from './keystrokes';

/** bench/keystrokes.ts for one kind and size, in a process of its own. */
function isolatedKeystrokes(kind: string, lines: number): { p50: number; p99: number } {
  const child = spawnSync(process.execPath, ['-r', 'tsx/cjs', resolve('bench/keystrokes.ts'), kind, String(lines)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`bench/keystrokes.ts ${kind} ${lines} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { p50: number; p99: number };
}

function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The real server over stdio: time to first diagnostics, and memory once documents are open. */
async function serverFigures(documents: { path: string; languageId: string; text: string }[]): Promise<{ firstDiagnosticsMs: number; residentMiB: number }> {
  const started = performance.now();
  // Started as the VS Code extension starts it: the same environment.
  const child = spawn(process.execPath, [resolve('bin/deploylint-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, ...SERVER_ENVIRONMENT } });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const pending = new Set(documents.map((document) => pathToFileURL(document.path).href));
  let firstDiagnosticsMs = 0;
  const done = new Promise<void>((resolveDone) => {
    connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string }) => {
      if (firstDiagnosticsMs === 0) firstDiagnosticsMs = performance.now() - started;
      pending.delete(params.uri);
      if (pending.size === 0) resolveDone();
    });
  });
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await connection.sendNotification('initialized', {});
  for (const document of documents) {
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(document.path).href, languageId: document.languageId, version: 1, text: document.text } });
  }
  await done;
  await new Promise((resolveSettle) => setTimeout(resolveSettle, 500));
  const memory = residentMiB(child.pid!);
  connection.dispose();
  child.kill();
  return { firstDiagnosticsMs, residentMiB: memory };
}

function seedDocuments(): { path: string; languageId: string; text: string }[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(resolve('examples'));
  return files
    .filter((path) => /\.(service|nginx|conf|py)$|sites-available/.test(path) && !path.endsWith('netflow-dashboard.py') && !path.endsWith('web_dashboard.py') && !path.endsWith('wsgi.py'))
    .map((path) => ({ path, languageId: path.endsWith('.service') ? 'systemd-unit-file' : path.endsWith('.py') ? 'python' : 'nginx', text: readFileSync(path, 'utf8') }));
}

export async function lspFigures(): Promise<string[]> {
  const nginxKeys = isolatedKeystrokes('nginx', 5000);
  const nginxConfKeys = isolatedKeystrokes('nginx-http', 5000);
  const nginxStackKeys = isolatedKeystrokes('nginx-stack', 5000);
  const unitKeys = isolatedKeystrokes('unit', 5000);
  // Issue 3's figure for units is on 2,000 lines; issue 8's on 5,000.
  const shortUnitKeys = isolatedKeystrokes('unit', 2000);
  const gunicornKeys = isolatedKeystrokes('gunicorn', 5000);
  const seed = await serverFigures(seedDocuments());
  const thousand = await serverFigures(
    Array.from({ length: 1000 }, (_, index) => ({ path: `/srv/bench/many/app${index}.service`, languageId: 'systemd-unit-file', text: `[Unit]\nDescription=app ${index}\n\n[Service]\nExecStart=/usr/bin/app --port ${index}\nRestart=on-failure\nRestartSec=5\n` })),
  );
  return [
    '',
    '## Language server',
    '',
    '| measure | figure | target |',
    '|---|---|---|',
    `| re-check after a keystroke, 5,000-line nginx site (server blocks at the top level) | p50 ${nginxKeys.p50.toFixed(1)} ms, p99 ${nginxKeys.p99.toFixed(1)} ms | p50 < 5 ms, p99 < 16 ms |`,
    `| re-check after a keystroke, 5,000-line nginx.conf (all in one http block) | p50 ${nginxConfKeys.p50.toFixed(1)} ms, p99 ${nginxConfKeys.p99.toFixed(1)} ms | p50 < 5 ms, p99 < 16 ms |`,
    `| …the 5,000-line site in the seed workspace (stack rules comparing its 555 proxies with the gunicorns there) | p50 ${nginxStackKeys.p50.toFixed(1)} ms, p99 ${nginxStackKeys.p99.toFixed(1)} ms | (not met; see the notes) |`,
    `| re-check after a keystroke, 2,000-line unit | p50 ${shortUnitKeys.p50.toFixed(1)} ms, p99 ${shortUnitKeys.p99.toFixed(1)} ms | p50 < 5 ms, p99 < 16 ms |`,
    `| re-check after a keystroke, 5,000-line unit | p50 ${unitKeys.p50.toFixed(1)} ms, p99 ${unitKeys.p99.toFixed(1)} ms | p50 < 5 ms, p99 < 16 ms |`,
    `| re-check after a keystroke, 5,000-line gunicorn.conf.py | p50 ${gunicornKeys.p50.toFixed(1)} ms, p99 ${gunicornKeys.p99.toFixed(1)} ms | p50 < 5 ms, p99 < 16 ms |`,
    `| server start to first diagnostics (seed workspace) | ${seed.firstDiagnosticsMs.toFixed(0)} ms | (e2e: activation to first diagnostics < 1 s) |`,
    `| resident memory, seed workspace open | ${seed.residentMiB.toFixed(0)} MiB | < 80 MB (76 MiB) |`,
    `| resident memory, 1,000 open units | ${thousand.residentMiB.toFixed(0)} MiB | linear in the documents |`,
    '',
    `Keystrokes: ${KEYSTROKES} edits in a process of their own per file, the first 50 discarded as warm-up; each measures what the server does per change (re-parse the document, check it).`,
  ];
}

if (require.main === module) {
  void lspFigures().then((lines) => process.stdout.write(`${lines.join('\n')}\n`));
}
