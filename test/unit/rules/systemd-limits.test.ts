import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyEdits } from '../../../server/src/core/text/edits';
import { assertFixRoundTrip, findingsOf, lint, seen, type LintSetup } from '../../helpers/lint';
import { requireOracle } from '../../helpers/oracles';
import { verifyMessages } from '../../helpers/systemd-verify';

const UNIT = '/srv/app/app.service';
const CONFIG = '/srv/app/gunicorn.conf.py';
const seed = (path: string) => readFileSync(path, 'utf8');
const netflow = seed('examples/netflow-dashboard/netflow-dashboard.service');
const netflowHost = { '/srv/app/.deploylint.ini': seed('examples/netflow-dashboard/.deploylint.ini') };
const unit = (service: string, unitSection = '') => `[Unit]\nDescription=app\n${unitSection}\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`;

/** Applies the first fix of a rule's finding to the unit. */
function fixed(rule: string, path: string, text: string, setup: LintSetup = {}): string {
  const [finding] = findingsOf(rule, path, text, setup);
  assert.ok(finding?.fixes[0], `a ${rule} finding with a fix`);
  return applyEdits(text, finding.fixes[0].edits.filter((edit) => edit.path === path))!;
}

describe('systemd/restart-without-backoff', () => {
  const rule = 'systemd/restart-without-backoff';

  it('flags the netflow seed (Restart=always, no delay) and adds the delay and the start limits', () => {
    assert.deepEqual(seen(rule, UNIT, netflow), [
      {
        underlined: 'Restart=always',
        severity: 'warning',
        message:
          "Restart=always with systemd's default RestartSec=100ms: a service that fails at start is restarted 5 times within half a second, hits the default start limit (5 starts in 10 s) and then stays failed until someone runs systemctl reset-failed",
      },
    ]);
    const after = assertFixRoundTrip(rule, UNIT, netflow);
    assert.match(after, /\[Unit\]\nDescription=NetFlow Dashboard\nAfter=network\.target\nStartLimitIntervalSec=60\nStartLimitBurst=5\n/);
    assert.match(after, /\nRestart=always\nRestartSec=5s\nRestartSteps=5\nRestartMaxDelaySec=60s\n/);
  });

  it('adds RestartSteps= only where the target systemd has it (254)', () => {
    const [finding] = findingsOf(rule, UNIT, netflow, { host: { distro: 'debian-12', versions: {} } });
    assert.equal(finding!.fixes[0]!.title, 'Add RestartSec=5s, StartLimitIntervalSec=60, StartLimitBurst=5 (RestartSteps= needs systemd 254; the target is 252)');
  });

  it('informs when a delay is set but no start limit, and is quiet with both, or with Restart=no', () => {
    const delayed = unit('ExecStart=/usr/bin/gunicorn app:app\nRestart=on-failure\nRestartSec=5\n');
    assert.deepEqual(seen(rule, UNIT, delayed).map((f) => [f.severity, f.message]), [
      ['info', 'Restart=on-failure without StartLimitIntervalSec= and StartLimitBurst= in [Unit]: with RestartSec=5 the default limit (5 starts in 10 s) is never reached, so a service that cannot start is restarted forever'],
    ]);
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nRestart=on-failure\nRestartSec=5\n', 'StartLimitIntervalSec=60\nStartLimitBurst=5\n')), []);
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nRestart=no\n')), []);
  });

  it('reads drop-ins: a delay set in one silences it, and a finding about a Restart= set there lands there', () => {
    const dropIn = '/srv/app/app.service.d/10-restart.conf';
    const plain = unit('ExecStart=/usr/bin/gunicorn app:app\n', 'StartLimitIntervalSec=60\nStartLimitBurst=5\n');
    assert.deepEqual(seen(rule, UNIT, plain, { others: { [dropIn]: '[Service]\nRestart=always\nRestartSec=10s\n' } }), []);
    const quick = '[Service]\nRestart=always\n';
    assert.deepEqual(seen(rule, dropIn, quick, { others: { [UNIT]: plain } }).map((f) => f.underlined), ['Restart=always']);
    assert.deepEqual(seen(rule, UNIT, plain, { others: { [dropIn]: quick } }), []);
  });
});

describe('systemd/no-resource-limits', () => {
  const rule = 'systemd/no-resource-limits';

  it('gives the netflow seed (4 CPU, 1 GiB) the sized limits of host-spec.md', () => {
    const [finding] = findingsOf(rule, UNIT, netflow, { others: netflowHost });
    assert.equal(
      finding!.message,
      'app.service serves the web with no MemoryMax=, TasksMax= or LimitNOFILE=: a leak or a burst of requests is stopped only when the kernel runs out and kills whatever it picks on the machine',
    );
    assert.match(finding!.fixes[0]!.title, /^Add MemoryMax=512M, MemoryHigh=400M, TasksMax=100, LimitNOFILE=65536 \(4 CPUs, 1G: MemoryMax = ⅔ of 768M usable = 512M; MemoryHigh = 80% of 512M = 400M; TasksMax = max\(100, /);
    assert.equal(finding!.fixes[0]!.safe, true);
    const after = assertFixRoundTrip(rule, UNIT, netflow, { setup: { others: netflowHost } });
    assert.match(after, /\nRestart=always\n\[?/);
    assert.match(after, /MemoryMax=512M\nMemoryHigh=400M\nTasksMax=100\nLimitNOFILE=65536\n/);
  });

  it('sizes TasksMax from the workers and threads the unit starts', () => {
    const text = unit('ExecStart=/usr/bin/gunicorn --workers 8 --threads 8 app:app\nMemoryMax=1G\nLimitNOFILE=65536\n');
    const [finding] = findingsOf(rule, UNIT, text);
    assert.match(finding!.fixes[0]!.title, /^Add TasksMax=178 \(assuming 1 CPU, 1G, no host declared: TasksMax = max\(100, 2 × \(1 \+ 8 × \(8 \+ 3\)\)\) = 178\)$/);
  });

  it('is quiet for units that serve no web app, and once the limits are set in a drop-in', () => {
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/rsync -a /a /b\n')), []);
    const web = unit('ExecStart=/usr/bin/gunicorn app:app\n');
    assert.deepEqual(seen(rule, UNIT, web, { others: { '/srv/app/app.service.d/limits.conf': '[Service]\nMemoryMax=512M\nTasksMax=100\nLimitNOFILE=65536\n' } }), []);
  });
});

describe('systemd/stop-timeout-below-graceful', () => {
  const rule = 'systemd/stop-timeout-below-graceful';

  it("flags the PXE seed: TimeoutStopSec=5 against graceful_timeout = 30 in the config the unit runs", () => {
    const pxeUnit = seed('examples/nutanix-pxe/nutanix-pxe.service');
    const others = { '/opt/nutanix-pxe/gunicorn.conf.py': seed('examples/nutanix-pxe/gunicorn.conf.py') };
    const path = '/opt/nutanix-pxe/nutanix-pxe.service';
    const found = findingsOf(rule, path, pxeUnit, { others });
    assert.deepEqual(
      found.map((f) => f.message),
      ['TimeoutStopSec=5 is shorter than graceful_timeout = 30 s (gunicorn.conf.py:19): at every stop or restart systemd kills the workers after 5 s while they are still finishing requests'],
    );
    assert.deepEqual(found[0]!.related.map((related) => [related.path, related.range.start.line + 1]), [['/opt/nutanix-pxe/gunicorn.conf.py', 19]]);
    assert.match(assertFixRoundTrip(rule, path, pxeUnit, { setup: { others } }), /\nTimeoutStopSec=35s\n/);
  });

  it("uses gunicorn's default graceful_timeout of 30 s, and is quiet at or above it", () => {
    assert.deepEqual(
      seen(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutStopSec=10s\n')).map((f) => f.underlined),
      ['TimeoutStopSec=10s'],
    );
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn --graceful-timeout 5 app:app\nTimeoutStopSec=10s\n')), []);
    assert.deepEqual(seen(rule, CONFIG, 'graceful_timeout = 60\n'), []);
  });
});

describe('fixed units pass systemd-analyze verify with nothing new', function () {
  this.timeout(60_000);
  const cases: [string, string, Record<string, string>][] = [
    ['systemd/restart-without-backoff', netflow, {}],
    ['systemd/no-resource-limits', netflow, netflowHost],
    ['systemd/stop-timeout-below-graceful', unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutStopSec=10s\n'), {}],
  ];
  for (const [rule, text, others] of cases) {
    it(rule, function () {
      if (!requireOracle(this, 'systemd-analyze')) return;
      // The fixes are written for the systemd that verifies them.
      const installed = /^systemd (\d+)/.exec(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }))![1]!;
      const setup: LintSetup = { others, host: { versions: { systemd: installed } } };
      // Programs that exist here, so verify judges the unit and not this machine.
      const runnable = (unitText: string) => unitText.replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true').replace(/^WorkingDirectory=.*$/m, 'WorkingDirectory=/tmp');
      const before = verifyMessages('app.service', runnable(text));
      const after = verifyMessages('app.service', runnable(fixed(rule, UNIT, text, setup)));
      assert.deepEqual(after.filter((line) => !before.includes(line)), []);
      assert.ok(lint(UNIT, text, setup).some((finding) => finding.rule === rule));
    });
  }
});
