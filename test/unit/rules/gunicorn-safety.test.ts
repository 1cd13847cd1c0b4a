import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyEdits } from '../../../server/src/core/text/edits';
import { assertGunicornLoads } from '../../helpers/gunicorn-loads';
import { assertFixRoundTrip, findingsOf, seen } from '../../helpers/lint';
import { requireOracle } from '../../helpers/oracles';

const CONFIG = '/srv/app/gunicorn.conf.py';
const UNIT = '/srv/app/app.service';
const pxe = readFileSync('examples/nutanix-pxe/gunicorn.conf.py', 'utf8');

const unitRunning = (command: string, service = '') => `[Unit]\nDescription=app\n\n[Service]\n${service}ExecStart=${command}\n\n[Install]\nWantedBy=multi-user.target\n`;
const unitWithConfig = (service = '') => ({ [UNIT]: unitRunning(`/usr/bin/gunicorn -c ${CONFIG} app:app`, service) });

/** The text of the fixed file, for checks that go beyond the round trip. */
function fixedBy(rule: string, path: string, text: string, others: Record<string, string> = {}, title?: RegExp): string {
  const [finding] = findingsOf(rule, path, text, { others });
  assert.ok(finding, `expected a ${rule} finding`);
  const fix = title ? finding.fixes.find((candidate) => title.test(candidate.title)) : finding.fixes[0];
  assert.ok(fix, `no fix on ${rule}`);
  return applyEdits(text, fix.edits.filter((edit) => edit.path === path))!;
}

/** The words of a Dockerfile's exec-form CMD, which must stay a JSON array. */
const execWords = (dockerfile: string) => JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]!) as string[];

describe('gunicorn/umask-world-writable', () => {
  const rule = 'gunicorn/umask-world-writable';

  it('warns about umask = 0 with a unix socket, and says what the socket becomes', () => {
    const text = 'bind = "unix:/run/app/app.sock"\numask = 0\n';
    assert.deepEqual(seen(rule, CONFIG, text), [
      {
        underlined: '0',
        severity: 'warning',
        message:
          'umask 0 leaves write permission for others: gunicorn creates the unix socket /run/app/app.sock as srwxrwxrwx, so any local user who can reach it can send requests straight to the app',
      },
    ]);
    const [finding] = findingsOf(rule, CONFIG, text);
    assert.deepEqual(
      finding!.fixes.map((fix) => [fix.title, fix.preferred ?? false]),
      [
        ['Set umask to 0o007 (owner and group keep access to the socket)', true],
        ['Set umask to 0o027 (others get no access)', false],
      ],
    );
  });

  it('judges a config only with the command lines of its own machine: a unit on another host does not read it', () => {
    // A unit without -c reads ./gunicorn.conf.py where it starts. The only file of that name
    // here sits under another machine's .deploylint.ini, so it is not this unit's: its umask
    // is not judged with the unit's unix socket.
    const config = 'bind = "127.0.0.1:8080"\numask = 0\n';
    const unitFile = { '/w/trunk8/trunk8.service': '[Service]\nWorkingDirectory=/opt/trunk8\nExecStart=/opt/trunk8/venv/bin/gunicorn --bind unix:/opt/trunk8/trunk8.sock app:app\n' };
    const twoMachines = { others: { ...unitFile, '/w/trunk8/.deploylint.ini': '[host]\ncpus = 1\n', '/w/pxe/.deploylint.ini': '[host]\ncpus = 2\n' } };
    assert.deepEqual(seen(rule, '/w/pxe/gunicorn.conf.py', config, twoMachines).map((finding) => finding.severity), ['info']);
    // With no host files, both are on one machine, and the unit reads it (a match by name, which hover shows).
    assert.deepEqual(seen(rule, '/w/pxe/gunicorn.conf.py', config, { others: unitFile }).map((finding) => finding.severity), ['warning']);
  });

  it('informs on the PXE config, which binds TCP only: there the mask changes nothing yet', () => {
    assert.deepEqual(seen(rule, CONFIG, pxe), [
      {
        underlined: '0',
        severity: 'info',
        message:
          'umask 0 leaves write permission for others; gunicorn binds no unix socket here (127.0.0.1:8080), so the umask changes nothing, but a unix socket bound with it would be created srwxrwxrwx',
      },
    ]);
  });

  it('leaves masks that keep others from writing, and the unwritten default, alone', () => {
    for (const text of ['umask = 0o007\n', 'umask = 0o022\n', 'umask = 0o027\nbind = "unix:/run/a.sock"\n', 'bind = "unix:/run/a.sock"\n']) {
      assert.deepEqual(seen(rule, CONFIG, text), [], text);
    }
  });

  it('reads a command-line mask as gunicorn does (auto_int: -m 20 is decimal) and points at the flag', () => {
    const unit = unitRunning('/usr/bin/gunicorn -b unix:/run/a.sock -m 20 app:app');
    assert.deepEqual(
      seen(rule, UNIT, unit).map((f) => [f.underlined, f.message]),
      [['-m 20', 'umask 20 (0o024) leaves write permission for others: gunicorn creates the unix socket /run/a.sock as srwxr-x-wx, so any local user who can reach it can send requests straight to the app']],
    );
    const fixed = assertFixRoundTrip(rule, UNIT, unit);
    assert.match(fixed, /ExecStart=\/usr\/bin\/gunicorn -b unix:\/run\/a\.sock -m 007 app:app/);
  });

  it('keeps a Dockerfile exec-form command valid JSON when it rewrites the mask', () => {
    const path = '/srv/app/Dockerfile';
    const dockerfile = 'FROM python:3.12\nCMD ["gunicorn", "-b", "unix:/tmp/app.sock", "-m", "0", "app:app"]\n';
    assert.deepEqual(execWords(fixedBy(rule, path, dockerfile)), ['gunicorn', '-b', 'unix:/tmp/app.sock', '-m', '007', 'app:app']);
  });

  it('round-trips in the config file, and gunicorn loads the fixed file', function () {
    const text = 'bind = "unix:/tmp/deploylint-app.sock"\numask = 0\n';
    const fixed = assertFixRoundTrip(rule, CONFIG, text);
    assert.equal(fixed, 'bind = "unix:/tmp/deploylint-app.sock"\numask = 0o007\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });
});

describe('gunicorn/daemon-under-systemd', () => {
  const rule = 'gunicorn/daemon-under-systemd';

  it('flags --daemon on ExecStart and removes it', () => {
    const unit = unitRunning('/usr/bin/gunicorn --daemon -b 127.0.0.1:8000 app:app');
    assert.deepEqual(seen(rule, UNIT, unit), [
      {
        underlined: '--daemon',
        severity: 'error',
        message:
          '--daemon makes gunicorn fork into the background, so the process systemd started exits at once: systemd takes that for the end of app.service (Type=simple, the default) and stops it, killing the daemonized server',
      },
    ]);
    const fixed = assertFixRoundTrip(rule, UNIT, unit);
    assert.match(fixed, /^ExecStart=\/usr\/bin\/gunicorn -b 127\.0\.0\.1:8000 app:app$/m);
  });

  it('finds daemon = True in the config a unit runs, and names the unit; Type=notify fails the start', () => {
    const found = findingsOf(rule, CONFIG, 'daemon = True\n', { others: unitWithConfig('Type=notify\n') });
    assert.deepEqual(
      found.map((f) => f.message),
      [
        'daemon = True makes gunicorn fork into the background, so the process systemd started exits before it sends READY=1: systemd fails the start of app.service (Type=notify), killing the daemonized server',
      ],
    );
    assert.deepEqual(
      found[0]!.related.map((related) => [related.path, related.message]),
      [[UNIT, 'app.service starts gunicorn here']],
    );
    const fixed = fixedBy(rule, CONFIG, 'daemon = True\n', unitWithConfig());
    assert.equal(fixed, 'daemon = False\n');
  });

  it('is quiet when a drop-in makes the unit Type=forking, and for a config no unit runs', () => {
    const dropIn = { '/srv/app/app.service.d/10-type.conf': '[Service]\nType=forking\n' };
    assert.deepEqual(seen(rule, UNIT, unitRunning('/usr/bin/gunicorn --daemon app:app'), { others: dropIn }), []);
    assert.deepEqual(seen(rule, CONFIG, 'daemon = True\n'), []);
  });
});

describe('gunicorn/reload-in-production', () => {
  const rule = 'gunicorn/reload-in-production';

  it('flags reload = True in a config a unit runs; the fixed file still loads', function () {
    const text = 'bind = "127.0.0.1:8000"\nreload = True\n';
    const found = seen(rule, CONFIG, text, { others: unitWithConfig() });
    assert.deepEqual(
      found.map((f) => [f.underlined, f.severity, f.message]),
      [
        [
          'True',
          'warning',
          "reload = True in a service started by app.service: every worker watches the app's files and restarts when one changes, so a deploy restarts workers while files are still being copied, and a syntax error is served to clients as a 500 with its traceback; reload is meant for development",
        ],
      ],
    );
    const fixed = assertFixRoundTrip(rule, CONFIG, text, { setup: { others: unitWithConfig() } });
    assert.equal(fixed, 'bind = "127.0.0.1:8000"\nreload = False\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });

  it('flags --reload in a Procfile, and keeps an exec-form CMD valid when removing it', () => {
    const procfile = 'web: gunicorn --reload app:app\n';
    assert.deepEqual(
      seen(rule, '/srv/app/Procfile', procfile).map((f) => [f.underlined, f.message.slice(0, 46)]),
      [['--reload', '--reload in a service started by the Procfile:']],
    );
    const dockerfile = 'FROM python:3.12\nCMD ["gunicorn", "--reload", "app:app"]\n';
    assert.deepEqual(execWords(fixedBy(rule, '/srv/app/Dockerfile', dockerfile)), ['gunicorn', 'app:app']);
  });

  it('leaves a config nobody starts as a service alone (a developer runs it by hand)', () => {
    assert.deepEqual(seen(rule, CONFIG, 'reload = True\n'), []);
  });
});

describe('gunicorn/hook-reads-worker-pid-before-fork', () => {
  const rule = 'gunicorn/hook-reads-worker-pid-before-fork';

  it('flags the PXE pre_fork hook; no rename there, since post_fork already exists', () => {
    const found = findingsOf(rule, CONFIG, pxe);
    assert.deepEqual(
      seen(rule, CONFIG, pxe).map((f) => [f.underlined, f.message]),
      [['worker.pid', 'pre_fork runs in the master before the worker process exists: worker.pid is still gunicorn\'s placeholder "[booting]" here, not a process id']],
    );
    assert.equal(found[0]!.range.start.line + 1, 78);
    assert.deepEqual(found[0]!.fixes, []);
  });

  it('renames a lone pre_fork to post_fork, and gunicorn loads the result', function () {
    const text = 'def pre_fork(server, worker):\n    server.log.info("worker %s", worker.pid)\n';
    const fixed = assertFixRoundTrip(rule, CONFIG, text);
    assert.equal(fixed, 'def post_fork(server, worker):\n    server.log.info("worker %s", worker.pid)\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });

  it('follows the parameter name and lambdas, and does not count an assignment as a read', () => {
    assert.deepEqual(
      seen(rule, CONFIG, 'pre_fork = lambda server, w: server.log.info("%s", w.pid)\n').map((f) => f.underlined),
      ['w.pid'],
    );
    assert.deepEqual(seen(rule, CONFIG, 'def pre_fork(server, worker):\n    worker.pid = 0\n'), []);
    assert.deepEqual(seen(rule, CONFIG, 'def post_fork(server, worker):\n    print(worker.pid)\n'), []);
  });
});
