import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../server/src/cli/main';
import { requireOracle } from '../helpers/oracles';

interface JsonFinding {
  rule: string;
  message: string;
  range: { start: { line: number } };
  fixes: { title: string; edits: { path: string; newText: string }[] }[];
}

function check(paths: string[], cwd = process.cwd()): { path: string; findings: JsonFinding[] }[] {
  let stdout = '';
  run(['--format', 'json', '--fail-on', 'none', ...paths], { stdout: (text) => (stdout += text), stderr: () => undefined, isTerminal: false, cwd });
  return JSON.parse(stdout).files;
}

const gunicornFindings = (files: { path: string; findings: JsonFinding[] }[], path: string) =>
  files.find((file) => file.path === path)!.findings.filter((finding) => finding.rule.startsWith('gunicorn/'));

/** Issue 4's acceptance on the seed systems, each with the host its .deploylint.ini declares. */
describe('gunicorn rules on the seed systems', () => {
  const files = check(['examples']);

  it('netflow dashboard (seed 000: 4 CPUs, 1 GiB, UDP receiver): the dev server becomes 1 gthread worker × 8 threads', () => {
    const [finding] = gunicornFindings(files, 'examples/netflow-dashboard/netflow-dashboard.service');
    assert.equal(finding?.rule, 'gunicorn/dev-server-in-production');
    assert.equal(finding.fixes[0]!.title, 'Run it with gunicorn, 1 gthread worker × 8 threads (4 CPUs, 1G: 1 worker (the app must run once); threads = 4 × 4 CPUs, 2 to 8 = 8)');
    assert.equal(
      finding.fixes[0]!.edits[0]!.newText,
      '/usr/bin/python3 -m gunicorn --workers 1 --threads 8 --worker-class gthread --bind 0.0.0.0:8080 netflow-dashboard:app',
    );
  });

  it('Lernmanager (seed 004: 1 CPU, 1 GiB): threads-with-sync, and worker_connections is not called ignored', () => {
    const rules = gunicornFindings(files, 'examples/lernmanager/lernmanager.service').map((finding) => finding.rule);
    assert.ok(rules.includes('gunicorn/threads-with-sync'), rules.join(', '));
    assert.ok(!rules.includes('gunicorn/worker-connections-ignored'), rules.join(', '));
  });

  it('NetMonitor (seed 001): 4 workers for a Flask-SocketIO app without a message queue', () => {
    const finding = gunicornFindings(files, 'examples/netmonitor/netmonitor-dashboard.service').find((f) => f.rule === 'gunicorn/socketio-needs-single-worker');
    assert.ok(finding);
    assert.match(finding.message, /^4 workers serve a Flask-SocketIO app without a message queue/);
  });

  it('PXE server (seed 002): duplicates, the unknown max_worker_memory, worker_connections under sync, umask = 0, pre_fork reading worker.pid', () => {
    const lines = gunicornFindings(files, 'examples/nutanix-pxe/gunicorn.conf.py').map((finding) => `${finding.range.start.line + 1} ${finding.rule}`);
    for (const expected of [
      '11 gunicorn/worker-connections-ignored',
      '29 gunicorn/duplicate-setting',
      '47 gunicorn/duplicate-setting',
      '48 gunicorn/duplicate-setting',
      '47 gunicorn/unknown-setting',
      '53 gunicorn/umask-world-writable',
      '78 gunicorn/hook-reads-worker-pid-before-fork',
    ]) {
      assert.ok(lines.includes(expected), `${expected} missing from ${lines.join(', ')}`);
    }
  });
});

describe('--fix on a seed system with a declared machine', () => {
  it('NetMonitor (seed 001: 4 CPUs, 1 GiB, 250M workers): the sized worker count is applied, and a second run no longer reports it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'deploylint-seed-'));
    try {
      cpSync('examples/netmonitor', folder, { recursive: true });
      const unitPath = join(folder, 'netmonitor-dashboard.service');
      const before = check([folder], folder).find((file) => file.path.endsWith('.service'))!.findings.map((f) => f.rule);
      assert.ok(before.includes('gunicorn/workers-exceed-memory'), before.join(', '));
      run(['--fix', '--fail-on', 'none', folder], { stdout: () => undefined, stderr: () => undefined, isTerminal: false, cwd: folder });
      assert.match(readFileSync(unitPath, 'utf8'), /--worker-class eventlet --workers 1 \\\n/);
      const after = check([folder], folder).find((file) => file.path.endsWith('.service'))!.findings.map((f) => f.rule);
      for (const fixed of ['gunicorn/workers-exceed-memory', 'gunicorn/socketio-needs-single-worker']) assert.ok(!after.includes(fixed), after.join(', '));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('fixed gunicorn files still load in real gunicorn', function () {
  this.timeout(60_000);

  it('the PXE config with every safe fix applied passes py_compile and gunicorn --check-config', function () {
    if (!requireOracle(this, 'gunicorn', ['--version'])) return;
    const folder = mkdtempSync(join(tmpdir(), 'deploylint-gunicorn-'));
    try {
      cpSync('examples/nutanix-pxe', folder, { recursive: true });
      const configPath = join(folder, 'gunicorn.conf.py');
      let stdout = '';
      run(['--fix', '--fail-on', 'none', folder], { stdout: (text) => (stdout += text), stderr: () => undefined, isTerminal: false, cwd: folder });
      const fixed = readFileSync(configPath, 'utf8');
      assert.ok(!/^worker_connections/m.test(fixed), 'the ignored worker_connections is gone');
      const again = check([folder], folder).find((file) => file.path.endsWith('gunicorn.conf.py'))!.findings.map((f) => f.rule);
      assert.ok(!again.includes('gunicorn/worker-connections-ignored') && !again.includes('gunicorn/duplicate-setting'), again.join(', '));

      // Paths of the seed's machine do not exist here: point them at the temporary folder.
      const runnable = fixed
        .replace(/"\/var\/log\/nutanix-pxe\//g, `"${folder}/`)
        .replace(/"\/var\/run\/nutanix-pxe\//g, `"${folder}/`)
        .replace(/"\/opt\/nutanix-pxe"/g, `"${folder}"`)
        .replace(/^(user|group) = .*$/gm, '');
      writeFileSync(configPath, runnable);
      writeFileSync(join(folder, 'app.py'), 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"ok"]\n');
      const compiled = spawnSync('python3', ['-m', 'py_compile', configPath], { encoding: 'utf8' });
      assert.equal(compiled.status, 0, compiled.stderr);
      const checked = spawnSync('gunicorn', ['--check-config', '-c', configPath, 'app:app'], { cwd: folder, encoding: 'utf8' });
      assert.equal(checked.status, 0, `${checked.stdout}${checked.stderr}`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
