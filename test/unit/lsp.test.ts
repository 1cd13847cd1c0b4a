import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CompletionItem, DocumentLink, DocumentSymbol, Hover } from 'vscode-languageserver-protocol/node';
import { serverPerSuite, type TestClient } from '../helpers/lsp-client';

/** The language server as a client sees it: started over --stdio, spoken to in LSP. */
describe('deploylint-language-server', function () {
  this.timeout(30_000);
  let root: string;
  let client: TestClient;
  serverPerSuite('deploylint-lsp-', (server) => ({ root, client } = server), {
    prepare: (folder) => {
      mkdirSync(join(folder, 'nginx', 'snippets'), { recursive: true });
      writeFileSync(join(folder, 'nginx', 'snippets', 'proxy.conf'), 'proxy_set_header Host $host;\n');
    },
  });

  it('stops a check when its document is closed meanwhile, and publishes nothing from it', async () => {
    // Big enough that checking it takes many 20 ms slices. The document is closed rather
    // than edited: with full sync an edit carries the whole 3 MB again, and reading that
    // takes the server as many slices as the check. Both stop the same way (isOpenAt).
    const servers = Array.from({ length: 20_000 }, (_, index) => `    server {\n        listen ${10_000 + index};\n        location / {\n            proxy_pass http://127.0.0.1:9000;\n        }\n    }\n`);
    const path = join(root, 'overtaken', 'nginx.conf');
    const asked = client.settingsAskedFor(pathToFileURL(path).href);
    const stopped = client.nextLog(/^check of .*overtaken\/nginx\.conf stopped after [\d.]+ ms: version 1 was edited or closed meanwhile$/, 30_000);
    const uri = client.open(path, `events {}\nhttp {\n    bogus_directive on;\n${servers.join('')}}\n`, 'nginx');
    // The server asks for the document's settings, then checks it: the check is under way.
    await asked;
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.close(uri);
    await stopped;
    // Only the empty list that closing a document sends.
    assert.equal(client.publications(uri), 1);
    assert.deepEqual(await client.diagnosticsFor(uri), []);
    assert.ok(!client.logs.some((line) => /^checked .*overtaken/.test(line)), client.logs.join('\n'));
  });

  it('publishes diagnostics with the rule id as code and a link to its docs', async () => {
    const uri = client.open(join(root, 'gunicorn.conf.py'), 'workers = 2\nworkers = 4\nkeep_alive = 5\n', 'python');
    const diagnostics = await client.diagnosticsFor(uri, (list) => list.length === 2);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start.line, d.severity, d.source]),
      [
        ['gunicorn/duplicate-setting', 0, 1, 'deploylint'],
        ['gunicorn/unknown-setting', 2, 1, 'deploylint'],
      ],
    );
    assert.match(diagnostics[1]!.codeDescription!.href, /docs\/rules\/gunicorn\/unknown-setting\.md$/);
    assert.equal(diagnostics[0]!.relatedInformation?.[0]?.location.range.start.line, 1);
  });

  it('answers code actions from the fixes already computed, preferred first, and fix-all', async () => {
    const uri = pathToFileURL(join(root, 'gunicorn.conf.py')).href;
    const diagnostics = await client.diagnosticsFor(uri, (list) => list.length === 2);
    const quickFixes = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[1]!.range,
      context: { diagnostics: [diagnostics[1]], only: ['quickfix'] },
    })) as CodeAction[];
    assert.deepEqual(quickFixes.map((action) => [action.title, action.isPreferred === true]), [
      ['Rename to keepalive', true],
      ['Remove keep_alive (gunicorn ignores it)', false],
      ['Suppress gunicorn/unknown-setting on this line', false],
    ]);
    assert.deepEqual(quickFixes[0]!.edit!.changes![uri], [{ range: diagnostics[1]!.range, newText: 'keepalive' }]);

    const fixAll = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.deepEqual(fixAll.map((action) => action.kind), ['source.fixAll.deploylint']);
    assert.deepEqual(fixAll[0]!.edit!.changes![uri], [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: '' }]);
  });

  it('offers to declare the machine in a new .deploylint.ini when a sized fix had to assume it', async () => {
    const uri = client.open(join(root, 'app.service'), '[Service]\nExecStart=/usr/bin/gunicorn --workers 2 --worker-connections 500 app:app\n', 'systemd-unit-file');
    const diagnostics = await client.diagnosticsFor(uri, (list) => list.some((d) => d.code === 'gunicorn/worker-connections-ignored'));
    const diagnostic = diagnostics.find((d) => d.code === 'gunicorn/worker-connections-ignored')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    })) as CodeAction[];
    const declare = actions.find((action) => action.title.startsWith('Declare the machine'));
    assert.equal(declare?.title, 'Declare the machine in .deploylint.ini (the fixes assume 1 CPU, 1G)');
    const iniUri = pathToFileURL(join(root, '.deploylint.ini')).href;
    const [create, write] = declare!.edit!.documentChanges! as [{ kind: string; uri: string; options: object }, { textDocument: { uri: string }; edits: { newText: string }[] }];
    assert.deepEqual([create.kind, create.uri, create.options], ['create', iniUri, { ignoreIfExists: true }]);
    assert.equal(write.textDocument.uri, iniUri);
    assert.match(write.edits[0]!.newText, /^\[host\]\ncpus = 1\nmemory = 1G\n/m);
    client.close(uri);
  });

  it('checks again after an edit, and follows severity settings without a restart', async () => {
    const uri = client.open(join(root, 'app.service'), '[Service]\nExecStart=/usr/bin/app\nRestartSecs=5\n', 'systemd-unit-file');
    await client.diagnosticsFor(uri, (list) => list.some((d) => d.code === 'systemd/unknown-directive'));
    client.change(uri, '[Service]\nExecStart=/usr/bin/app\nRestartSec=5\n', 2);
    await client.diagnosticsFor(uri, (list) => list.length === 0);
    client.change(uri, '[Service]\nExecStart=/usr/bin/app\nRestartSec=5\nRestartSecs=1\n', 3);
    await client.diagnosticsFor(uri, (list) => list.some((d) => d.code === 'systemd/unknown-directive' && d.severity === 1));
    client.changeSettings({ rules: { 'systemd/unknown-directive': 'info' } });
    await client.diagnosticsFor(uri, (list) => list.some((d) => d.code === 'systemd/unknown-directive' && d.severity === 3));
    client.changeSettings({ rules: { 'systemd/unknown-directive': 'off' } });
    await client.diagnosticsFor(uri, (list) => list.length === 0);
    client.changeSettings({});
  });

  it('checks a linked file again when the other end changes, and publishes only what changed', async () => {
    mkdirSync(join(root, 'web'), { recursive: true });
    const unit = client.open(join(root, 'web', 'web.service'), '[Service]\nExecStart=/usr/bin/gunicorn -c /etc/web/gunicorn_web.conf.py app:app\nTimeoutStopSec=10\n', 'systemd-unit-file');
    const config = client.open(join(root, 'web', 'gunicorn_web.conf.py'), 'graceful_timeout = 5\n', 'python');
    const stopTimeout = (list: { code?: number | string }[]) => list.filter((d) => d.code === 'systemd/stop-timeout-below-graceful').length;
    await client.diagnosticsFor(unit, (list) => stopTimeout(list) === 0);
    const published = client.publications(unit);
    // Only the config changes; the unit's finding appears and goes with it.
    client.change(config, 'graceful_timeout = 30\n', 2);
    const [finding] = (await client.diagnosticsFor(unit, (list) => stopTimeout(list) === 1)).filter((d) => d.code === 'systemd/stop-timeout-below-graceful');
    assert.match(String(finding?.message), /^TimeoutStopSec=10 is shorter than graceful_timeout = 30 s \(gunicorn_web\.conf\.py:1\)/);
    const pathHover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: unit }, position: { line: 1, character: 35 } })) as Hover;
    assert.equal(
      (pathHover.contents as { value: string }).value,
      `**gunicorn config** \`/etc/web/gunicorn_web.conf.py\`\n\nRead from \`${join(root, 'web', 'gunicorn_web.conf.py')}\` in the workspace, matched by same relative path.`,
    );
    const orphan = client.open(join(root, 'web', 'other.service'), '[Service]\nExecStart=/usr/bin/gunicorn -c /etc/other/settings.py app:app\n', 'systemd-unit-file');
    await client.diagnosticsFor(orphan);
    const orphanHover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: orphan }, position: { line: 1, character: 35 } })) as Hover;
    assert.equal(
      (orphanHover.contents as { value: string }).value,
      "**gunicorn config** `/etc/other/settings.py`\n\nNo file in the workspace matched it (by path, relative path or unique name): this run is checked with the command line's settings only.",
    );
    client.close(orphan);
    client.change(config, 'graceful_timeout = 5\n', 3);
    await client.diagnosticsFor(unit, (list) => stopTimeout(list) === 0);
    // A change that leaves the unit's findings as they were sends it nothing new.
    const before = client.publications(unit);
    const rechecked = client.nextLog(new RegExp(`^checked ${unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*, unchanged$`));
    client.change(config, 'graceful_timeout = 6\n', 4);
    await rechecked;
    assert.equal(client.publications(unit), before);
    assert.ok(before >= published + 2);
    client.close(unit);
    client.close(config);
  });

  it('hovers a setting, a unit key and a directive', async () => {
    const config = pathToFileURL(join(root, 'gunicorn.conf.py')).href;
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: config }, position: { line: 0, character: 2 } })) as Hover;
    assert.match((hover.contents as { value: string }).value, /^\*\*workers\*\* \(gunicorn setting\)/);
    assert.match((hover.contents as { value: string }).value, /https:\/\/gunicorn\.org\/reference\/settings\/#workers/);

    const site = client.open(join(root, 'nginx', 'sites-enabled', 'app'), 'server {\n    listen 80;\n    include snippets/proxy.conf;\n}\n', 'nginx');
    await client.diagnosticsFor(site);
    const directive = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: site }, position: { line: 1, character: 6 } })) as Hover;
    assert.match((directive.contents as { value: string }).value, /^\*\*listen\*\* \(nginx\)/);
    const placement = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: site }, position: { line: 0, character: 9 } })) as Hover;
    assert.match((placement.contents as { value: string }).value, /because it is in sites-enabled\//);
  });

  it('completes keys valid in the section and values of enumerations', async () => {
    const uri = client.open(join(root, 'worker.service'), '[Service]\nRestartS\nRestart=on-\n', 'systemd-unit-file');
    await client.diagnosticsFor(uri);
    const keys = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 8 } })) as CompletionItem[];
    assert.ok(keys.some((item) => item.label === 'RestartSec'));
    assert.ok(!keys.some((item) => item.label === 'Description'), '[Unit] keys are not offered in [Service]');
    const values = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 11 } })) as CompletionItem[];
    assert.deepEqual(values.map((item) => item.label), ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always']);
  });

  it('gives nginx blocks as a symbol tree and includes as links', async () => {
    const uri = pathToFileURL(join(root, 'nginx', 'sites-enabled', 'app')).href;
    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((symbol) => [symbol.name, symbol.children?.map((child) => child.name)]), [['server', ['listen', 'include']]]);
    const links = (await client.connection.sendRequest('textDocument/documentLink', { textDocument: { uri } })) as DocumentLink[];
    assert.deepEqual(links.map((link) => link.target), [pathToFileURL(join(root, 'nginx', 'snippets', 'proxy.conf')).href]);
  });

  it('answers requests for unknown documents and far-away positions with nothing, and keeps serving', async () => {
    const unknown = pathToFileURL(join(root, 'never-opened.conf')).href;
    assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: unknown }, position: { line: 0, character: 0 } }), null);
    assert.deepEqual(await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: unknown }, position: { line: 0, character: 0 } }), []);
    const config = pathToFileURL(join(root, 'gunicorn.conf.py')).href;
    assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: config }, position: { line: 900, character: 900 } }), null);
    const readme = client.open(join(root, 'README.md'), '# not a deployment file\n', 'markdown');
    assert.deepEqual(await client.diagnosticsFor(readme), []);
    const broken = client.open(join(root, 'broken', 'gunicorn.conf.py'), 'def (:\n  workers = [\n', 'python');
    assert.ok((await client.diagnosticsFor(broken, (list) => list.length > 0)).every((d) => d.code === 'gunicorn/syntax'));
    assert.ok(client.alive);
  });

  it('checks a 20 MB document and 2,000 open documents, and keeps answering', async function () {
    this.timeout(120_000);
    const big = client.open(join(root, 'nginx', 'conf.d', 'big.conf'), `${'server { listen 80; }\n'.repeat(1_000_000)}server { proxy_read_timout 5s; }\n`, 'nginx');
    for (let index = 0; index < 2000; index++) client.open(join(root, 'units', `app${index}.service`), `[Service]\nExecStart=/usr/bin/app${index}\n`, 'systemd-unit-file');
    const last = pathToFileURL(join(root, 'units', 'app1999.service')).href;
    await client.diagnosticsFor(last, () => true, 60_000);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: last }, position: { line: 1, character: 2 } })) as Hover;
    assert.match((hover.contents as { value: string }).value, /ExecStart=/);
    const bigDiagnostics = await client.diagnosticsFor(big, (list) => list.length > 0, 90_000);
    assert.deepEqual(bigDiagnostics.map((d) => [d.code, d.range.start.line]), [['nginx/unknown-directive', 1_000_000]]);
    assert.ok(client.alive);
  });

  it('publishes at most a thousand diagnostics per document, and counts the rest', async () => {
    const noisy = client.open(join(root, 'nginx', 'conf.d', 'noisy.conf'), 'server { proxy_read_timout 5s; }\n'.repeat(3000), 'nginx');
    const diagnostics = await client.diagnosticsFor(noisy, (list) => list.length > 0);
    assert.equal(diagnostics.length, 1001);
    assert.equal(diagnostics[1000]!.message, '2000 more findings in this file are not shown; run deploylint on the command line for all of them');
  });

  it('says how to start it when no transport is given', () => {
    const result = require('node:child_process').spawnSync(process.execPath, ['bin/deploylint-language-server.js'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^Usage: deploylint-language-server --stdio/);
  });
});

describe('deploylint-language-server with a client that watches files', function () {
  this.timeout(30_000);
  let root: string;
  let client: TestClient;
  serverPerSuite('deploylint-lsp-watch-', (server) => ({ root, client } = server), { watchFiles: true });

  it('keeps what it read from disk until the client reports a change, then checks again with it', async () => {
    const uri = client.open(join(root, 'app.service'), '[Service]\nExecStart=/usr/bin/gunicorn --workers 2 --worker-connections 500 app:app\n', 'systemd-unit-file');
    const [diagnostic] = (await client.diagnosticsFor(uri, (list) => list.length > 0)).filter((d) => d.code === 'gunicorn/worker-connections-ignored');
    assert.ok(diagnostic);
    assert.deepEqual(
      client.registrations.map((registration) => [registration.method, registration.registerOptions]),
      [['workspace/didChangeWatchedFiles', { watchers: [{ globPattern: '**/*' }] }]],
    );
    const switchTitle = async () => {
      const actions = (await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic], only: ['quickfix'] },
      })) as CodeAction[];
      return actions.find((action) => action.title.startsWith('Switch to'))?.title ?? '';
    };
    assert.match(await switchTitle(), /assuming 1 CPU, 1G, no host declared/);

    writeFileSync(join(root, '.deploylint.ini'), '[host]\ncpus = 4\nmemory = 8G\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(root, '.deploylint.ini')).href, type: 1 }] });
    let title = '';
    for (let attempt = 0; attempt < 50 && !title.includes('(4 CPUs, 8G:'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      title = await switchTitle();
    }
    assert.match(title, /^Switch to \d+ gthread workers × \d+ threads \(4 CPUs, 8G: /);
  });
});

describe('deploylint-language-server: the deployment files of the folders', function () {
  this.timeout(30_000);
  let root: string;
  let client: TestClient;
  serverPerSuite('deploylint-lsp-folder-', (server) => ({ root, client } = server), {
    prepare: (folder) => {
      mkdirSync(join(folder, 'deploy'));
      // A machine with a gunicorn on 9000 (the unit) and one on 8000 (the config beside the site).
      writeFileSync(join(folder, 'deploy', 'api.service'), '[Service]\nExecStart=/usr/bin/gunicorn --bind 127.0.0.1:9000 api:app\n');
      writeFileSync(join(folder, 'deploy', 'gunicorn_web.conf.py'), 'bind = "127.0.0.1:8000"\n');
    },
  });

  it('judges an open site against the gunicorn config beside it, open or not, and reads the folder again on save', async () => {
    const site = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n';
    const uri = client.open(join(root, 'deploy', 'web.nginx'), site, 'nginx');
    const mismatches = (list: { code?: number | string }[]) => list.filter((diagnostic) => diagnostic.code === 'stack/proxy-target-mismatch').length;
    const before = await client.diagnosticsFor(uri);
    assert.equal(mismatches(before), 0, JSON.stringify(before));
    // The config moves to 8001 on disk; this client reports no file changes, so a save is what makes the server read the folder again.
    writeFileSync(join(root, 'deploy', 'gunicorn_web.conf.py'), 'bind = "127.0.0.1:8001"\n');
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    const after = await client.diagnosticsFor(uri, (list) => mismatches(list) === 1);
    assert.deepEqual(after.filter((diagnostic) => diagnostic.code === 'stack/proxy-target-mismatch').map((diagnostic) => diagnostic.range.start.line), [3]);
  });
});

describe('deploylint-language-server: fix all in workspace', function () {
  this.timeout(30_000);
  let root: string;
  let client: TestClient;
  serverPerSuite('deploylint-fixall-', (server) => ({ root, client } = server), {
    prepare: (folder) => {
      mkdirSync(join(folder, 'site'));
      writeFileSync(join(folder, 'site', 'gunicorn.conf.py'), 'workers = 2\nworkers = 4\n');
      writeFileSync(join(folder, 'gunicorn_edited.conf.py'), 'timeout = 30\n');
    },
  });

  it('sends every safe fix of the folder, files on disk and unsaved editors alike, as one edit to confirm', async () => {
    // The editor holds unsaved text that differs from the disk: the fix applies to what the user sees.
    const edited = client.open(join(root, 'gunicorn_edited.conf.py'), 'timeout = 10\ntimeout = 20\n', 'python', 7);
    await client.diagnosticsFor(edited, (list) => list.length === 1);
    const result = await client.connection.sendRequest('workspace/executeCommand', { command: 'deploylint.fixAllInWorkspace' });
    assert.deepEqual(result, { files: 2, fixes: 2, applied: true });
    assert.equal(client.appliedEdits.length, 1);
    const { label, edit } = client.appliedEdits[0]! as { label: string; edit: { documentChanges: { textDocument: { uri: string; version: number | null }; edits: { range: unknown; newText: string; annotationId: string }[] }[]; changeAnnotations: Record<string, unknown> } };
    assert.equal(label, 'deploylint: 2 fixes in 2 files');
    const byUri = new Map(edit.documentChanges.map((change) => [change.textDocument.uri, change]));
    const onDisk = byUri.get(pathToFileURL(join(root, 'site', 'gunicorn.conf.py')).href)!;
    assert.equal(onDisk.textDocument.version, null);
    // Whole lines, as the preview shows them: the two lines become the one that counts.
    assert.deepEqual(onDisk.edits.map(({ range, newText }) => ({ range, newText })), [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, newText: 'workers = 4\n' }]);
    const open = byUri.get(edited)!;
    assert.equal(open.textDocument.version, 7);
    assert.deepEqual(open.edits.map(({ range, newText }) => ({ range, newText })), [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, newText: 'timeout = 20\n' }]);
    assert.deepEqual(edit.changeAnnotations[onDisk.edits[0]!.annotationId], { label: '1 deploylint fix', description: 'Remove the dead assignment of workers', needsConfirmation: true });
    assert.deepEqual(edit.changeAnnotations[open.edits[0]!.annotationId], { label: '1 deploylint fix', description: 'Remove the dead assignment of timeout', needsConfirmation: true });
  });
});

describe('deploylint-language-server: the host in view', function () {
  this.timeout(30_000);
  let root: string;
  let client: TestClient;
  serverPerSuite('deploylint-host-', (server) => ({ root, client } = server));

  it('sums up the machine of a file, and writes the host file the user declares', async () => {
    const unit = client.open(join(root, 'app.service'), '[Service]\nExecStart=/usr/bin/gunicorn app:app\n', 'systemd-unit-file');
    await client.diagnosticsFor(unit);
    const before = (await client.connection.sendRequest('deploylint/host', { uri: unit })) as { text: string; tooltip: string; hostFile?: string };
    assert.equal(before.text, 'host: not declared');
    assert.equal(before.hostFile, undefined);
    assert.match(before.tooltip, /^No machine declared: sized fixes assume 1 CPU, 1G\./);
    assert.equal(await client.connection.sendRequest('deploylint/host', { uri: pathToFileURL(join(root, 'notes.txt')).href }), null);

    const written = await client.connection.sendRequest('workspace/executeCommand', {
      command: 'deploylint.writeHostFile',
      arguments: [{ folder: pathToFileURL(root).href, cpus: 2, memory: '4G', distro: 'debian-12' }],
    });
    const path = join(root, '.deploylint.ini');
    assert.deepEqual(written, { path });
    const { edit } = client.appliedEdits.at(-1)! as { edit: { documentChanges: [{ kind: string; uri: string }, { edits: { newText: string }[] }] } };
    assert.deepEqual([edit.documentChanges[0].kind, edit.documentChanges[0].uri], ['create', pathToFileURL(path).href]);
    const text = edit.documentChanges[1].edits[0]!.newText;
    assert.match(text, /^\[host\]\ncpus = 2\nmemory = 4G\ndistro = debian-12\n$/m);

    // The editor applies the edit: the file exists, and the file watcher says so.
    writeFileSync(path, text);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path).href, type: 1 }] });
    const after = (await client.connection.sendRequest('deploylint/host', { uri: unit })) as { text: string; tooltip: string; hostFile?: string };
    assert.deepEqual([after.text, after.hostFile], ['2 CPUs · 4G · debian-12', path]);
    assert.match(after.tooltip, new RegExp(`^Declared by ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`));
    assert.match(after.tooltip, /Checked against gunicorn 20\.1\.0, systemd 252, nginx 1\.22\.1\.$/);

    const refused = await client.connection.sendRequest('workspace/executeCommand', { command: 'deploylint.writeHostFile', arguments: [{ folder: pathToFileURL(root).href, cpus: 0, memory: 'lots' }] });
    assert.equal(refused, null);
  });
});

