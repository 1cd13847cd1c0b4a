import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-protocol';
import { parseDocument } from '../../server/src/core/engine/document';
import { Workspace } from '../../server/src/core/engine/workspace';
import { completionsAt, type CompletionEntry } from '../../server/src/core/features/completion';
import { snippetFiles } from '../../server/src/core/features/snippet-files';
import { MemoryFiles } from '../../server/src/core/model/file-access';
import type { FileKind } from '../../server/src/core/model/finding';
import { SourceText } from '../../server/src/core/text/source-text';
import { toCompletionItem } from '../../server/src/lsp/convert';
import { assertGunicornLoads } from '../helpers/gunicorn-loads';
import { linter, lintFiles } from '../helpers/lint';
import { requireOracle } from '../helpers/oracles';

/*
 * The deployment templates, as static snippets and as completions sized for the host:
 * the snippets on disk are what the script writes, the completions are offered where a
 * whole file may start, and what they insert passes deploylint (nothing above info),
 * `systemd-analyze verify`, `nginx -t` and `gunicorn --check-config`.
 */

const ROOT = '/srv/deploy';
const HOST_INI = `${ROOT}/.deploylint.ini`;
const DECLARED = '[host]\ncpus = 1\nmemory = 1G\ndistro = debian-12\n';

/** Where each file of the deployment lives in the workspace, and the kind the editor gives a new, empty one. */
const FILES = {
  config: { path: `${ROOT}/gunicorn.conf.py`, kind: 'gunicorn' },
  service: { path: `${ROOT}/app.service`, kind: 'systemd' },
  socket: { path: `${ROOT}/app.socket`, kind: 'systemd' },
  site: { path: `${ROOT}/nginx/sites-available/app`, kind: 'nginx' },
} as const satisfies Record<string, { path: string; kind: FileKind }>;

type Deployment = Record<keyof typeof FILES, string>;

/** The completions at an offset of a document, in a workspace that holds it and, when given, a .deploylint.ini. */
function completions(file: { path: string; kind: FileKind }, text: string, options: { hostIni?: string; offset?: number } = {}): CompletionEntry[] {
  const document = parseDocument({ path: file.path, text, kind: file.kind }, linter.knowledge);
  const workspace = new Workspace([document], new MemoryFiles(options.hostIni ? [[HOST_INI, options.hostIni]] : []), linter.knowledge);
  const host = linter.hostFor(document, workspace);
  return completionsAt({ document, workspace, knowledge: linter.knowledge, targets: host.targets, host }, options.offset ?? text.length);
}

function templateOf(file: { path: string; kind: FileKind }, hostIni?: string): CompletionEntry {
  const found = completions(file, '', hostIni ? { hostIni } : {}).filter((entry) => entry.kind === 'snippet');
  assert.equal(found.length, 1, `one template for ${file.path}`);
  return found[0]!;
}

/** A snippet's text as inserted when every placeholder keeps its default. */
function withDefaults(snippet: string): string {
  return snippet.replace(/\$\{\d+:((?:\\.|[^\\}])*)\}|\\([\\$}])/g, (_match, value: string | undefined, escaped: string | undefined) => (value !== undefined ? value.replace(/\\(.)/g, '$1') : escaped!));
}

/** The bodies of the static snippets, by name, with default placeholders. */
function staticSnippets(): Record<string, string> {
  const bodies: Record<string, string> = {};
  for (const text of Object.values(snippetFiles())) {
    for (const [name, entry] of Object.entries(JSON.parse(text) as Record<string, { body: string[] }>)) bodies[name] = withDefaults(entry.body.join('\n'));
  }
  return bodies;
}

const sized = (hostIni: string): Deployment => ({
  config: withDefaults(templateOf(FILES.config, hostIni).insertText!),
  service: withDefaults(templateOf(FILES.service, hostIni).insertText!),
  socket: withDefaults(templateOf(FILES.socket, hostIni).insertText!),
  site: withDefaults(templateOf(FILES.site, hostIni).insertText!),
});

const fromStatic = (configName: string): Deployment => {
  const bodies = staticSnippets();
  return { config: bodies[configName]!, service: bodies['gunicorn service']!, socket: bodies['gunicorn socket']!, site: bodies['gunicorn reverse proxy']! };
};

/** Every finding above info that deploylint reports on the files checked together. */
function findingsAboveInfo(deployment: Deployment, hostIni: string): string[] {
  const others = Object.fromEntries([[HOST_INI, hostIni], ...(['service', 'socket', 'site'] as const).map((name) => [FILES[name].path, deployment[name]])]);
  return lintFiles(FILES.config.path, deployment.config, { others, kind: 'gunicorn' })
    .flatMap((report) => report.findings.map((finding) => ({ path: report.path, finding })))
    .filter(({ finding }) => finding.severity !== 'info')
    .map(({ path, finding }) => `${path}: ${finding.rule}: ${finding.message}`);
}

/** Runs a program in a folder and returns what it printed, and whether it succeeded. */
function run(folder: string, program: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(program, args, { cwd: folder, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/** `systemd-analyze verify` on the service and its socket together (the socket needs the service it starts), with a program that exists on this machine. */
function verifyUnits(folder: string, deployment: Deployment): { ok: boolean; output: string } {
  const runnable = deployment.service.replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true').replace(/^WorkingDirectory=.*$/m, 'WorkingDirectory=/tmp');
  writeFileSync(join(folder, 'app.service'), runnable);
  writeFileSync(join(folder, 'app.socket'), deployment.socket);
  return run(folder, 'systemd-analyze', ['verify', '--man=no', './app.service', './app.socket']);
}

/** `nginx -t` on the site, included inside http by a minimal nginx.conf under a prefix of its own. */
function nginxTest(folder: string, site: string): { ok: boolean; output: string } {
  const prefix = join(folder, 'nginx');
  mkdirSync(join(prefix, 'sites-enabled'), { recursive: true });
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  writeFileSync(join(prefix, 'nginx.conf'), 'events {}\nhttp {\n    include sites-enabled/*;\n}\n');
  writeFileSync(join(prefix, 'sites-enabled', 'app'), site);
  return run(folder, 'nginx', ['-t', '-q', '-p', `${prefix}/`, '-c', `${prefix}/nginx.conf`, '-g', 'pid /dev/null;']);
}

describe('deployment templates', () => {
  it('snippets/*.json are what `npm run snippets` writes from the templates', () => {
    for (const [path, text] of Object.entries(snippetFiles())) assert.equal(readFileSync(path, 'utf8'), text, `${path} is stale: run npm run snippets`);
  });

  it('package.json contributes each snippet file for its language', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { snippets: { language: string; path: string }[] } };
    assert.deepEqual(
      manifest.contributes.snippets.map((contribution) => [contribution.language, contribution.path.replace(/^\.\//, '')]),
      [
        ['python', 'snippets/gunicorn.json'],
        ['systemd-unit-file', 'snippets/systemd.json'],
        ['nginx', 'snippets/nginx.json'],
      ],
    );
    assert.deepEqual(Object.keys(snippetFiles()).sort(), ['snippets/gunicorn.json', 'snippets/nginx.json', 'snippets/systemd.json']);
  });

  it('offers a template only where a whole file may start', () => {
    const templates = (file: { path: string; kind: FileKind }, text: string, offset?: number) =>
      completions(file, text, offset === undefined ? {} : { offset })
        .filter((entry) => entry.kind === 'snippet')
        .map((entry) => entry.label);
    assert.deepEqual(templates(FILES.config, 'wor'), ['deploylint: gunicorn config sized for this host']);
    assert.deepEqual(templates(FILES.config, 'def on_starting(server):\n    '), [], 'indented: inside a function');
    assert.deepEqual(templates(FILES.config, 'workers = 2\n', 0), [], 'the line holds more than the word');
    assert.deepEqual(templates(FILES.service, ''), ['deploylint: gunicorn service sized for this host']);
    assert.deepEqual(templates(FILES.service, '[Service]\n'), [], 'inside a section');
    assert.deepEqual(templates(FILES.socket, ''), ['deploylint: gunicorn socket']);
    assert.deepEqual(templates({ path: `${ROOT}/app.timer`, kind: 'systemd' }, ''), []);
    assert.deepEqual(templates(FILES.site, ''), ['deploylint: nginx site for gunicorn sized for this host']);
    assert.deepEqual(templates(FILES.site, 'server {\n'), [], 'inside a server block');
  });

  it('documents the arithmetic of the numbers, and what was assumed', () => {
    const declared = templateOf(FILES.config, DECLARED).documentation!;
    assert.match(declared, new RegExp(`^Sized for 1 CPU and 1G of memory, declared by ${HOST_INI}\\. Assumed: 100M per worker, a mixed workload\\.`));
    assert.ok(declared.includes('- 2 gthread workers × 2 threads: workers = min(1 + 1, memory (400M − 50M master) / 100M per worker = 3) = 2; threads = 2 × 1 + 1 mixed requests / 2 = 2'), declared);
    assert.ok(declared.includes('- timeout 30 s; nginx proxy_read_timeout = gunicorn timeout 30 s + 5 s = 35 s'), declared);
    const service = templateOf(FILES.service, DECLARED);
    assert.equal(service.detail, 'MemoryMax=512M, TasksMax=100, LimitNOFILE=65536');
    assert.ok(service.documentation!.includes('- TasksMax = max(100, 2 × (1 + 2 × (2 + 3))) = 100, for 2 gthread workers × 2 threads'), service.documentation);
    assert.match(templateOf(FILES.site).documentation!, /^No machine declared: sized for 1 CPU and 1G of memory, deploylint's assumption\. Assumed: 1 CPU, 1G of memory, 100M per worker, a mixed workload\./);
    const cpuBound = templateOf(FILES.config, '[host]\ncpus = 4\nmemory = 8G\n[app]\nworkload = cpu\n');
    assert.equal(cpuBound.detail, '9 sync workers');
    assert.ok(!withDefaults(cpuBound.insertText!).includes('keepalive'), 'sync workers ignore keepalive');
  });

  it('reaches the editor as a snippet', () => {
    const entry = templateOf(FILES.socket);
    const item = toCompletionItem(entry, new SourceText(''));
    assert.equal(item.kind, CompletionItemKind.Snippet);
    assert.equal(item.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal((item.textEdit as { newText: string }).newText, entry.insertText);
  });

  it('sizes templates that pass deploylint on other machines too', () => {
    for (const hostIni of ['[host]\ncpus = 4\nmemory = 8G\n[app]\nworkload = io\n', '[host]\ncpus = 2\nmemory = 512M\n[app]\nworkload = cpu\n', '[host]\ncpus = 16\nmemory = 32G\n[app]\nworker_memory = 300M\n']) {
      assert.deepEqual(findingsAboveInfo(sized(hostIni), hostIni), [], hostIni);
    }
  });

  const CASES: { name: string; deployment: () => Deployment }[] = [
    { name: 'the completions for a declared host of 1 CPU, 1 GiB (debian-12)', deployment: () => sized(DECLARED) },
    { name: 'the static snippets with the gthread config', deployment: () => fromStatic('gunicorn config (gthread)') },
    { name: 'the static snippets with the sync config', deployment: () => fromStatic('gunicorn config (sync)') },
  ];
  for (const example of CASES) {
    describe(example.name, function () {
      this.timeout(60_000);
      let folder = '';
      let deployment: Deployment;
      before(() => {
        deployment = example.deployment();
        folder = mkdtempSync(join(tmpdir(), 'deploylint-snippets-'));
      });
      after(() => rmSync(folder, { recursive: true, force: true }));

      it('deploylint reports nothing above info on the files together', () => {
        assert.deepEqual(findingsAboveInfo(deployment, DECLARED), []);
      });

      it('systemd-analyze verify accepts the service and its socket', function () {
        if (!requireOracle(this, 'systemd-analyze')) return;
        assert.deepEqual(verifyUnits(folder, deployment), { ok: true, output: '' });
      });

      it('nginx -t accepts the site', function () {
        if (!requireOracle(this, 'nginx', ['-v'])) return;
        const result = nginxTest(folder, deployment.site);
        assert.ok(result.ok, result.output);
      });

      it('gunicorn loads the config', function () {
        if (!requireOracle(this, 'gunicorn')) return;
        assertGunicornLoads(deployment.config);
      });
    });
  }
});
