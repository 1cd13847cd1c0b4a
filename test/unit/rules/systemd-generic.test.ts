import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertFixRoundTrip, findingsOf, seen } from '../../helpers/lint';

const UNIT = '/etc/systemd/system/app.service';
/** Start limits in [Unit], so that a Restart= that a fix brings to life is not a restart loop. */
const LIMITS = 'Description=app\nStartLimitIntervalSec=60\nStartLimitBurst=5\n';
const unit = (service: string, unitSection = 'Description=app\n') => `[Unit]\n${unitSection}\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`;

describe('systemd/unknown-directive', () => {
  const rule = 'systemd/unknown-directive';

  it('flags an unknown key with a did-you-mean, and renames it', () => {
    const text = unit('ExecStart=/usr/bin/app\nRestartSecs=5\n');
    assert.deepEqual(seen(rule, UNIT, text), [
      { underlined: 'RestartSecs', message: 'Unknown key RestartSecs= in [Service]: systemd ignores it. Did you mean RestartSec=?', severity: 'error' },
    ]);
    assert.equal(assertFixRoundTrip(rule, UNIT, text), unit('ExecStart=/usr/bin/app\nRestartSec=5\n'));
  });

  it('flags a section the unit type does not have, and leaves X- extensions alone', () => {
    const text = `${unit('ExecStart=/usr/bin/app\nX-Custom=1\n')}\n[Socket]\nListenStream=80\n\n[X-Mine]\nAnything=goes\n`;
    assert.deepEqual(seen(rule, UNIT, text).map((f) => [f.underlined, f.message]), [
      ['[Socket]', 'Unknown section [Socket] for this unit type: systemd ignores it and every line in it'],
    ]);
  });
});

describe('systemd/wrong-section', () => {
  const rule = 'systemd/wrong-section';

  it('flags Restart= in [Unit] and moves it to [Service]', () => {
    // With a delay and start limits, the moved Restart= draws no restart-without-backoff of its own.
    const text = unit('ExecStart=/usr/bin/app\nRestartSec=5s\n', `${LIMITS}Restart=always\n`);
    assert.deepEqual(seen(rule, UNIT, text).map((f) => [f.underlined, f.message]), [
      ['Restart', 'Restart= belongs in [Service], not [Unit]: systemd ignores it here'],
    ]);
    assert.equal(assertFixRoundTrip(rule, UNIT, text), unit('ExecStart=/usr/bin/app\nRestartSec=5s\nRestart=always\n', LIMITS));
  });

  it('is silent on keys in their own sections, and on keys no section knows', () => {
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/app\nRestart=always\nNotAKey=1\n', 'Description=app\nAfter=network.target\n')), []);
  });
});

describe('systemd/not-in-target-version', () => {
  const rule = 'systemd/not-in-target-version';
  const text = unit('ExecStart=/usr/bin/app\nRestart=on-failure\nRestartSteps=5\n');

  it('knows RestartSteps= needs systemd 254', () => {
    assert.deepEqual(seen(rule, UNIT, text, { host: { versions: { systemd: '252' } } }), [
      { underlined: 'RestartSteps', message: 'RestartSteps= does not work in systemd 252 (added in 254): it is ignored', severity: 'error' },
    ]);
    assert.deepEqual(seen(rule, UNIT, text, { host: { versions: { systemd: '254' } } }), []);
  });

  it('removes it on request', () => {
    assert.equal(
      assertFixRoundTrip(rule, UNIT, text, { setup: { host: { versions: { systemd: '252' } } } }),
      unit('ExecStart=/usr/bin/app\nRestart=on-failure\n'),
    );
  });
});

describe('systemd/deprecated-directive', () => {
  const rule = 'systemd/deprecated-directive';

  it('renames MemoryLimit= to MemoryMax=, safely', () => {
    const text = unit('ExecStart=/usr/bin/app\nMemoryLimit=512M\n');
    const [finding] = findingsOf(rule, UNIT, text, { host: { versions: { systemd: '252' } } });
    assert.equal(finding!.message, 'MemoryLimit= in [Service] is deprecated since systemd 231: use MemoryMax=');
    assert.equal(finding!.fixes[0]!.safe, true);
    assert.equal(assertFixRoundTrip(rule, UNIT, text, { setup: { host: { versions: { systemd: '252' } } } }), unit('ExecStart=/usr/bin/app\nMemoryMax=512M\n'));
  });

  it('moves StartLimitBurst= from [Service] to [Unit]', () => {
    const text = unit('ExecStart=/usr/bin/app\nStartLimitBurst=5\n');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => f.message), ['StartLimitBurst= in [Service] is deprecated since systemd 229: StartLimitBurst= belongs in [Unit]']);
    assert.equal(assertFixRoundTrip(rule, UNIT, text), unit('ExecStart=/usr/bin/app\n', 'Description=app\nStartLimitBurst=5\n'));
  });

  it('replaces PermissionsStartOnly=yes with "+" on the other Exec lines', () => {
    const text = unit('User=app\nPermissionsStartOnly=true\nExecStartPre=/usr/bin/mkdir -p /run/app\nExecStart=/usr/bin/app\n');
    assert.equal(assertFixRoundTrip(rule, UNIT, text), unit('User=app\nExecStartPre=+/usr/bin/mkdir -p /run/app\nExecStart=/usr/bin/app\n'));
  });

  it('warns about KillMode=none', () => {
    assert.equal(seen(rule, UNIT, unit('ExecStart=/usr/bin/app\nKillMode=none\n'))[0]?.underlined, 'none');
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/app\nKillMode=mixed\n')), []);
  });
});

describe('systemd/duplicate-directive', () => {
  const rule = 'systemd/duplicate-directive';

  it('flags a single-valued key set twice, naming the value that counts', () => {
    const text = unit('ExecStart=/usr/bin/app\nTimeoutStopSec=5\nRestart=always\nTimeoutStopSec=30\n');
    assert.deepEqual(seen(rule, UNIT, text), [
      { underlined: 'TimeoutStopSec=5', message: 'TimeoutStopSec= is set again on line 8, so this value is ignored: systemd uses 30', severity: 'error' },
    ]);
    assert.equal(assertFixRoundTrip(rule, UNIT, text), unit('ExecStart=/usr/bin/app\nRestart=always\nTimeoutStopSec=30\n'));
  });

  it('leaves lists, and resets followed by a value, alone', () => {
    assert.deepEqual(seen(rule, UNIT, unit('Environment=A=1\nEnvironment=B=2\nExecStartPre=/bin/true\nExecStartPre=/bin/true\nUser=\nUser=app\nExecStart=/usr/bin/app\n')), []);
  });
});

describe('systemd/invalid-value', () => {
  const rule = 'systemd/invalid-value';

  it('checks words, time spans, sizes, booleans and absolute paths as systemd parses them', () => {
    const text = unit('ExecStart=/usr/bin/app\nRestart=sometimes\nRestartSec=5 sekunden\nMemoryMax=12X\nNoNewPrivileges=maybe\nWorkingDirectory=relative/dir\n');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => [f.underlined, f.message]), [
      ['sometimes', 'Restart=sometimes: not one of no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, always; systemd ignores this assignment'],
      ['5 sekunden', 'RestartSec=5 sekunden: not a time span (such as 30, 5s, 1min 30s, 500ms or infinity); systemd ignores this assignment'],
      ['12X', 'MemoryMax=12X: not a size (such as 512M, 1G, 50% or infinity); systemd ignores this assignment'],
      ['maybe', 'NoNewPrivileges=maybe: not a boolean (yes/no, true/false, on/off, 1/0); systemd ignores this assignment'],
      ['relative/dir', 'WorkingDirectory=relative/dir: not an absolute path; systemd ignores this assignment'],
    ]);
  });

  it('accepts what systemd accepts', () => {
    const text = unit(
      'ExecStart=/usr/bin/app\nRestart=on-failure\nRestartSec=1min 30s\nMemoryMax=50%\nMemoryHigh=400M\nPrivateTmp=yes\nProtectSystem=strict\nIOSchedulingClass=2\nStandardOutput=append:/var/log/app.log\nWorkingDirectory=-~\nTimeoutStopSec=infinity\nUser=%i\n',
    );
    assert.deepEqual(seen(rule, UNIT, text), []);
  });

  it('suggests the word meant', () => {
    assert.equal(
      assertFixRoundTrip(rule, UNIT, unit('ExecStart=/usr/bin/app\nRestart=on-failur\nRestartSec=5s\n', LIMITS)),
      unit('ExecStart=/usr/bin/app\nRestart=on-failure\nRestartSec=5s\n', LIMITS),
    );
  });
});

describe('systemd/syntax', () => {
  it('reports bad headers, lines without "=" and orphans, and checks on', () => {
    const text = 'Description=orphan\n[Service\nExecStart=/usr/bin/app\n[Service]\nNoEquals\nExecStart=/bin/echo "open\nRestartSecs=1\n';
    const findings = seen('systemd/syntax', UNIT, text);
    assert.deepEqual(findings.map((f) => f.underlined), ['Description=orphan', '[Service', 'NoEquals', '"']);
    assert.ok(findingsOf('systemd/unknown-directive', UNIT, text).length === 1, 'the rest is still checked');
  });

  it('finds nothing wrong with the seed units', () => {
    for (const path of ['examples/trunk8/trunk8.service', 'examples/nutanix-pxe/nutanix-pxe.service', 'examples/lernmanager/lernmanager.service']) {
      assert.deepEqual(seen('systemd/syntax', `/etc/systemd/system/${path.split('/').pop()}`, readFileSync(path, 'utf8')), [], path);
    }
  });
});
