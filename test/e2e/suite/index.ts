import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { registerTests } from './tests';

/**
 * The entry VS Code's test runners call inside the extension host (code-server's
 * payload here, @vscode/test-electron elsewhere). Results also go to a file in the
 * workspace, for drivers that cannot read the extension host's console.
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'e2e', mocha);
  registerTests();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const failures: string[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((count) => {
      writeFileSync(join(folder, '.e2e-results.json'), JSON.stringify({ failures: count, messages: failures, timings: (globalThis as { e2eTimings?: unknown }).e2eTimings ?? {} }, null, 2));
      if (count > 0) reject(new Error(`${count} end-to-end tests failed:\n${failures.join('\n')}`));
      else resolve();
    });
    runner.on('fail', (test, error: Error) => failures.push(`${test.fullTitle()}: ${error.message}`));
  });
}
