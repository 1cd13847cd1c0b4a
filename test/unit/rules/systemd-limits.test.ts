import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Finding } from '../../../server/src/core/model/finding';
import { applyEdits } from '../../../server/src/core/text/edits';
import { assertFixRoundTrip, findingsOf, lint, seen, type LintSetup } from '../../helpers/lint';
import { requireOracle } from '../../helpers/oracles';
import { verifyMessages } from '../../helpers/systemd-verify';
import { underlinedRange } from '../../helpers/text';

const UNIT = '/srv/app/app.service';
const DROP_IN = '/srv/app/app.service.d/10-local.conf';
const TEMPLATE = '/srv/app/app@.service';
const CONFIG = '/srv/app/gunicorn.conf.py';
const seed = (path: string) => readFileSync(path, 'utf8');
const netflow = seed('examples/netflow-dashboard/netflow-dashboard.service');
const netflowHost = { '/srv/app/.deploylint.ini': seed('examples/netflow-dashboard/.deploylint.ini') };
const unit = (service: string, unitSection = '') => `[Unit]\nDescription=app\n${unitSection}\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`;
const LIMITS = 'StartLimitIntervalSec=60\nStartLimitBurst=5\n';
const RESOURCES = 'MemoryMax=512M\nMemoryHigh=400M\nTasksMax=100\nLimitNOFILE=65536\n';
/** The machine of host-spec.md's worked example: 4 CPUs, 1 GiB. */
const SMALL_HOST: LintSetup['host'] = { cpus: 4, memoryMiB: 1024, versions: {} };

/** Applies the first fix of a rule's finding to the unit. */
function fixed(rule: string, path: string, text: string, setup: LintSetup = {}): string {
  const [finding] = findingsOf(rule, path, text, setup);
  assert.ok(finding?.fixes[0], `a ${rule} finding with a fix`);
  return applyEdits(text, finding.fixes[0].edits.filter((edit) => edit.path === path))!;
}

/**
 * A unit and a drop-in: the rule's finding is reported in the file checked as `checked`,
 * and its first fix is applied to both files. Returns the finding and both files fixed.
 */
function fixAcross(rule: string, files: Record<string, string>, checked: string, setup: LintSetup = {}): { finding: Finding; after: Record<string, string> } {
  const others = (path: string, texts: Record<string, string>) => ({ ...setup, others: { ...setup.others, ...Object.fromEntries(Object.entries(texts).filter(([other]) => other !== path)) } });
  const [finding] = findingsOf(rule, checked, files[checked]!, others(checked, files));
  assert.ok(finding?.fixes[0], `a ${rule} finding in ${checked}`);
  const after = Object.fromEntries(Object.entries(files).map(([path, text]) => [path, applyEdits(text, finding.fixes[0]!.edits.filter((edit) => edit.path === path))!]));
  for (const path of Object.keys(files)) assert.deepEqual(findingsOf(rule, path, after[path]!, others(path, after)), [], `no ${rule} finding left in ${path}`);
  return { finding, after };
}

describe('systemd/restart-without-backoff', () => {
  const rule = 'systemd/restart-without-backoff';

  it('flags the netflow seed (Restart=always, no delay) and adds the delay and the start limits', () => {
    assert.deepEqual(seen(rule, UNIT, netflow), [
      {
        underlined: 'Restart=always',
        severity: 'warning',
        message:
          "Restart=always with systemd's default RestartSec=100ms: a service that fails at start is restarted every 100 ms, reaches the start limit (5 starts in 10 s, systemd's default) 0.5 s after its first attempt and then stays failed until someone starts it again",
      },
    ]);
    const [finding] = findingsOf(rule, UNIT, netflow);
    assert.equal(finding!.fixes[0]!.title, 'Add RestartSec=5s, RestartSteps=5, RestartMaxDelaySec=60s, StartLimitIntervalSec=60, StartLimitBurst=5');
    assert.equal(finding!.fixes[0]!.safe, false);
    const after = assertFixRoundTrip(rule, UNIT, netflow);
    assert.match(after, /\[Unit\]\nDescription=NetFlow Dashboard\nAfter=network\.target\nStartLimitIntervalSec=60\nStartLimitBurst=5\n/);
    assert.match(after, /\nRestart=always\nRestartSec=5s\nRestartSteps=5\nRestartMaxDelaySec=60s\n/);
  });

  it('flags the Trunk8 seed (Restart=always without a delay) and leaves RestartSteps= out on its debian-12 (systemd 252)', () => {
    const path = '/opt/trunk8/trunk8.service';
    const trunk8 = seed('examples/trunk8/trunk8.service');
    const setup: LintSetup = { others: { '/opt/trunk8/.deploylint.ini': seed('examples/trunk8/.deploylint.ini') } };
    assert.deepEqual(seen(rule, path, trunk8, setup).map((f) => [f.underlined, f.severity]), [['Restart=always', 'warning']]);
    const [finding] = findingsOf(rule, path, trunk8, setup);
    assert.equal(finding!.fixes[0]!.title, 'Add RestartSec=5s, StartLimitIntervalSec=60, StartLimitBurst=5 (RestartSteps= needs systemd 254; the target is 252)');
    const after = assertFixRoundTrip(rule, path, trunk8, { setup });
    assert.match(after, /\n    run:app\nRestart=always\nRestartSec=5s\n\n\[Install\]/);
    assert.doesNotMatch(after, /RestartSteps/);
  });

  it('works out when the limit is reached from the delay and the limit in force', () => {
    const messages = (service: string, unitSection = '') => seen(rule, UNIT, unit(`ExecStart=/usr/bin/gunicorn app:app\n${service}`, unitSection)).map((f) => [f.severity, f.message]);
    // A short delay is rewritten, not added twice.
    assert.deepEqual(messages('Restart=on-failure\nRestartSec=200ms\n', LIMITS), [
      ['warning', 'Restart=on-failure with RestartSec=200ms: a service that fails at start is restarted every 200 ms, reaches the start limit (5 starts in 60 s) 1 s after its first attempt and then stays failed until someone starts it again'],
    ]);
    assert.deepEqual(messages('Restart=always\n', 'StartLimitIntervalSec=0\n'), [
      ['warning', 'Restart=always with systemd\'s default RestartSec=100ms: a service that fails at start is restarted every 100 ms for as long as it fails: the start limit is off'],
    ]);
    assert.deepEqual(messages('Restart=on-failure\nRestartSec=1s\n'), [
      ['info', "Restart=on-failure with RestartSec=1s and no start limit in [Unit]: a service that fails at start reaches the start limit (5 starts in 10 s, systemd's default) 5 s after its first attempt and then stays failed until someone starts it again"],
    ]);
    const rewritten = assertFixRoundTrip(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nRestart=on-failure\nRestartSec=200ms\n', LIMITS));
    assert.match(rewritten, /\nRestart=on-failure\nRestartSec=5s\nRestartSteps=5\nRestartMaxDelaySec=60s\n/);
    assert.equal(rewritten.match(/RestartSec=/g)!.length, 1);
  });

  it('informs when a delay is set but no start limit, and is quiet with a limit in any spelling, a growing delay, or Restart=no', () => {
    const delayed = unit('ExecStart=/usr/bin/gunicorn app:app\nRestart=on-failure\nRestartSec=5\n');
    assert.deepEqual(seen(rule, UNIT, delayed), [
      {
        underlined: 'Restart=on-failure',
        severity: 'info',
        message: "Restart=on-failure with RestartSec=5 and no start limit in [Unit]: a service that fails at start is restarted every 5 s for as long as it fails, never reaching the start limit (5 starts in 10 s, systemd's default)",
      },
    ]);
    assert.match(assertFixRoundTrip(rule, UNIT, delayed), /\[Unit\]\nDescription=app\nStartLimitIntervalSec=60\nStartLimitBurst=5\n/);
    const quiet = (service: string, unitSection = '') => assert.deepEqual(seen(rule, UNIT, unit(`ExecStart=/usr/bin/gunicorn app:app\n${service}`, unitSection)), []);
    quiet('Restart=on-failure\nRestartSec=5\n', LIMITS);
    quiet('Restart=on-failure\nRestartSec=5\n', 'StartLimitBurst=3\n');
    // The [Service] spellings of systemd before 230, which it still reads.
    quiet('Restart=on-failure\nRestartSec=5\nStartLimitInterval=60\n');
    quiet('Restart=always\nRestartSteps=5\nRestartMaxDelaySec=60s\n');
    quiet('Restart=no\n');
    quiet('Restart=always\nRestartSec=5s\n\n[Service]\nRestart=\n');
  });

  it('reads drop-ins: the finding lands where Restart= is written, and the fix rewrites the drop-in’s delay instead of adding one to the unit', () => {
    const plain = unit('ExecStart=/usr/bin/gunicorn app:app\n', LIMITS);
    assert.deepEqual(seen(rule, UNIT, plain, { others: { [DROP_IN]: '[Service]\nRestart=always\nRestartSec=10s\n' } }), []);
    const quick = '[Service]\nRestart=always\nRestartSec=100ms\n';
    assert.deepEqual(seen(rule, DROP_IN, quick, { others: { [UNIT]: plain } }).map((f) => f.underlined), ['Restart=always']);
    assert.deepEqual(seen(rule, UNIT, plain, { others: { [DROP_IN]: quick } }), []);
    const { after } = fixAcross(rule, { [UNIT]: plain, [DROP_IN]: quick }, DROP_IN);
    assert.equal(after[DROP_IN], '[Service]\nRestart=always\nRestartSec=5s\n');
    // What no file sets yet goes to the unit file, as setDirectives places it.
    assert.equal(after[UNIT], unit('ExecStart=/usr/bin/gunicorn app:app\nRestartSteps=5\nRestartMaxDelaySec=60s\n', LIMITS));
  });

  it('judges a template unit like any other: %i specifiers change nothing', () => {
    const template = (service: string, unitSection = '') => unit(`ExecStart=/usr/bin/gunicorn --bind unix:/run/app/%i.sock app:app\nEnvironment=INSTANCE=%i\n${service}`, unitSection);
    assert.deepEqual(seen(rule, TEMPLATE, template('Restart=on-failure\nRestartSec=5s\n', LIMITS)), []);
    assert.deepEqual(seen(rule, TEMPLATE, template('Restart=always\n')).map((f) => f.underlined), ['Restart=always']);
  });
});

describe('systemd/no-resource-limits', () => {
  const rule = 'systemd/no-resource-limits';

  it('flags the netflow seed and gives it the sized limits of host-spec.md (4 CPUs, 1 GiB)', () => {
    assert.deepEqual(seen(rule, UNIT, netflow, { others: netflowHost }), [
      {
        underlined: 'ExecStart',
        severity: 'warning',
        message:
          "app.service runs a web server with no MemoryMax=, TasksMax= or LimitNOFILE=: a leak grows until the machine runs out and the kernel's OOM killer picks a victim anywhere on it; only systemd's default (15% of the kernel's task limit) caps its threads and processes; it keeps the soft limit of 1024 open files, which a busy server runs out of (\"Too many open files\")",
      },
    ]);
    const [finding] = findingsOf(rule, UNIT, netflow, { others: netflowHost });
    assert.equal(
      finding!.fixes[0]!.title,
      'Add MemoryMax=512M, MemoryHigh=400M, TasksMax=100, LimitNOFILE=65536 (4 CPUs, 1G: MemoryMax = ⅔ of 768M usable = 512M; MemoryHigh = 80% of 512M = 400M; TasksMax = max(100, 2 × (1 + 3 × (6 + 3))) = 100)',
    );
    assert.equal(finding!.fixes[0]!.safe, true);
    assert.equal(finding!.fixes.length, 1, 'no offer to declare a machine that is declared');
    const after = assertFixRoundTrip(rule, UNIT, netflow, { setup: { others: netflowHost } });
    assert.match(after, /\nRestart=always\nMemoryMax=512M\nMemoryHigh=400M\nTasksMax=100\nLimitNOFILE=65536\n/);
  });

  it('sizes for a host declared in the settings: MemoryMax=512M, MemoryHigh=400M, TasksMax=100', () => {
    const text = unit('ExecStart=/usr/bin/gunicorn --workers 2 app:app\n');
    const after = assertFixRoundTrip(rule, UNIT, text, { setup: { host: SMALL_HOST } });
    assert.equal(after, unit(`ExecStart=/usr/bin/gunicorn --workers 2 app:app\n${RESOURCES}`));
  });

  it('says when the machine is assumed, and offers to declare it', () => {
    const text = unit('ExecStart=/usr/bin/gunicorn --workers 8 --threads 8 app:app\nMemoryMax=1G\nLimitNOFILE=65536\n');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => [f.underlined, f.severity, f.message]), [
      ['ExecStart', 'info', "app.service runs a web server with no TasksMax=: only systemd's default (15% of the kernel's task limit) caps its threads and processes"],
    ]);
    const [finding] = findingsOf(rule, UNIT, text);
    assert.deepEqual(finding!.fixes.map((fix) => [fix.title, fix.safe]), [
      ['Add TasksMax=178 (assuming 1 CPU, 1G, no host declared: TasksMax = max(100, 2 × (1 + 8 × (8 + 3))) = 178)', false],
      ['Declare the machine in .deploylint.ini (the fixes assume 1 CPU, 1G)', false],
    ]);
  });

  it('keeps a MemoryHigh= below the new MemoryMax=, and replaces one that is not', () => {
    const kept = assertFixRoundTrip(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nMemoryHigh=300M\nTasksMax=100\nLimitNOFILE=65536\n'), { setup: { host: SMALL_HOST } });
    assert.match(kept, /\nMemoryHigh=300M\nTasksMax=100\nMemoryMax=512M\nLimitNOFILE=65536\n/);
    const replaced = assertFixRoundTrip(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nMemoryHigh=600M\nTasksMax=100\nLimitNOFILE=65536\n'), { setup: { host: SMALL_HOST } });
    assert.match(replaced, /\nMemoryHigh=400M\nTasksMax=100\nMemoryMax=512M\nLimitNOFILE=65536\n/);
  });

  it('is quiet for units that serve no web app, and once the limits are set in a drop-in', () => {
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/rsync -a /a /b\n')), []);
    const web = unit('ExecStart=/usr/bin/gunicorn app:app\n');
    assert.deepEqual(seen(rule, UNIT, web, { others: { [DROP_IN]: `[Service]\n${RESOURCES}` } }), []);
  });

  it('lands in the drop-in that starts the server, and adds only what the unit and its drop-ins lack', () => {
    const plain = unit('User=app\nMemoryMax=512M\n');
    const start = '[Service]\nExecStart=\nExecStart=/usr/bin/gunicorn app:app\nTasksMax=100\n';
    assert.deepEqual(seen(rule, UNIT, plain, { others: { [DROP_IN]: start } }), []);
    assert.deepEqual(seen(rule, DROP_IN, start, { others: { [UNIT]: plain } }).map((f) => [f.underlined, f.message]), [
      ['ExecStart', 'app.service runs a web server with no LimitNOFILE=: it keeps the soft limit of 1024 open files, which a busy server runs out of ("Too many open files")'],
    ]);
    const { after } = fixAcross(rule, { [UNIT]: plain, [DROP_IN]: start }, DROP_IN, { host: SMALL_HOST });
    assert.equal(after[UNIT], unit('User=app\nMemoryMax=512M\nLimitNOFILE=65536\n'));
    assert.equal(after[DROP_IN], start);
  });

  it('judges a template unit like any other: %i specifiers change nothing', () => {
    const template = (service: string) => unit(`ExecStart=/usr/bin/gunicorn --bind unix:/run/app/%i.sock app:app\nEnvironment=INSTANCE=%i\n${service}`);
    assert.deepEqual(seen(rule, TEMPLATE, template(RESOURCES)), []);
    assert.deepEqual(seen(rule, TEMPLATE, template('')).map((f) => f.message.slice(0, f.message.indexOf(':'))), ['app@.service runs a web server with no MemoryMax=, TasksMax= or LimitNOFILE=']);
  });
});

describe('systemd/memory-limits-inconsistent', () => {
  const rule = 'systemd/memory-limits-inconsistent';
  const web = (limits: string) => unit(`ExecStart=/usr/bin/gunicorn app:app\n${limits}TasksMax=100\nLimitNOFILE=65536\n`);

  it('flags MemoryHigh= at or above MemoryMax=, and sets it to 80% of MemoryMax=', () => {
    const text = web('MemoryMax=512M\nMemoryHigh=512M\n');
    assert.deepEqual(seen(rule, UNIT, text), [
      {
        underlined: 'MemoryHigh=512M',
        severity: 'warning',
        message: 'MemoryHigh=512M is not below MemoryMax=512M: the throttling and reclaim MemoryHigh= asks for never start before the hard limit, where the kernel OOM-kills a process of the service instead',
      },
    ]);
    const [finding] = findingsOf(rule, UNIT, text);
    assert.deepEqual(finding!.fixes.map((fix) => [fix.title, fix.safe]), [['Set MemoryHigh=400M (80% of MemoryMax=512M, rounded down to 16M = 400M)', false]]);
    assert.equal(assertFixRoundTrip(rule, UNIT, text), web('MemoryMax=512M\nMemoryHigh=400M\n'));
  });

  it('compares percentages with each other, and with sizes only on a declared machine', () => {
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=50%\nMemoryHigh=60%\n')).map((f) => f.underlined), ['MemoryHigh=60%']);
    assert.match(assertFixRoundTrip(rule, UNIT, web('MemoryMax=50%\nMemoryHigh=60%\n')), /\nMemoryHigh=40%\n/);
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=512M\nMemoryHigh=60%\n')), []);
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=512M\nMemoryHigh=60%\n'), { host: SMALL_HOST }).map((f) => f.underlined), ['MemoryHigh=60%']);
  });

  it('flags MemoryMax= above the declared memory, and writes the sized values', () => {
    const text = web('MemoryMax=2G\n');
    assert.deepEqual(seen(rule, UNIT, text, { host: SMALL_HOST }), [
      {
        underlined: 'MemoryMax=2G',
        severity: 'warning',
        message: "MemoryMax=2G is more than the memory the machine has (1G, declared in settings): the limit is never reached, so a leak fills the machine and the kernel's OOM killer picks a victim anywhere on it",
      },
    ]);
    const [finding] = findingsOf(rule, UNIT, text, { host: SMALL_HOST });
    assert.deepEqual(finding!.fixes.map((fix) => [fix.title, fix.safe]), [
      ['Set MemoryMax=512M, MemoryHigh=400M (4 CPUs, 1G: MemoryMax = ⅔ of 768M usable = 512M; MemoryHigh = 80% of 512M = 400M)', true],
    ]);
    // MemoryHigh= goes after the last of its group written (TasksMax=).
    assert.equal(assertFixRoundTrip(rule, UNIT, text, { setup: { host: SMALL_HOST } }), unit('ExecStart=/usr/bin/gunicorn app:app\nMemoryMax=512M\nTasksMax=100\nMemoryHigh=400M\nLimitNOFILE=65536\n'));
    // Declared in a .deploylint.ini: named as such; all of the memory counts too.
    const ini = { '/srv/app/.deploylint.ini': '[host]\ncpus = 4\nmemory = 1G\n' };
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=1G\nMemoryHigh=300M\n'), { others: ini }).map((f) => f.message.slice(0, f.message.indexOf(':'))), [
      'MemoryMax=1G is all the memory the machine has (1G, declared in /srv/app/.deploylint.ini)',
    ]);
    assert.match(assertFixRoundTrip(rule, UNIT, web('MemoryMax=1G\nMemoryHigh=300M\n'), { setup: { others: ini } }), /\nMemoryMax=512M\nMemoryHigh=300M\n/);
  });

  it('is quiet on an assumed machine, below the memory, with infinity, and with consistent limits', () => {
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=2G\n')), []);
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=900M\n'), { host: SMALL_HOST }), []);
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=infinity\nMemoryHigh=infinity\n'), { host: SMALL_HOST }), []);
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=512M\nMemoryHigh=infinity\n')), []);
    assert.deepEqual(seen(rule, UNIT, web('MemoryMax=512M\nMemoryHigh=400M\n'), { host: SMALL_HOST }), []);
  });

  it('lands in the drop-in that decides, and fixes it there', () => {
    const plain = web('MemoryMax=512M\nMemoryHigh=400M\n');
    const dropIn = '[Service]\nMemoryHigh=1G\n';
    assert.deepEqual(seen(rule, UNIT, plain, { others: { [DROP_IN]: dropIn } }), []);
    assert.deepEqual(seen(rule, DROP_IN, dropIn, { others: { [UNIT]: plain } }).map((f) => f.underlined), ['MemoryHigh=1G']);
    const { after } = fixAcross(rule, { [UNIT]: plain, [DROP_IN]: dropIn }, DROP_IN);
    assert.equal(after[DROP_IN], '[Service]\nMemoryHigh=400M\n');
    assert.equal(after[UNIT], plain);
  });

  it('judges a template unit like any other: %i specifiers change nothing', () => {
    const template = (limits: string) => unit(`ExecStart=/usr/bin/gunicorn --bind unix:/run/app/%i.sock app:app\nEnvironment=INSTANCE=%i\n${limits}`);
    assert.deepEqual(seen(rule, TEMPLATE, template(RESOURCES), { host: SMALL_HOST }), []);
    assert.deepEqual(seen(rule, TEMPLATE, template('MemoryMax=512M\nMemoryHigh=1G\n')).map((f) => f.underlined), ['MemoryHigh=1G']);
  });
});

describe('systemd/tasks-max-too-low', () => {
  const rule = 'systemd/tasks-max-too-low';
  const web = (start: string, tasks: string) => unit(`ExecStart=${start}\nMemoryMax=512M\nLimitNOFILE=65536\nTasksMax=${tasks}\n`);

  it('flags TasksMax= below 2 × (1 + workers × (threads + 3)) of the command line, and writes the sized value', () => {
    const text = web('/usr/bin/gunicorn --workers 8 --threads 8 app:app', '50');
    assert.deepEqual(seen(rule, UNIT, text), [
      {
        underlined: 'TasksMax=50',
        severity: 'warning',
        message:
          "TasksMax=50 is below the 178 tasks this gunicorn needs: 2 × (1 + 8 workers × (8 threads + 3)) = 178 (the master, each worker's threads plus 3, doubled because a reload starts the new workers before the old ones exit); past the limit the master cannot fork workers and workers cannot start threads",
      },
    ]);
    const [finding] = findingsOf(rule, UNIT, text);
    assert.deepEqual(finding!.fixes.map((fix) => [fix.title, fix.safe]), [['Set TasksMax=178 (TasksMax = max(100, 2 × (1 + 8 × (8 + 3))) = 178)', true]]);
    assert.equal(assertFixRoundTrip(rule, UNIT, text), web('/usr/bin/gunicorn --workers 8 --threads 8 app:app', '178'));
  });

  it('reads workers and threads from the config file the unit runs with -c, and points at them', () => {
    const config = 'workers = 4\nworker_class = "gthread"\nthreads = 4\n';
    const text = web('/usr/bin/gunicorn -c /srv/app/gunicorn.conf.py app:app', '30');
    const [finding] = findingsOf(rule, UNIT, text, { others: { [CONFIG]: config } });
    assert.equal(
      finding!.message,
      "TasksMax=30 is below the 58 tasks this gunicorn needs: 2 × (1 + 4 workers × (4 threads + 3)) = 58 (the master, each worker's threads plus 3, doubled because a reload starts the new workers before the old ones exit), with workers = 4 (gunicorn.conf.py:1) and threads = 4 (gunicorn.conf.py:3); past the limit the master cannot fork workers and workers cannot start threads",
    );
    assert.deepEqual(finding!.related.map((related) => [related.path, related.range.start.line + 1, related.message]), [
      [CONFIG, 1, 'workers = 4: TasksMax= must allow for it'],
      [CONFIG, 3, 'threads = 4: TasksMax= must allow for it'],
    ]);
    assert.match(assertFixRoundTrip(rule, UNIT, text, { setup: { others: { [CONFIG]: config } } }), /\nTasksMax=100\n/);
  });

  it('counts threads only for the gthread worker, and leaves percentages, infinity and unknown configs alone', () => {
    // eventlet ignores threads: 2 × (1 + 4 × (1 + 3)) = 34.
    assert.deepEqual(seen(rule, UNIT, web('/usr/bin/gunicorn -k eventlet --workers 4 --threads 8 app:app', '40')), []);
    assert.deepEqual(seen(rule, UNIT, web('/usr/bin/gunicorn -k eventlet --workers 4 --threads 8 app:app', '30')).map((f) => f.message.slice(0, f.message.indexOf(':'))), [
      'TasksMax=30 is below the 34 tasks this gunicorn needs',
    ]);
    // sync with threads above 1 runs gthread.
    assert.deepEqual(seen(rule, UNIT, web('/usr/bin/gunicorn -k sync --workers 2 --threads 4 app:app', '20')).map((f) => f.underlined), ['TasksMax=20']);
    for (const value of ['10%', 'infinity']) assert.deepEqual(seen(rule, UNIT, web('/usr/bin/gunicorn --workers 64 app:app', value)), []);
    assert.deepEqual(seen(rule, UNIT, web('/usr/bin/gunicorn -c /etc/app/gunicorn.conf.py app:app', '5')), []);
    assert.deepEqual(seen(rule, UNIT, web('/usr/bin/python3 app.py', '5')), []);
  });

  it('does not hold the floor of 100 against a small service (the model’s minimum proposal, not a need)', () => {
    assert.deepEqual(seen(rule, UNIT, web('/usr/bin/gunicorn --workers 2 app:app', '50')), []);
    // 2 × (1 + 2 × (1 + 3)) = 18.
    assert.deepEqual(seen(rule, UNIT, web('/usr/bin/gunicorn --workers 2 app:app', '18')), []);
    assert.deepEqual(seen(rule, UNIT, web('/usr/bin/gunicorn --workers 2 app:app', '17')).map((f) => f.underlined), ['TasksMax=17']);
  });

  it('evaluates cpu_count() on the declared machine', () => {
    const config = 'import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n';
    const text = web('/usr/bin/gunicorn -c /srv/app/gunicorn.conf.py app:app', '60');
    assert.deepEqual(seen(rule, UNIT, text, { others: { [CONFIG]: config }, host: SMALL_HOST }).map((f) => f.message.slice(0, f.message.indexOf(':'))), [
      'TasksMax=60 is below the 74 tasks this gunicorn needs',
    ]);
    assert.deepEqual(seen(rule, UNIT, text, { others: { [CONFIG]: config } }), []);
  });

  it('lands in the drop-in that sets TasksMax=, and fixes it there', () => {
    const plain = unit('ExecStart=/usr/bin/gunicorn --workers 8 --threads 8 app:app\nMemoryMax=512M\nLimitNOFILE=65536\nTasksMax=500\n');
    const dropIn = '[Service]\nTasksMax=64\n';
    assert.deepEqual(seen(rule, UNIT, plain, { others: { [DROP_IN]: dropIn } }), []);
    assert.deepEqual(seen(rule, DROP_IN, dropIn, { others: { [UNIT]: plain } }).map((f) => f.underlined), ['TasksMax=64']);
    const { after } = fixAcross(rule, { [UNIT]: plain, [DROP_IN]: dropIn }, DROP_IN);
    assert.equal(after[DROP_IN], '[Service]\nTasksMax=178\n');
    assert.equal(after[UNIT], plain);
  });

  it('judges a template unit like any other: %i specifiers change nothing', () => {
    assert.deepEqual(seen(rule, TEMPLATE, web('/usr/bin/gunicorn --workers 4 --bind unix:/run/app/%i.sock app:app', '100')), []);
    assert.deepEqual(seen(rule, TEMPLATE, web('/usr/bin/gunicorn -c /etc/app/%i.conf.py --bind unix:/run/app/%i.sock app:app', '8')), []);
    assert.deepEqual(seen(rule, TEMPLATE, web('/usr/bin/gunicorn --workers 4 --bind unix:/run/app/%i.sock app:app', '20')).map((f) => f.underlined), ['TasksMax=20']);
  });
});

describe('systemd/stop-timeout-below-graceful', () => {
  const rule = 'systemd/stop-timeout-below-graceful';
  const pxeUnit = seed('examples/nutanix-pxe/nutanix-pxe.service');
  const pxePath = '/opt/nutanix-pxe/nutanix-pxe.service';
  const pxeOthers = { '/opt/nutanix-pxe/gunicorn.conf.py': seed('examples/nutanix-pxe/gunicorn.conf.py') };

  it('flags the PXE seed: TimeoutStopSec=5 against graceful_timeout = 30 in the config the unit runs', () => {
    assert.deepEqual(seen(rule, pxePath, pxeUnit, { others: pxeOthers }), [
      {
        underlined: 'TimeoutStopSec=5',
        severity: 'warning',
        message: 'TimeoutStopSec=5 is shorter than graceful_timeout = 30 s (gunicorn.conf.py:19): at every stop or restart systemd kills the workers after 5 s while they are still finishing requests',
      },
    ]);
    const [finding] = findingsOf(rule, pxePath, pxeUnit, { others: pxeOthers });
    assert.deepEqual(finding!.related.map((related) => [related.path, related.range.start.line + 1]), [['/opt/nutanix-pxe/gunicorn.conf.py', 19]]);
    assert.deepEqual(finding!.fixes.map((fix) => [fix.title, fix.safe]), [
      ['Set TimeoutStopSec=35s (graceful_timeout 30 s + 5 s for the master to kill what is left, reap its workers and exit)', true],
    ]);
    assert.equal(assertFixRoundTrip(rule, pxePath, pxeUnit, { setup: { others: pxeOthers } }), pxeUnit.replace('TimeoutStopSec=5\n', 'TimeoutStopSec=35s\n'));
  });

  it("uses gunicorn's default graceful_timeout of 30 s, and is quiet at or above it, or with the timeout off", () => {
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutStopSec=10s\n')).map((f) => [f.underlined, f.message]), [
      ['TimeoutStopSec=10s', "TimeoutStopSec=10s is shorter than gunicorn's default graceful_timeout of 30 s: at every stop or restart systemd kills the workers after 10 s while they are still finishing requests"],
    ]);
    for (const value of ['30', '1min', '0', 'infinity']) assert.deepEqual(seen(rule, UNIT, unit(`ExecStart=/usr/bin/gunicorn app:app\nTimeoutStopSec=${value}\n`)), [], value);
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn --graceful-timeout 5 app:app\nTimeoutStopSec=10s\n')), []);
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/python3 app.py\nTimeoutStopSec=1\n')), []);
    assert.deepEqual(seen(rule, CONFIG, 'graceful_timeout = 60\n'), []);
  });

  it("judges systemd's default of 90 s when no stop timeout is written", () => {
    const text = unit('ExecStart=/usr/bin/gunicorn --graceful-timeout 120 app:app\n');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => [f.underlined, f.message]), [
      ['ExecStart', "No TimeoutStopSec=: systemd's default of 90 s is shorter than graceful_timeout = 120 s (the command line in app.service:5): at every stop or restart systemd kills the workers after 90 s while they are still finishing requests"],
    ]);
    assert.match(assertFixRoundTrip(rule, UNIT, text), /\nExecStart=\/usr\/bin\/gunicorn --graceful-timeout 120 app:app\nTimeoutStopSec=125s\n/);
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn --graceful-timeout 90 app:app\n')), []);
  });

  it('reads TimeoutSec= too, whichever comes last decides, and adds TimeoutStopSec= after it to keep the start timeout', () => {
    const text = unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutSec=10\n');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => f.underlined), ['TimeoutSec=10']);
    assert.equal(assertFixRoundTrip(rule, UNIT, text), unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutSec=10\nTimeoutStopSec=35s\n'));
    // An earlier TimeoutStopSec= the TimeoutSec= overrides goes, rather than stay as a dead duplicate.
    const overridden = unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutStopSec=60\nTimeoutSec=10\n');
    assert.equal(assertFixRoundTrip(rule, UNIT, overridden), unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutSec=10\nTimeoutStopSec=35s\n'));
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutSec=10\nTimeoutStopSec=60\n')), []);
  });

  it('lands in the drop-in that decides, and fixes it there', () => {
    const plain = unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutStopSec=60\n');
    const dropIn = '[Service]\nTimeoutStopSec=10\n';
    assert.deepEqual(seen(rule, UNIT, plain, { others: { [DROP_IN]: dropIn } }), []);
    assert.deepEqual(seen(rule, DROP_IN, dropIn, { others: { [UNIT]: plain } }).map((f) => f.underlined), ['TimeoutStopSec=10']);
    const { after } = fixAcross(rule, { [UNIT]: plain, [DROP_IN]: dropIn }, DROP_IN);
    assert.equal(after[DROP_IN], '[Service]\nTimeoutStopSec=35s\n');
    assert.equal(after[UNIT], plain);
    // A TimeoutSec= in a drop-in overrides the unit's TimeoutStopSec= too; the new line goes after it, in the drop-in.
    const viaTimeoutSec = fixAcross(rule, { [UNIT]: plain, [DROP_IN]: '[Service]\nTimeoutSec=10\n' }, DROP_IN);
    assert.equal(viaTimeoutSec.after[DROP_IN], '[Service]\nTimeoutSec=10\nTimeoutStopSec=35s\n');
    assert.equal(viaTimeoutSec.after[UNIT], plain);
  });

  it('judges a template unit like any other, and leaves an instance’s config it cannot read alone', () => {
    assert.deepEqual(seen(rule, TEMPLATE, unit('ExecStart=/usr/bin/gunicorn --bind unix:/run/app/%i.sock app:app\nTimeoutStopSec=40\n')), []);
    assert.deepEqual(seen(rule, TEMPLATE, unit('ExecStart=/usr/bin/gunicorn -c /etc/app/%i.conf.py app:app\nTimeoutStopSec=10\n')), []);
    assert.deepEqual(seen(rule, TEMPLATE, unit('ExecStart=/usr/bin/gunicorn --bind unix:/run/app/%i.sock app:app\nTimeoutStopSec=10\n')).map((f) => f.underlined), ['TimeoutStopSec=10']);
  });
});

describe('fixed units pass systemd-analyze verify with nothing new', function () {
  this.timeout(60_000);
  const cases: [string, string, LintSetup][] = [
    ['systemd/restart-without-backoff', netflow, {}],
    ['systemd/restart-without-backoff', unit('ExecStart=/usr/bin/gunicorn app:app\nRestart=on-failure\nRestartSec=5\n'), {}],
    ['systemd/no-resource-limits', netflow, { others: netflowHost }],
    ['systemd/memory-limits-inconsistent', unit('ExecStart=/usr/bin/gunicorn app:app\nMemoryMax=512M\nMemoryHigh=1G\n'), {}],
    ['systemd/memory-limits-inconsistent', unit('ExecStart=/usr/bin/gunicorn app:app\nMemoryMax=2G\n'), { host: { cpus: 4, memoryMiB: 1024, versions: {} } }],
    ['systemd/tasks-max-too-low', unit('ExecStart=/usr/bin/gunicorn --workers 8 --threads 8 app:app\nTasksMax=50\n'), {}],
    ['systemd/stop-timeout-below-graceful', unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutStopSec=10s\n'), {}],
    ['systemd/stop-timeout-below-graceful', unit('ExecStart=/usr/bin/gunicorn app:app\nTimeoutSec=10\n'), {}],
  ];
  for (const [rule, text, setup] of cases) {
    it(`${rule}: ${underlinedOf(rule, text, setup)}`, function () {
      if (!requireOracle(this, 'systemd-analyze')) return;
      // The fixes are written for the systemd that verifies them.
      const installed = /^systemd (\d+)/.exec(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }))![1]!;
      const withVersion: LintSetup = { ...setup, host: { ...(setup.host ?? {}), versions: { systemd: installed } } };
      // Programs that exist here, so verify judges the unit and not this machine.
      const runnable = (unitText: string) => unitText.replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true').replace(/^WorkingDirectory=.*$/m, 'WorkingDirectory=/tmp');
      assert.ok(lint(UNIT, text, withVersion).some((finding) => finding.rule === rule));
      const after = fixed(rule, UNIT, text, withVersion);
      assert.notEqual(after, text);
      const before = verifyMessages('app.service', runnable(text));
      assert.deepEqual(verifyMessages('app.service', runnable(after)).filter((line) => !before.includes(line)), []);
    });
  }
});

function underlinedOf(rule: string, text: string, setup: LintSetup): string {
  const [finding] = findingsOf(rule, UNIT, text, setup);
  return finding ? underlinedRange(text, finding.range) : '(no finding)';
}
