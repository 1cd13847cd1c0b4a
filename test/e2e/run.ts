/**
 * `npm run test:e2e`: the extension in a real VS Code.
 *
 * 1. Packages the extension and checks what the .vsix holds.
 * 2. Runs the extension-host suite (test/e2e/suite) inside code-server's VS Code, with the
 *    unpacked .vsix as the extension under test, driven by Debian's Chromium.
 * 3. Drives the UI like a user, with the .vsix installed: open a file from the explorer,
 *    see the squiggle and the Problems row, apply the fix with Ctrl+., save, check the
 *    file on disk. Screenshots go to .test-artifacts/.
 *
 * Needs (installed by .ci/run): chromium, ripgrep, unzip, and the build tools code-server's
 * install uses (libkrb5-dev libxkbfile-dev libsecret-1-dev).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CodeServer, ensureCodeServer, installExtension } from './code-server';

const ROOT = resolve(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, '.test-artifacts');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
/** What the packaged extension may contain: bundles, grammars, snippets, manifest and texts. */
const ALLOWED_IN_VSIX = /^(extension\.vsixmanifest|\[Content_Types\]\.xml|extension\/(package\.json|readme\.md|LICENSE\.txt|changelog\.md|dist\/(client|server)\.js|syntaxes\/[\w.-]+\.json|snippets\/[\w.-]+\.json))$/;
const MAX_VSIX_BYTES = 2 * 1024 * 1024;

const log = (line: string) => process.stdout.write(`${line}\n`);
const failures: string[] = [];

async function step(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
    log(`  ✔ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    log(`  ✘ ${name}\n${error instanceof Error ? error.stack : String(error)}`);
  }
}

function packageExtension(): string {
  execFileSync('npm', ['run', 'package', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  return join(ROOT, 'deploylint.vsix');
}

function checkVsix(vsix: string): void {
  const entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).trim().split('\n');
  const unexpected = entries.filter((entry) => !ALLOWED_IN_VSIX.test(entry));
  if (unexpected.length > 0) throw new Error(`the .vsix holds files it should not: ${unexpected.join(', ')}`);
  for (const needed of ['extension/package.json', 'extension/dist/client.js', 'extension/dist/server.js', 'extension/syntaxes/nginx.tmLanguage.json']) {
    if (!entries.includes(needed)) throw new Error(`the .vsix lacks ${needed}`);
  }
  const size = statSync(vsix).size;
  if (size > MAX_VSIX_BYTES) throw new Error(`the .vsix is ${size} bytes, over ${MAX_VSIX_BYTES}`);
  log(`    ${entries.length} files, ${(size / 1024).toFixed(0)} KiB`);
}

/** A fresh workspace: the seed files the suites open, and a unit with two mistakes. */
function makeWorkspace(): string {
  const folder = mkdtempSync(join(tmpdir(), 'deploylint-e2e-workspace-'));
  cpSync(join(ROOT, 'test', 'e2e', 'workspace'), folder, { recursive: true });
  cpSync(join(ROOT, 'examples', 'nutanix-pxe', 'gunicorn.conf.py'), join(folder, 'gunicorn.conf.py'));
  cpSync(join(ROOT, 'examples', 'trunk8', 'nginx'), join(folder, 'nginx'), { recursive: true });
  return folder;
}

async function buildSuite(): Promise<string> {
  const out = join(ROOT, 'dist-test', 'e2e-suite.js');
  await build({
    entryPoints: [join(ROOT, 'test', 'e2e', 'suite', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile: out,
    // The editor provides vscode; mocha is resolved from the repository's node_modules.
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return out;
}

async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
}

/** Runs the extension-host suite through code-server's test payload; resolves with its exit code. */
async function runSuite(page: Page, server: CodeServer, workspace: string, extension: string, suite: string): Promise<number> {
  const exited = new Promise<number>((resolveExit) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/✔|✘|passing|failing|\d\) |Error|deploylint/.test(text)) log(`    [extension host] ${text}`);
  });
  // The workbench reads these as URIs of the remote extension host, not as paths.
  const remote = (path: string) => `vscode-remote://${new URL(server.url).host}${path}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extension)],
    ['extensionTestsPath', remote(suite)],
  ]);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
  return Promise.race([exited, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('the suite did not finish within 5 minutes')), 300_000))]);
}

async function uiScenario(page: Page, server: CodeServer, workspace: string): Promise<void> {
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // Open the unit from the explorer.
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'app.service' }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
  // The squiggle, then the Problems panel row.
  await page.waitForSelector('.squiggly-error', { timeout: 60_000 });
  // The host the file is checked against, in the status bar.
  await page.locator('.statusbar-item', { hasText: 'host: not declared' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'RestartSecs' }).first();
  await problem.waitFor({ timeout: 30_000 });
  // Go to the problem from the panel, then Ctrl+. and pick the fix.
  await problem.dblclick();
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change to RestartSec=' }).first();
  await fix.waitFor({ timeout: 30_000 });
  // As a user does: move through the menu to the fix, then Enter.
  for (let move = 0; move < 10 && !((await fix.getAttribute('class')) ?? '').includes('focused'); move++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+s');
  const path = join(workspace, 'app.service');
  const deadline = Date.now() + 15_000;
  while (!/^RestartSec=5$/m.test(readFileSync(path, 'utf8'))) {
    if (Date.now() > deadline) throw new Error(`the file on disk was not fixed:\n${readFileSync(path, 'utf8')}`);
    await page.waitForTimeout(200);
  }
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-ui-fixed.png') });
}

async function main(): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  log('deploylint end-to-end tests (code-server)');
  const executable = ensureCodeServer(log);
  let vsix = '';
  await step('packages the extension into a small .vsix without tests, sources or maps', async () => {
    vsix = packageExtension();
    checkVsix(vsix);
  });
  if (!vsix || !existsSync(vsix)) throw new Error(failures.join('\n'));

  const unpacked = mkdtempSync(join(tmpdir(), 'deploylint-vsix-'));
  execFileSync('unzip', ['-q', vsix, '-d', unpacked]);
  const suite = await buildSuite();
  const browser = await launchBrowser();
  const servers: CodeServer[] = [];
  try {
    await step('runs the extension-host suite in code-server (the packaged extension)', async () => {
      const workspace = makeWorkspace();
      const server = await CodeServer.start({ executable, workspace, extensionsDir: mkdtempSync(join(tmpdir(), 'deploylint-ext-empty-')), log: () => undefined });
      servers.push(server);
      const page = await browser.newPage();
      try {
        const code = await runSuite(page, server, workspace, join(unpacked, 'extension'), suite);
        const results = JSON.parse(readFileSync(join(workspace, '.e2e-results.json'), 'utf8')) as { failures: number; messages: string[]; timings: Record<string, number> };
        log(`    timings: ${JSON.stringify(results.timings)}`);
        if (code !== 0 || results.failures > 0) throw new Error(`suite exited ${code}: ${results.messages.join('\n')}`);
      } catch (error) {
        await page.screenshot({ path: join(ARTIFACTS, 'e2e-suite-failure.png') }).catch(() => undefined);
        throw error;
      } finally {
        await page.close();
      }
    });

    await step('a user opens a unit, sees the problem, fixes it with Ctrl+. and saves (the installed .vsix)', async () => {
      const workspace = makeWorkspace();
      const extensions = mkdtempSync(join(tmpdir(), 'deploylint-ext-'));
      installExtension(executable, extensions, vsix);
      const server = await CodeServer.start({ executable, workspace, extensionsDir: extensions, log: () => undefined });
      servers.push(server);
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      try {
        await uiScenario(page, server, workspace);
      } catch (error) {
        await page.screenshot({ path: join(ARTIFACTS, 'e2e-ui-failure.png') }).catch(() => undefined);
        throw error;
      } finally {
        await page.close();
      }
    });
  } finally {
    await browser.close();
    for (const server of servers) await server.stop();
    rmSync(unpacked, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    log(`\n${failures.length} end-to-end step(s) failed:\n${failures.join('\n')}`);
    process.exitCode = 1;
  } else {
    log('\nall end-to-end steps passed');
  }
}

main()
  .catch((error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  })
  // Leftover handles (esbuild's service, browser sockets) must not keep CI waiting once the verdict is in.
  .finally(() => process.exit());
