import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../../server/src/core/engine/document';
import { mergeUnits } from '../../../server/src/core/engine/merged-unit';
import { loadKnowledge } from '../../../server/src/core/knowledge/tables';
import { exposureOf } from '../../../server/src/core/rules/systemd/exposure';
import { applyEdits } from '../../../server/src/core/text/edits';
import { assertFixRoundTrip, findingsOf, seen, type LintSetup } from '../../helpers/lint';
import { requireOracle } from '../../helpers/oracles';
import { verifyMessages } from '../../helpers/systemd-verify';

const rule = 'systemd/hardening';
const seed = (path: string) => readFileSync(path, 'utf8');
const knowledge = loadKnowledge();

const TRUNK8 = '/opt/trunk8/trunk8.service';
const trunk8 = seed('examples/trunk8/trunk8.service');
/** Trunk8's machine: debian-12, so systemd 252. */
const trunk8Setup: LintSetup = { others: { '/opt/trunk8/.deploylint.ini': seed('examples/trunk8/.deploylint.ini') } };

const PXE = '/opt/nutanix-pxe/nutanix-pxe.service';
const pxe = seed('examples/nutanix-pxe/nutanix-pxe.service');
const pxeSetup: LintSetup = {
  others: {
    '/opt/nutanix-pxe/gunicorn.conf.py': seed('examples/nutanix-pxe/gunicorn.conf.py'),
    '/opt/nutanix-pxe/.deploylint.ini': seed('examples/nutanix-pxe/.deploylint.ini'),
  },
};

const UNIT = '/srv/app/app.service';
const DROP_IN = '/srv/app/app.service.d/50-hardening.conf';
const DEBIAN_12: LintSetup = { host: { versions: { systemd: '252' } } };
const unit = (service: string) => `[Unit]\nDescription=app\n\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`;

/** The set the fix writes into a plain gunicorn unit of systemd 252 that writes nothing to disk. */
const FULL_SET = [
  'NoNewPrivileges=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'ProtectKernelTunables=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelLogs=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'ProtectProc=invisible',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  'RestrictNamespaces=yes',
  'LockPersonality=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallErrorNumber=EPERM',
  'CapabilityBoundingSet=',
];

/** The first fix of the rule's info finding, applied to the checked file. */
function fixed(path: string, text: string, setup: LintSetup = {}): string {
  const finding = findingsOf(rule, path, text, setup).find((candidate) => candidate.severity === 'info');
  assert.ok(finding, 'a hardening finding');
  return applyEdits(text, finding.fixes[0]!.edits.filter((edit) => edit.path === path))!;
}

/** The exposure of a unit (and its drop-ins) as exposureOf() works it out, "9.6 UNSAFE". */
function exposure(files: Record<string, string>, systemd = '252'): string {
  const documents = Object.entries(files).map(([path, text]) => parseDocument({ path, text, kind: 'systemd' }, knowledge));
  const [merged] = mergeUnits(documents);
  const result = exposureOf(merged!, { systemd }, { knowledge });
  return `${result.text} ${result.level}`;
}

describe('systemd/hardening', () => {
  it('reports the Trunk8 seed on its [Service] header with the exposure, the biggest gaps and what the fix brings it to', () => {
    assert.deepEqual(seen(rule, TRUNK8, trunk8, trunk8Setup), [
      {
        underlined: '[Service]',
        severity: 'info',
        message:
          'exposure 9.2 (UNSAFE) as systemd-analyze security would estimate it; the biggest gaps: CapabilityBoundingSet= (2.5), SystemCallFilter= (1.3), RestrictNamespaces= (0.8); the hardening set of the fix brings it to 1.7 (OK)',
      },
    ]);
    const [finding] = findingsOf(rule, TRUNK8, trunk8, trunk8Setup);
    assert.equal(finding!.fixes[0]!.title, 'Add 23 sandboxing directives (exposure 9.2 → 1.7; keeps writable: /opt/trunk8, /var/log/trunk8)');
    assert.equal(finding!.fixes[0]!.safe, false);
  });

  it("writes the set into Trunk8: ProtectSystem=strict with its socket's folder writable and LogsDirectory= for its logs", () => {
    assert.equal(
      fixed(TRUNK8, trunk8, trunk8Setup),
      trunk8
        .replace('WorkingDirectory=/opt/trunk8\n', 'WorkingDirectory=/opt/trunk8\nLogsDirectory=trunk8\n')
        .replace(
          'Restart=always\n',
          `Restart=always\n${[...FULL_SET.slice(0, 4), 'ReadWritePaths=/opt/trunk8', ...FULL_SET.slice(4)].join('\n')}\n`,
        ),
    );
  });

  it('keeps the fix contract on Trunk8: the finding goes, nothing new appears, nothing is offered again', () => {
    assertFixRoundTrip(rule, TRUNK8, trunk8, { setup: trunk8Setup });
  });

  it("makes the PXE seed's pid file folder a RuntimeDirectory= and its log folder a LogsDirectory=, leaving its own settings alone", () => {
    const after = fixed(PXE, pxe, pxeSetup);
    assert.match(after, /\nWorkingDirectory=\/opt\/nutanix-pxe\nRuntimeDirectory=nutanix-pxe\nLogsDirectory=nutanix-pxe\n/);
    // Already there: written once, as the author wrote them.
    for (const key of ['NoNewPrivileges', 'PrivateTmp', 'RestrictRealtime', 'MemoryDenyWriteExecute']) assert.equal(after.match(new RegExp(`^${key}=`, 'gm'))?.length, 1, key);
    // worker_tmp_dir is /dev/shm, which stays writable: nothing for it.
    assert.doesNotMatch(after, /ReadWritePaths/);
    assertFixRoundTrip(rule, PXE, pxe, { setup: pxeSetup, fixTitle: /sandboxing/ });
  });

  it("warns about the PXE seed's MemoryDenyWriteExecute=true, and its fix removes the line", () => {
    const findings = seen(rule, PXE, pxe, pxeSetup).filter((finding) => finding.severity === 'warning');
    assert.deepEqual(findings, [
      {
        underlined: 'MemoryDenyWriteExecute=true',
        severity: 'warning',
        message:
          'MemoryDenyWriteExecute=true can break a Python app: callbacks made with ctypes or cffi (libffi closures), and JIT compilers, need memory that is writable and executable, which it refuses; the call then fails with MemoryError',
      },
    ]);
    const finding = findingsOf(rule, PXE, pxe, pxeSetup).find((candidate) => candidate.severity === 'warning')!;
    assert.equal(finding.fixes[0]!.title, 'Remove MemoryDenyWriteExecute=');
    assert.equal(finding.fixes[0]!.safe, false);
    assert.equal(applyEdits(pxe, finding.fixes[0]!.edits.filter((edit) => edit.path === PXE)), pxe.replace('MemoryDenyWriteExecute=true\n', ''));
    // On a unit with nothing else to report, the removal keeps the fix contract too.
    const hardened = unit(`User=app\nExecStart=/opt/app/venv/bin/gunicorn app:app\n${FULL_SET.join('\n')}\nMemoryDenyWriteExecute=yes\n`);
    assertFixRoundTrip(rule, UNIT, hardened, { setup: DEBIAN_12 });
  });

  it('never adds MemoryDenyWriteExecute=, and says nothing about it when it is off', () => {
    const text = unit('User=app\nExecStart=/opt/app/venv/bin/gunicorn app:app\nMemoryDenyWriteExecute=yes\nMemoryDenyWriteExecute=no\n');
    assert.deepEqual(seen(rule, UNIT, text, DEBIAN_12).map((finding) => finding.severity), ['info']);
    assert.equal(fixed(UNIT, text, DEBIAN_12).match(/^MemoryDenyWriteExecute=/gm)?.length, 2);
  });

  it('says nothing about a unit that already has the whole set, and estimates it low', () => {
    const hardened = unit(`User=app\nExecStart=/opt/app/venv/bin/gunicorn app:app\n${FULL_SET.join('\n')}\n`);
    assert.deepEqual(seen(rule, UNIT, hardened, DEBIAN_12), []);
    assert.equal(exposure({ [UNIT]: hardened }), '1.7 OK');
    assert.equal(exposure({ [UNIT]: unit('ExecStart=/opt/app/venv/bin/gunicorn app:app\n') }), '9.6 UNSAFE');
  });

  it('reads the drop-ins: one that hardens lowers the score, and the fix adds only what neither file sets', () => {
    const text = unit('User=app\nExecStart=/opt/app/venv/bin/gunicorn app:app\n');
    const dropIn = '[Service]\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\nCapabilityBoundingSet=\nSystemCallFilter=@system-service\n';
    assert.equal(exposure({ [UNIT]: text }), '9.2 UNSAFE');
    assert.equal(exposure({ [UNIT]: text, [DROP_IN]: dropIn }), '4.8 OK');
    const setup: LintSetup = { ...DEBIAN_12, others: { [DROP_IN]: dropIn } };
    assert.match(seen(rule, UNIT, text, setup)[0]!.message, /^exposure 4\.8 \(OK\) as systemd-analyze security would estimate it; the biggest gaps: RestrictNamespaces= \(0\.8\), /);
    const after = fixed(UNIT, text, setup);
    for (const key of ['ProtectSystem', 'PrivateTmp', 'NoNewPrivileges', 'CapabilityBoundingSet', 'SystemCallFilter', 'SystemCallErrorNumber']) assert.doesNotMatch(after, new RegExp(`^${key}=`, 'm'), key);
    assert.match(after, /^ProtectHome=yes$/m);
    // The drop-in reports nothing of its own.
    assert.deepEqual(seen(rule, DROP_IN, dropIn, { ...DEBIAN_12, others: { [UNIT]: text } }), []);
  });

  it('adds to a list the drop-in already writes instead of writing it twice', () => {
    const text = unit('User=app\nExecStart=/opt/app/venv/bin/gunicorn --pid /run/app/app.pid --error-logfile /var/log/app/error.log app:app\n');
    const dropIn = '[Service]\nRuntimeDirectory=app-cache\n';
    const [finding] = findingsOf(rule, UNIT, text, { ...DEBIAN_12, others: { [DROP_IN]: dropIn } });
    const edits = finding!.fixes[0]!.edits;
    assert.equal(applyEdits(dropIn, edits.filter((edit) => edit.path === DROP_IN)), '[Service]\nRuntimeDirectory=app-cache app\n');
    assert.match(applyEdits(text, edits.filter((edit) => edit.path === UNIT))!, /\nLogsDirectory=app\n/);
    assert.doesNotMatch(applyEdits(text, edits.filter((edit) => edit.path === UNIT))!, /RuntimeDirectory/);
  });

  it('leaves out what the target systemd does not have', () => {
    const text = unit('User=app\nExecStart=/opt/app/venv/bin/gunicorn app:app\n');
    const after = fixed(UNIT, text, { host: { versions: { systemd: '241' } } });
    for (const key of ['ProtectKernelLogs', 'ProtectClock', 'ProtectHostname', 'ProtectProc', 'RestrictSUIDSGID']) assert.doesNotMatch(after, new RegExp(`^${key}=`, 'm'), key);
    assert.match(after, /^SystemCallFilter=@system-service$/m);
    const older = fixed(UNIT, text, { host: { versions: { systemd: '235' } } });
    assert.doesNotMatch(older, /SystemCallFilter/);
    // What 241 ignores counts for nothing in its estimate.
    assert.equal(exposure({ [UNIT]: unit(`User=app\nExecStart=/bin/true\n${FULL_SET.join('\n')}\n`) }, '241'), '2.3 OK');
  });

  it('keeps what binding a low port, AmbientCapabilities= and a switch from root to gunicorn\'s user need in the bounding set', () => {
    const bounding = (service: string) => /^CapabilityBoundingSet=(.*)$/m.exec(fixed(UNIT, unit(service), DEBIAN_12))?.[1];
    assert.equal(bounding('User=app\nExecStart=/opt/app/venv/bin/gunicorn --bind 0.0.0.0:80 app:app\n'), 'CAP_NET_BIND_SERVICE');
    assert.equal(bounding('User=app\nAmbientCapabilities=CAP_NET_RAW\nExecStart=/opt/app/venv/bin/gunicorn app:app\n'), 'CAP_NET_RAW');
    assert.equal(bounding('ExecStart=/opt/app/venv/bin/gunicorn --user app --group app app:app\n'), 'CAP_CHOWN CAP_SETGID CAP_SETUID');
    assert.equal(bounding('ExecStart=/opt/app/venv/bin/uvicorn --port 443 app:app\n'), 'CAP_NET_BIND_SERVICE');
    assert.equal(bounding('User=app\nExecStart=/opt/app/venv/bin/gunicorn --bind 127.0.0.1:8000 app:app\n'), '');
    // The NetFlow seed's script receives syslog on UDP port 514 as it starts.
    const netflowPath = '/srv/app/netflow-dashboard.service';
    const netflowSetup: LintSetup = { ...DEBIAN_12, files: { '/srv/app/netflow-dashboard.py': seed('examples/netflow-dashboard/netflow-dashboard.py') } };
    const netflow = fixed(netflowPath, seed('examples/netflow-dashboard/netflow-dashboard.service'), netflowSetup);
    assert.match(netflow, /^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
    assert.match(netflow, /^ProtectHome=read-only$/m);
  });

  it('keeps /tmp shared when the unix socket is there, and home directories readable when the app lives in one', () => {
    const inTmp = fixed(UNIT, unit('User=app\nExecStart=/opt/app/venv/bin/gunicorn --bind unix:/tmp/app.sock app:app\n'), DEBIAN_12);
    assert.doesNotMatch(inTmp, /PrivateTmp/);
    assert.match(inTmp, /^ProtectSystem=strict\nReadWritePaths=\/tmp\n/m);
    const inHome = fixed(UNIT, unit('WorkingDirectory=/root\nExecStart=/usr/bin/python3 /root/app.py\n'), DEBIAN_12);
    assert.match(inHome, /^ProtectHome=read-only$/m);
    const logsInHome = fixed(UNIT, unit('User=app\nExecStart=/home/app/venv/bin/gunicorn --access-logfile /home/app/logs/access.log app:app\n'), DEBIAN_12);
    assert.match(logsInHome, /^ReadWritePaths=\/home\/app\/logs\n/m);
    assert.match(logsInHome, /^ProtectHome=read-only$/m);
  });

  it('leaves alone services that run no web server, and user units', () => {
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/local/bin/backup.sh\n'), DEBIAN_12), []);
    assert.deepEqual(seen(rule, '/home/me/.config/systemd/user/app.service', unit('ExecStart=/opt/app/venv/bin/gunicorn app:app\n'), DEBIAN_12), []);
  });

  it('reads the settings as systemd 252 does', () => {
    const score = (service: string, unitSection = '') => exposure({ [UNIT]: `[Unit]\n${unitSection}\n[Service]\nExecStart=/bin/true\n${service}` });
    // DynamicUser= brings a user and a strict sandbox of its own.
    assert.equal(score('DynamicUser=yes\n'), '8.4 EXPOSED');
    // An invalid boolean, or an empty one, leaves the value before it.
    assert.equal(score('PrivateTmp=yes\nPrivateTmp=\nPrivateTmp=maybe\n'), score('PrivateTmp=yes\n'));
    // An empty CapabilityBoundingSet= takes every capability away; `~` alone gives them back.
    assert.equal(score('CapabilityBoundingSet=CAP_CHOWN\nCapabilityBoundingSet=\n'), score('CapabilityBoundingSet=\n'));
    assert.equal(score('CapabilityBoundingSet=\nCapabilityBoundingSet=~\n'), score(''));
    // Without the default dependencies, PrivateTmp=, ProtectHome=, ProtectSystem= and RootDirectory= are not judged.
    assert.equal(score('', 'DefaultDependencies=no\n'), '9.5 UNSAFE');
  });
});

describe('systemd/hardening against systemd-analyze verify', function () {
  this.timeout(20_000);

  it('the hardened seeds raise no new message', function () {
    if (!requireOracle(this, 'systemd-analyze')) return;
    // ExecStart= must name a program that exists for verify to look past it.
    const runnable = (text: string) => text.replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true');
    const netflowSetup: LintSetup = { ...DEBIAN_12, files: { '/srv/app/netflow-dashboard.py': seed('examples/netflow-dashboard/netflow-dashboard.py') } };
    const seeds: [string, string, string, LintSetup][] = [
      ['trunk8.service', TRUNK8, trunk8, trunk8Setup],
      ['nutanix-pxe.service', PXE, pxe, pxeSetup],
      ['netflow-dashboard.service', '/srv/app/netflow-dashboard.service', seed('examples/netflow-dashboard/netflow-dashboard.service'), netflowSetup],
    ];
    for (const [name, path, text, setup] of seeds) {
      const before = verifyMessages(name, runnable(text));
      const after = verifyMessages(name, runnable(fixed(path, text, setup)));
      assert.deepEqual(after.filter((message) => !before.includes(message)), [], name);
    }
  });
});
