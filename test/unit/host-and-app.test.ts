import assert from 'node:assert/strict';
import { DeployedFiles } from '../../server/src/core/engine/deployed-paths';
import { analyzeAppModule } from '../../server/src/core/formats/python/app-module';
import { parseHostIni } from '../../server/src/core/host/ini-file';
import { resolveHost } from '../../server/src/core/host/resolve';

const NEWEST = { gunicorn: '26.1.0', systemd: '258', nginx: '1.28.0', python: '3.13' };

describe('.deploylint.ini', () => {
  it('reads the example of docs/host.md, inline comments and all', () => {
    const { spec, problems } = parseHostIni('[host]\ncpus = 1\nmemory = 1G            ; K/M/G are base 1024\ndistro = debian-12\ncontainer = false\n\n[versions]\ngunicorn = 23.0\n\n[app]\nworker_memory = 120M\nworkload = io\n\n[rules]\nsystemd/runs-as-root = off\n');
    assert.deepEqual(problems, []);
    assert.deepEqual(spec, { cpus: 1, memoryMiB: 1024, distro: 'debian-12', container: false, workerMemoryMiB: 120, workload: 'io', versions: { gunicorn: '23.0' }, rules: { 'systemd/runs-as-root': 'off' } });
  });

  it('underlines what is wrong: the unknown key, the bad size, cpus of 0, the unknown distro', () => {
    const text = '[host]\ncpu = 2\nmemory = lots\ncpus = 0\ndistro = debian12\n';
    const seen = parseHostIni(text).problems.map((problem) => `${text.slice(problem.span.start, problem.span.end)} | ${problem.rule} | ${problem.message}`);
    assert.deepEqual(seen, [
      'cpu | hostspec/unknown-key | "cpu" is not a key of [host] (it has cpus, memory, distro, container); did you mean "cpus"?',
      'lots | hostspec/invalid-value | memory must be a size such as 512M or 1G (K, M, G, T are powers of 1024), not "lots"',
      '0 | hostspec/invalid-value | cpus must be a whole number of at least 1, not "0"',
      'debian12 | hostspec/invalid-value | "debian12" is no distro deploylint knows (debian-11, debian-12, debian-13, ubuntu-22.04, ubuntu-24.04); did you mean "debian-12"?',
    ]);
  });

  it('never throws on arbitrary text', () => {
    for (const text of ['[', '=', '[host\ncpus', 'a = b = c', '\u0000\uFFFF[host]\n=1', '[rules]\n= off']) assert.doesNotThrow(() => parseHostIni(text));
  });
});

describe('resolving the host', () => {
  it('takes each field from the nearest declaration, versions from the distro unless given', () => {
    const host = resolveHost(
      [
        { spec: { cpus: 4, versions: {} }, origin: 'the comment on line 1' },
        { spec: { cpus: 1, memoryMiB: 1024, distro: 'debian-12', versions: { gunicorn: '23.0' } }, origin: '/srv/.deploylint.ini' },
      ],
      NEWEST,
    );
    assert.deepEqual([host.cpus, host.memoryMiB, host.declaredBy], [4, 1024, 'the comment on line 1']);
    assert.deepEqual([host.targets.gunicorn, host.targets.systemd, host.targets.nginx], ['23.0', '252', '1.22.1']);
    assert.equal(host.targets.origin, 'debian-12 with gunicorn 23.0 (from /srv/.deploylint.ini)');
    assert.deepEqual([...host.assumed].sort(), ['worker_memory', 'workload']);
  });

  it('assumes 1 CPU and 1 GiB, and says so, when nothing is declared', () => {
    const host = resolveHost([], NEWEST);
    assert.deepEqual([host.cpus, host.memoryMiB, host.targets.origin], [1, 1024, 'newest known']);
    assert.ok(host.assumed.has('cpus') && host.assumed.has('memory'));
  });
});

describe('deployed paths', () => {
  const workspace = new DeployedFiles(['/home/me/app/deploy/gunicorn.conf.py', '/home/me/other/gunicorn.conf.py']);
  it('matches /opt/app/deploy/gunicorn.conf.py by its relative path, and refuses to guess between equals', () => {
    assert.deepEqual(workspace.match('/opt/app/deploy/gunicorn.conf.py'), { path: '/home/me/app/deploy/gunicorn.conf.py', how: 'same relative path' });
    assert.equal(workspace.match('/srv/gunicorn.conf.py'), undefined);
    assert.deepEqual(workspace.match('/srv/gunicorn.conf.py', '/home/me/other'), { path: '/home/me/other/gunicorn.conf.py', how: 'same name' });
    assert.equal(workspace.match('/srv/app.py'), undefined);
  });

  it('takes the longest shared tail as the match, and the launcher\'s folder only to break a tie', () => {
    const apps = new DeployedFiles(['/w/a/app/gunicorn.conf.py', '/w/b/app/gunicorn.conf.py', '/w/c/site/gunicorn.conf.py']);
    assert.equal(apps.match('/srv/app/gunicorn.conf.py'), undefined);
    assert.deepEqual(apps.match('/srv/app/gunicorn.conf.py', '/w/b/app'), { path: '/w/b/app/gunicorn.conf.py', how: 'same relative path' });
    assert.deepEqual(apps.match('/opt/b/app/gunicorn.conf.py', '/w/a/app'), { path: '/w/b/app/gunicorn.conf.py', how: 'same relative path' });
    assert.deepEqual(apps.match('site/gunicorn.conf.py'), { path: '/w/c/site/gunicorn.conf.py', how: 'same relative path' });
  });
});

describe('reading the app module (never running it)', () => {
  const facts = (text: string) => analyzeAppModule(text);
  const underlined = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

  it('a UDP receiver started in a thread at import time, and app.run only under the main guard', () => {
    const text = 'import socket, threading\nfrom flask import Flask\napp = Flask(__name__)\ndef listen():\n    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n    s.bind(("0.0.0.0", 514))\nthreading.Thread(target=listen, daemon=True).start()\nif __name__ == "__main__":\n    app.run(port=8080)\n';
    const found = facts(text);
    assert.deepEqual(found.udpReceivers.map((r) => [underlined(text, r.span), r.port, r.guarded]), [['socket.socket(socket.AF_INET, socket.SOCK_DGRAM)', 514, false]]);
    assert.deepEqual(found.backgroundWorkers.map((w) => [w.description, w.guarded]), [['threading.Thread', false]]);
    assert.deepEqual(found.devServerRuns.map((r) => [r.call, r.guarded, r.port, r.framework]), [['app.run()', true, 8080, 'flask']]);
    assert.deepEqual([...found.callables.keys()], ['app']);
  });

  it('code in a request handler does not run at import', () => {
    const found = facts('import socketserver\ndef handler():\n    socketserver.UDPServer(("", 9999), H)\n');
    assert.deepEqual(found.udpReceivers, []);
  });

  it('Flask-SocketIO under an alias, with and without a message queue', () => {
    assert.deepEqual(facts('from flask_socketio import SocketIO as SIO\nsio = SIO(app)\n').socketio?.messageQueue, false);
    assert.deepEqual(facts('from flask_socketio import SocketIO\nsio = SocketIO(app, message_queue="redis://")\n').socketio?.messageQueue, true);
  });

  it('never throws on broken Python', () => {
    for (const text of ['def (', 'if __name__ ==', 'threading.Thread(target=).start(', '\u0000'.repeat(10), 'x = (' + '('.repeat(5000)]) {
      assert.doesNotThrow(() => analyzeAppModule(text));
    }
  });
});
