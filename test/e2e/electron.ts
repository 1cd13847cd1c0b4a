/**
 * The same extension-host suite in desktop VS Code, for machines that can download it:
 *
 *   npm run test:e2e:electron
 *
 * @vscode/test-electron downloads VS Code (1.100.3, the release the code-server run uses),
 * starts it with the repository as the extension under development and runs the suite
 * in its extension host. This machine's network cannot reach the download, so CI here
 * runs test/e2e/run.ts (code-server) instead.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const suite = join(ROOT, 'dist-test', 'e2e-suite.js');
  await build({ entryPoints: [join(ROOT, 'test', 'e2e', 'suite', 'index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: suite, external: ['vscode', 'mocha'], logLevel: 'warning' });
  const workspace = mkdtempSync(join(tmpdir(), 'deploylint-e2e-workspace-'));
  cpSync(join(ROOT, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
  cpSync(join(ROOT, 'examples', 'nutanix-pxe', 'gunicorn.conf.py'), join(workspace, 'gunicorn.conf.py'));
  cpSync(join(ROOT, 'examples', 'trunk8', 'nginx'), join(workspace, 'nginx'), { recursive: true });
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
