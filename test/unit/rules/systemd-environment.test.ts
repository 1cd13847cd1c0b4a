import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { FileReport } from '../../../server/src/core/engine/lint';
import { MemoryFiles, type ReadResult } from '../../../server/src/core/model/file-access';
import type { Finding } from '../../../server/src/core/model/finding';
import { applyEdits } from '../../../server/src/core/text/edits';
import { assertFixRoundTrip, findingsOf, lint, linter, seen, type LintSetup } from '../../helpers/lint';
import { requireOracle } from '../../helpers/oracles';
import { verifyMessages } from '../../helpers/systemd-verify';
import { underlinedRange } from '../../helpers/text';

const UNIT = '/srv/app/app.service';
const DROP_IN = '/srv/app/app.service.d/10-local.conf';
const TEMPLATE = '/srv/app/app@.service';
const seed = (path: string) => readFileSync(path, 'utf8');
const unit = (service: string) => `[Unit]\nDescription=app\n\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`;
const trunk8 = seed('examples/trunk8/trunk8.service');
const pxe = seed('examples/nutanix-pxe/nutanix-pxe.service');
const netflow = seed('examples/netflow-dashboard/netflow-dashboard.service');
const netflowScript = { '/srv/app/netflow-dashboard.py': seed('examples/netflow-dashboard/netflow-dashboard.py') };
const pxeFiles = (ini = seed('examples/nutanix-pxe/.deploylint.ini')) => ({
  '/opt/nutanix-pxe/gunicorn.conf.py': seed('examples/nutanix-pxe/gunicorn.conf.py'),
  '/opt/nutanix-pxe/.deploylint.ini': ini,
});
const PXE = '/opt/nutanix-pxe/nutanix-pxe.service';

/** The netflow seed as it would be with Type=notify. */
const netflowNotify = netflow.replace('Type=simple', 'Type=notify');

describe('systemd/notify-without-support', () => {
  const rule = 'systemd/notify-without-support';

  it('flags Type=notify for a script that runs the Flask development server, and writes Type=exec', () => {
    assert.deepEqual(seen(rule, UNIT, netflowNotify, { files: netflowScript }), [
      {
        underlined: 'Type=notify',
        severity: 'error',
        message:
          "Type=notify waits for READY=1, which python netflow-dashboard.py (Flask's development server) never sends: systemd counts the start as hung, stops the service after TimeoutStartSec= (90 s by default) and marks it failed",
      },
    ]);
    const [finding] = findingsOf(rule, UNIT, netflowNotify, { files: netflowScript });
    assert.equal(finding!.fixes[0]!.title, 'Use Type=exec (the service counts as started once its program runs)');
    assert.equal(finding!.fixes[0]!.safe, true);
    const fixed = assertFixRoundTrip(rule, UNIT, netflowNotify, { setup: { files: netflowScript } });
    assert.equal(fixed, netflow.replace('Type=simple', 'Type=exec'));
  });

  it('judges gunicorn by the version deployed: before 20 it never notifies', () => {
    const text = unit('Type=notify\nUser=app\nExecStart=/opt/app/venv/bin/gunicorn --bind 127.0.0.1:8000 app:app\n');
    const old: LintSetup = { host: { versions: { gunicorn: '19.9.0' } } };
    assert.deepEqual(seen(rule, UNIT, text, old).map((f) => f.message), [
      'Type=notify waits for READY=1, which gunicorn 19.9.0 (support came in gunicorn 20) never sends: systemd counts the start as hung, stops the service after TimeoutStartSec= (90 s by default) and marks it failed',
    ]);
    assert.match(assertFixRoundTrip(rule, UNIT, text, { setup: old }), /\nType=exec\n/);
    assert.deepEqual(seen(rule, UNIT, text, { host: { versions: { gunicorn: '20.0.0' } } }), []);
    assert.deepEqual(seen(rule, UNIT, text, { host: { distro: 'debian-12', versions: {} } }), []);
    assert.deepEqual(seen(rule, UNIT, text), []);
  });

  it('writes Type=simple where the target systemd has no Type=exec (before 240)', () => {
    const text = unit('Type=notify\nExecStart=/usr/bin/flask run --host 0.0.0.0\n');
    const [finding] = findingsOf(rule, UNIT, text, { host: { versions: { systemd: '237' } } });
    assert.equal(finding!.message.split(',')[0], 'Type=notify waits for READY=1');
    assert.match(finding!.message, /which flask run \(the Werkzeug development server\) never sends/);
    assert.equal(finding!.fixes[0]!.title, 'Use Type=simple (Type=exec needs systemd 240; the target is 237)');
    assert.match(assertFixRoundTrip(rule, UNIT, text, { setup: { host: { versions: { systemd: '237' } } } }), /\nType=simple\n/);
  });

  it('knows uvicorn and the Django development server, however they are started', () => {
    const what = (execStart: string) => findingsOf(rule, UNIT, unit(`Type=notify\nExecStart=${execStart}\n`)).map((f) => /which (.*) never sends/.exec(f.message)![1]);
    assert.deepEqual(what('/opt/app/venv/bin/uvicorn main:app --port 8000'), ['uvicorn']);
    assert.deepEqual(what('/opt/app/venv/bin/python -m uvicorn main:app'), ['uvicorn']);
    assert.deepEqual(what('/usr/bin/env FLASK_APP=app flask run'), ['flask run (the Werkzeug development server)']);
    assert.deepEqual(what('/opt/app/venv/bin/python3 -u /opt/app/manage.py runserver 0.0.0.0:8000'), ["manage.py runserver (Django's development server)"]);
    assert.deepEqual(what('/usr/bin/python3 -m django runserver'), ["python -m django runserver (Django's development server)"]);
  });

  it('is quiet for the PXE seed: gunicorn 20 and later sends READY=1', () => {
    assert.deepEqual(seen(rule, PXE, pxe, { others: pxeFiles() }), []);
    assert.deepEqual(seen(rule, PXE, pxe, { others: pxeFiles('[host]\ncpus = 2\nmemory = 2G\n') }), []);
    // The same unit on a gunicorn without sd_notify fails to start.
    assert.deepEqual(seen(rule, PXE, pxe, { others: pxeFiles('[host]\ndistro = debian-12\n[versions]\ngunicorn = 19.9.0\n') }).map((f) => f.underlined), ['Type=notify']);
  });

  it('is quiet when the script notifies itself, cannot be read, or NotifyAccess=all lets another process do it, and for other types', () => {
    const notifying = { '/srv/app/netflow-dashboard.py': `${netflowScript['/srv/app/netflow-dashboard.py']}\nimport sdnotify\nsdnotify.SystemdNotifier().notify("READY=1")\n` };
    assert.deepEqual(seen(rule, UNIT, netflowNotify, { files: notifying }), []);
    assert.deepEqual(seen(rule, UNIT, netflowNotify), []);
    assert.deepEqual(seen(rule, UNIT, netflowNotify.replace('Type=notify', 'Type=notify\nNotifyAccess=all'), { files: netflowScript }), []);
    assert.deepEqual(seen(rule, UNIT, netflow, { files: netflowScript }), []);
    assert.deepEqual(seen(rule, UNIT, unit('Type=notify\nExecStart=/usr/sbin/some-daemon --foreground\n')), []);
  });

  it('flags Type=notify-reload for gunicorn, which never sends RELOADING=1, and writes ExecReload= instead', () => {
    const text = unit('Type=notify-reload\nUser=app\nExecStart=/opt/app/venv/bin/gunicorn app:app\n');
    assert.deepEqual(seen(rule, UNIT, text), [
      {
        underlined: 'Type=notify-reload',
        severity: 'warning',
        message:
          'Type=notify-reload waits for RELOADING=1 after each SIGHUP, which gunicorn never sends: every systemctl reload hangs for TimeoutStartSec= (90 s by default) until systemd gives up with "Reload operation timed out"',
      },
    ]);
    assert.equal(
      assertFixRoundTrip(rule, UNIT, text),
      unit('Type=notify\nUser=app\nExecStart=/opt/app/venv/bin/gunicorn app:app\nExecReload=/bin/kill -s HUP $MAINPID\n'),
    );
    assert.deepEqual(seen(rule, UNIT, text.replace('User=app', 'User=app\nExecReload=/bin/kill -s HUP $MAINPID')), []);
    // systemd 252 has no notify-reload: systemd/invalid-value says so.
    assert.deepEqual(seen(rule, UNIT, text, { host: { distro: 'debian-12', versions: {} } }), []);
  });

  it('reports a Type= set in a drop-in there, and fixes it there', () => {
    const web = unit('User=app\nExecStart=/usr/bin/python3 /srv/app/netflow-dashboard.py\n');
    const dropIn = '[Service]\nType=notify\n';
    assert.deepEqual(seen(rule, DROP_IN, dropIn, { others: { [UNIT]: web }, files: netflowScript }).map((f) => f.underlined), ['Type=notify']);
    assert.deepEqual(seen(rule, UNIT, web, { others: { [DROP_IN]: dropIn }, files: netflowScript }), []);
    assert.equal(assertFixRoundTrip(rule, DROP_IN, dropIn, { setup: { others: { [UNIT]: web }, files: netflowScript } }), '[Service]\nType=exec\n');
  });

  it('understands a template unit with specifiers', () => {
    const template = unit('Type=notify\nUser=%i\nEnvironmentFile=/etc/app/%i.env\nExecStart=/opt/app/venv/bin/gunicorn --bind unix:/run/%i.sock app:app\n');
    assert.deepEqual(seen(rule, TEMPLATE, template), []);
    assert.deepEqual(seen(rule, TEMPLATE, template, { host: { versions: { gunicorn: '19.9.0' } } }).map((f) => f.underlined), ['Type=notify']);
  });
});

describe('systemd/secret-in-environment', () => {
  const rule = 'systemd/secret-in-environment';
  const TRUNK8 = '/srv/trunk8/trunk8.service';
  const exposed = (what: string, name = 'trunk8.service') =>
    `${what} in Environment=: any local user can read it with systemctl show ${name} (systemd exposes Environment= to unprivileged D-Bus clients), and every program the app starts inherits it`;

  it('flags both secrets of the Trunk8 seed, each name=value underlined', () => {
    assert.deepEqual(seen(rule, TRUNK8, trunk8), [
      { underlined: 'TRUNK8_ADMIN_PASSWORD=your-secure-password', severity: 'warning', message: exposed('TRUNK8_ADMIN_PASSWORD is a secret') },
      { underlined: 'TRUNK8_SECRET_KEY=your-secret-key', severity: 'warning', message: exposed('TRUNK8_SECRET_KEY is a secret') },
    ]);
  });

  it('moves a secret to a new EnvironmentFile= in place of its line, and says to create the file', () => {
    const [first, second] = findingsOf(rule, TRUNK8, trunk8);
    assert.deepEqual(
      first!.fixes.map((fix) => [fix.title, fix.safe, fix.preferred ?? false]),
      [
        ['Move TRUNK8_ADMIN_PASSWORD to EnvironmentFile=/etc/trunk8/env (create that file on the server with mode 0600, owned by root, holding TRUNK8_ADMIN_PASSWORD=…)', false, true],
        [
          'Pass TRUNK8_ADMIN_PASSWORD as a credential: LoadCredential=TRUNK8_ADMIN_PASSWORD:/etc/credstore/TRUNK8_ADMIN_PASSWORD (write the value to that file, mode 0600; the app reads it from $CREDENTIALS_DIRECTORY/TRUNK8_ADMIN_PASSWORD)',
          false,
          false,
        ],
      ],
    );
    // /etc/trunk8/env is on the server, not beside the unit: nothing is created.
    assert.equal(first!.fixes[0]!.creates, undefined);
    const once = assertFixRoundTrip(rule, TRUNK8, trunk8);
    assert.match(once, /\nEnvironment=PATH=\/opt\/trunk8\/\.venv\/bin\nEnvironmentFile=\/etc\/trunk8\/env\nEnvironment=TRUNK8_SECRET_KEY=your-secret-key\n/);
    // The second secret then goes to the file the unit reads now.
    assert.equal(second!.fixes[0]!.title.startsWith('Move TRUNK8_SECRET_KEY to EnvironmentFile=/etc/trunk8/env'), true);
    const [next] = findingsOf(rule, TRUNK8, once);
    assert.equal(next!.fixes[0]!.title, 'Move TRUNK8_SECRET_KEY to /etc/trunk8/env, which EnvironmentFile= reads already (add TRUNK8_SECRET_KEY=… there; keep the file mode 0600, owned by root)');
    const twice = assertFixRoundTrip(rule, TRUNK8, once);
    assert.doesNotMatch(twice, /TRUNK8_SECRET_KEY|TRUNK8_ADMIN_PASSWORD/);
    assert.equal(twice.match(/EnvironmentFile=/g)!.length, 1);
  });

  it('offers LoadCredential= where the target systemd has it (247)', () => {
    const fixed = assertFixRoundTrip(rule, TRUNK8, trunk8, { fixTitle: /LoadCredential/ });
    assert.match(fixed, /\nLoadCredential=TRUNK8_ADMIN_PASSWORD:\/etc\/credstore\/TRUNK8_ADMIN_PASSWORD\nEnvironment=TRUNK8_SECRET_KEY/);
    const [old] = findingsOf(rule, TRUNK8, trunk8, { host: { versions: { systemd: '245' } } });
    assert.deepEqual(old!.fixes.map((fix) => fix.title.split(' ')[0]), ['Move']);
  });

  it('finds a password in a URL among several quoted assignments, and moves only that one', () => {
    const text = unit('User=app\nEnvironment="LANG=C.UTF-8" "DATABASE_URL=postgres://app:s3cret@db/app" DEBUG=0\nExecStart=/usr/bin/gunicorn app:app\n');
    assert.deepEqual(seen(rule, UNIT, text), [
      { underlined: '"DATABASE_URL=postgres://app:s3cret@db/app"', severity: 'warning', message: exposed('DATABASE_URL has a password in its URL', 'app.service') },
    ]);
    assert.match(assertFixRoundTrip(rule, UNIT, text), /\nEnvironment="LANG=C\.UTF-8" DEBUG=0\nEnvironmentFile=\/etc\/app\/env\nExecStart=/);
    const last = unit('Environment=LANG=C.UTF-8 API_KEY=abc123\nExecStart=/usr/bin/gunicorn app:app\n');
    assert.match(assertFixRoundTrip(rule, UNIT, last), /\nEnvironment=LANG=C\.UTF-8\nEnvironmentFile=\/etc\/app\/env\n/);
  });

  it('leaves alone names that only mention a secret, empty values, references, paths and switches', () => {
    const quiet = [
      'SECRET_KEY_FILE=/etc/app/secret_key',
      'TOKEN_EXPIRY=3600',
      'PASSWORD_MIN_LENGTH=12',
      'DB_PASSWORD=',
      'API_KEY=${API_KEY}',
      'DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app',
      'DATABASE_URL=postgres://app@db/app',
      'REQUIRE_PASSWORD=yes',
      'GOOGLE_APPLICATION_CREDENTIALS=/etc/app/gcp.json',
      'DB_PASSWORD=%d/db',
      'MAX_TOKENS=4096',
      'CACHE_KEY=pages',
      'PWD=/srv/app',
      'BYPASS=1',
    ];
    for (const assignment of quiet) assert.deepEqual(seen(rule, UNIT, unit(`Environment=${assignment}\nExecStart=/bin/true\n`)), [], assignment);
    const loud = ['MYSQL_PWD=x1', 'PGPASSWORD=x1', 'SECRET_KEY_BASE=abc', 'STRIPE_SECRET=sk_live_x', 'GITHUB_TOKEN=ghp_x', 'smtp_pass=hunter2', 'CELERY_BROKER_URL=amqp://user:pw@mq//'];
    for (const assignment of loud) assert.equal(seen(rule, UNIT, unit(`Environment=${assignment}\nExecStart=/bin/true\n`)).length, 1, assignment);
    // A reset drops what came before it.
    assert.deepEqual(seen(rule, UNIT, unit('Environment=DB_PASSWORD=x\nEnvironment=\nExecStart=/bin/true\n')), []);
  });

  it('creates the file with the value when it belongs in the workspace, quoted as systemd writes it', () => {
    const text = unit('EnvironmentFile=/srv/app/app.env\nEnvironment="DB_PASSWORD=pa ss$word"\nExecStart=/bin/true\n');
    const [finding] = findingsOf(rule, UNIT, text);
    const fix = finding!.fixes[0]!;
    assert.equal(fix.title, 'Move DB_PASSWORD to /srv/app/app.env, which EnvironmentFile= reads already (creates the file; keep it mode 0600, owned by root)');
    assert.deepEqual(fix.creates, [
      {
        path: '/srv/app/app.env',
        text: '# Environment of app.service: systemd reads this file as root when the service starts.\n# It holds secrets: keep it mode 0600, owned by root, and out of version control.\nDB_PASSWORD="pa ss\\$word"\n',
      },
    ]);
    assert.equal(assertFixRoundTrip(rule, UNIT, text), unit('EnvironmentFile=/srv/app/app.env\nExecStart=/bin/true\n'));
    // A file that exists is not overwritten: the title says to add the variable.
    const [existing] = findingsOf(rule, UNIT, text, { files: { '/srv/app/app.env': 'LANG=C.UTF-8\n' } });
    assert.equal(existing!.fixes[0]!.creates, undefined);
    assert.match(existing!.fixes[0]!.title, /\(add DB_PASSWORD=… there; keep the file mode 0600, owned by root\)$/);
  });

  it("creates /etc/<unit>/env in a workspace that holds the machine's files, unless the run may not write there", () => {
    const image = '/repo/rootfs/etc/systemd/system/trunk8.service';
    const [finding] = findingsOf(rule, image, trunk8);
    assert.equal(finding!.fixes[0]!.title, 'Move TRUNK8_ADMIN_PASSWORD to EnvironmentFile=/etc/trunk8/env (creates the file; keep it mode 0600, owned by root)');
    assert.deepEqual(finding!.fixes[0]!.creates!.map((file) => [file.path, file.text.split('\n')[2]]), [['/repo/rootfs/etc/trunk8/env', 'TRUNK8_ADMIN_PASSWORD=your-secure-password']]);

    // The folder the user opened is /repo/rootfs/etc/systemd: /repo/rootfs/etc/trunk8 is beyond it.
    class Opened extends MemoryFiles {
      override read(path: string): ReadResult {
        return path.startsWith('/repo/rootfs/etc/systemd/') ? super.read(path) : { ok: false, reason: 'outside', message: `${path}: outside` };
      }
    }
    const reports: FileReport[] = linter.lint({ documents: [{ path: image, text: trunk8, kind: 'systemd' }], files: new Opened([[image, trunk8]]) });
    const [outside] = reports[0]!.findings.filter((candidate: Finding) => candidate.rule === rule);
    assert.equal(outside!.fixes[0]!.creates, undefined);
    assert.match(outside!.fixes[0]!.title, /\(create that file on the server with mode 0600, owned by root, holding TRUNK8_ADMIN_PASSWORD=…\)$/);
  });

  it('reports a secret set in a drop-in there, and moves it from there', () => {
    const web = unit('User=app\nExecStart=/usr/bin/gunicorn app:app\n');
    const dropIn = '[Service]\nEnvironment=DJANGO_SECRET_KEY=abc\n';
    assert.deepEqual(seen(rule, DROP_IN, dropIn, { others: { [UNIT]: web } }).map((f) => [f.underlined, f.message]), [
      ['DJANGO_SECRET_KEY=abc', exposed('DJANGO_SECRET_KEY is a secret', 'app.service')],
    ]);
    assert.deepEqual(seen(rule, UNIT, web, { others: { [DROP_IN]: dropIn } }), []);
    assert.equal(assertFixRoundTrip(rule, DROP_IN, dropIn, { setup: { others: { [UNIT]: web } } }), '[Service]\nEnvironmentFile=/etc/app/env\n');
  });

  it('understands a template unit: its EnvironmentFile= with %i, and the instance in the message', () => {
    const template = unit('User=%i\nEnvironmentFile=/etc/app/%i.env\nEnvironment=APP_SECRET_FILE=%d/secret LANG=C.UTF-8\nExecStart=/opt/app/venv/bin/gunicorn --bind unix:/run/%i.sock app:app\n');
    assert.deepEqual(seen(rule, TEMPLATE, template), []);
    const leaky = template.replace('LANG=C.UTF-8', 'APP_TOKEN=t0k3n');
    const [finding] = findingsOf(rule, TEMPLATE, leaky);
    assert.equal(finding!.message, exposed('APP_TOKEN is a secret', 'app@<instance>.service'));
    assert.equal(finding!.fixes[0]!.title, 'Move APP_TOKEN to /etc/app/%i.env, which EnvironmentFile= reads already (add APP_TOKEN=… there; keep the file mode 0600, owned by root)');
    assert.equal(finding!.fixes[0]!.creates, undefined);
  });
});

describe('systemd/path-override', () => {
  const rule = 'systemd/path-override';

  it('flags the Trunk8 seed and appends the system directories after the virtualenv', () => {
    assert.deepEqual(seen(rule, UNIT, trunk8), [
      {
        underlined: 'PATH=/opt/trunk8/.venv/bin',
        severity: 'warning',
        message:
          'PATH=/opt/trunk8/.venv/bin leaves out the system directories: the unit still starts (systemd finds ExecStart=\'s program on its own search path), but every program the app runs by name (sh, git, a subprocess call) fails with "No such file or directory"',
      },
    ]);
    assert.match(assertFixRoundTrip(rule, UNIT, trunk8), /\nEnvironment=PATH=\/opt\/trunk8\/\.venv\/bin:\/usr\/local\/bin:\/usr\/bin:\/bin\n/);
  });

  it('flags the PXE seed', () => {
    assert.deepEqual(seen(rule, PXE, pxe, { others: pxeFiles() }).map((f) => f.underlined), ['PATH=/opt/nutanix-pxe/venv/bin']);
    assert.match(assertFixRoundTrip(rule, PXE, pxe, { setup: { others: pxeFiles() } }), /\nEnvironment=PATH=\/opt\/nutanix-pxe\/venv\/bin:\/usr\/local\/bin:\/usr\/bin:\/bin\n/);
  });

  it('finds PATH among several quoted assignments, and keeps the quotes', () => {
    const text = unit('Environment="LANG=C.UTF-8" "PATH=/opt/app/venv/bin"\nExecStart=/opt/app/venv/bin/gunicorn app:app\n');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => f.underlined), ['"PATH=/opt/app/venv/bin"']);
    assert.match(assertFixRoundTrip(rule, UNIT, text), /Environment="LANG=C\.UTF-8" "PATH=\/opt\/app\/venv\/bin:\/usr\/local\/bin:\/usr\/bin:\/bin"\n/);
  });

  it('is quiet when PATH keeps /usr/bin, and when a later Environment= reset drops it', () => {
    assert.deepEqual(seen(rule, UNIT, unit('Environment=PATH=/opt/app/venv/bin:/usr/bin:/bin\nExecStart=/bin/true\n')), []);
    assert.deepEqual(seen(rule, UNIT, unit('Environment=PATH=/opt/app/venv/bin\nEnvironment=\nExecStart=/bin/true\n')), []);
  });

  it('reports a PATH set in a drop-in there, and fixes it there', () => {
    const web = unit('ExecStart=/opt/app/venv/bin/gunicorn app:app\n');
    const dropIn = '[Service]\nEnvironment=PATH=/opt/app/venv/bin\n';
    assert.deepEqual(seen(rule, DROP_IN, dropIn, { others: { [UNIT]: web } }).map((f) => f.underlined), ['PATH=/opt/app/venv/bin']);
    assert.deepEqual(seen(rule, UNIT, web, { others: { [DROP_IN]: dropIn } }), []);
    assert.equal(assertFixRoundTrip(rule, DROP_IN, dropIn, { setup: { others: { [UNIT]: web } } }), '[Service]\nEnvironment=PATH=/opt/app/venv/bin:/usr/local/bin:/usr/bin:/bin\n');
  });

  it('understands a template unit whose PATH names the instance', () => {
    assert.deepEqual(seen(rule, TEMPLATE, unit('User=%i\nEnvironment=PATH=/srv/%i/venv/bin:/usr/local/bin:/usr/bin:/bin\nExecStart=/srv/%i/venv/bin/gunicorn app:app\n')), []);
    assert.deepEqual(seen(rule, TEMPLATE, unit('User=%i\nEnvironment=PATH=/srv/%i/venv/bin\nExecStart=/srv/%i/venv/bin/gunicorn app:app\n')).map((f) => f.underlined), [
      'PATH=/srv/%i/venv/bin',
    ]);
  });
});

describe('systemd/runs-as-root', () => {
  const rule = 'systemd/runs-as-root';
  const NETFLOW = '/srv/app/netflow-dashboard.service';

  it('flags the netflow seed (python as root) and adds User= and Group= named after the unit', () => {
    assert.deepEqual(seen(rule, NETFLOW, netflow), [
      {
        underlined: 'ExecStart',
        severity: 'warning',
        message: 'netflow-dashboard.service runs its web server as root (no User= or DynamicUser=): a flaw in the app or in any of its dependencies gives the attacker the whole machine',
      },
    ]);
    const [finding] = findingsOf(rule, NETFLOW, netflow);
    assert.equal(finding!.fixes[0]!.title, 'Run as User=netflow-dashboard, Group=netflow-dashboard (create the account first: useradd --system --no-create-home netflow-dashboard)');
    assert.equal(finding!.fixes[0]!.safe, false);
    const fixed = assertFixRoundTrip(rule, NETFLOW, netflow);
    assert.match(fixed, /\nRestart=always\nUser=netflow-dashboard\nGroup=netflow-dashboard\n\n\[Install\]/);
  });

  it('keeps a Group= already written', () => {
    const text = unit('Group=www-data\nExecStart=/usr/bin/gunicorn app:app\n');
    const [finding] = findingsOf(rule, UNIT, text);
    assert.equal(finding!.fixes[0]!.title, 'Run as User=app (create the account first: useradd --system --no-create-home app)');
    assert.equal(assertFixRoundTrip(rule, UNIT, text), unit('Group=www-data\nUser=app\nExecStart=/usr/bin/gunicorn app:app\n'));
  });

  it('reports an ExecStart= of a drop-in there', () => {
    const dropIn = '[Service]\nExecStart=\nExecStart=/usr/bin/gunicorn app:app\n';
    assert.deepEqual(seen(rule, DROP_IN, dropIn, { others: { [UNIT]: unit('ExecStart=/usr/bin/rsync -a /a /b\n') } }).map((f) => f.underlined), ['ExecStart']);
  });

  it('is quiet with User= in a drop-in, with DynamicUser=yes, with User=%i in a template, for user units, and for units that serve nothing', () => {
    const web = unit('ExecStart=/usr/bin/gunicorn app:app\n');
    assert.deepEqual(seen(rule, UNIT, web, { others: { [DROP_IN]: '[Service]\nUser=web\n' } }), []);
    assert.deepEqual(seen(rule, UNIT, unit('DynamicUser=yes\nExecStart=/usr/bin/gunicorn app:app\n')), []);
    assert.deepEqual(seen(rule, TEMPLATE, unit('User=%i\nExecStart=/usr/bin/gunicorn --bind unix:/run/%i.sock app:app\n')), []);
    assert.deepEqual(seen(rule, '/home/ana/.config/systemd/user/app.service', web), []);
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/rsync -a /a /b\n')), []);
  });
});

describe('systemd/not-in-target-version follows the declared machine', () => {
  const rule = 'systemd/not-in-target-version';
  const text = unit('ExecStart=/usr/bin/gunicorn app:app\nRestart=on-failure\nRestartSteps=5\n');

  it('flags RestartSteps= (systemd 254) on debian-12 (252), not on debian-13 (257)', () => {
    assert.deepEqual(seen(rule, UNIT, text, { host: { distro: 'debian-12', versions: {} } }), [
      { underlined: 'RestartSteps', severity: 'error', message: 'RestartSteps= does not work in systemd 252 (added in 254): it is ignored' },
    ]);
    assert.deepEqual(seen(rule, UNIT, text, { host: { distro: 'debian-13', versions: {} } }), []);
  });

  it('reads the distro from the .deploylint.ini beside the unit', () => {
    assert.deepEqual(seen(rule, UNIT, text, { others: { '/srv/app/.deploylint.ini': '[host]\ndistro = debian-12\n' } }).map((f) => f.underlined), ['RestartSteps']);
    assert.deepEqual(seen(rule, UNIT, text, { others: { '/srv/app/.deploylint.ini': '[host]\ndistro = debian-13\n' } }), []);
  });
});

describe('environment and account fixes pass systemd-analyze verify with nothing new', function () {
  this.timeout(60_000);
  const cases: [string, string, RegExp | undefined, LintSetup][] = [
    ['systemd/notify-without-support', netflowNotify, undefined, { files: netflowScript }],
    ['systemd/secret-in-environment', trunk8, /^Move/, {}],
    ['systemd/secret-in-environment', trunk8, /LoadCredential/, {}],
    ['systemd/secret-in-environment', unit('Environment="LANG=C.UTF-8" "DATABASE_URL=postgres://app:s3cret@db/app"\nExecStart=/bin/true\n'), /^Move/, {}],
    ['systemd/path-override', trunk8, undefined, {}],
    ['systemd/runs-as-root', netflow, undefined, {}],
  ];
  for (const [rule, text, title, setup] of cases) {
    it(`${rule}${title ? ` (${title.source})` : ''}`, function () {
      if (!requireOracle(this, 'systemd-analyze')) return;
      // The fixes are written for the systemd that verifies them.
      const installed = /^systemd (\d+)/.exec(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }))![1]!;
      const full: LintSetup = { ...setup, host: { versions: { systemd: installed } } };
      const [finding] = findingsOf(rule, UNIT, text, full);
      const fix = title ? finding?.fixes.find((candidate) => title.test(candidate.title)) : finding?.fixes[0];
      assert.ok(fix, `a ${rule} fix`);
      const after = applyEdits(text, fix.edits.filter((edit) => edit.path === UNIT))!;
      // Programs that exist here (a command line may run over several lines), so verify judges the unit and not this machine.
      const runnable = (unitText: string) =>
        unitText.replace(/^ExecStart=(?:.*\\\n)*.*$/m, 'ExecStart=/bin/true').replace(/^WorkingDirectory=.*$/m, 'WorkingDirectory=/tmp');
      const before = verifyMessages('app.service', runnable(text));
      assert.deepEqual(verifyMessages('app.service', runnable(after)).filter((line) => !before.includes(line)), []);
      assert.notEqual(after, text);
    });
  }
});

describe('fix titles and underlines agree with the text', () => {
  it('underlines exactly the assignment, also on a continued line', () => {
    const text = unit('Environment=LANG=C.UTF-8 \\\n  API_KEY=abc\nExecStart=/bin/true\n');
    const [finding] = findingsOf('systemd/secret-in-environment', UNIT, text);
    assert.equal(underlinedRange(text, finding!.range), 'API_KEY=abc');
    assert.equal(applyEdits(text, finding!.fixes[0]!.edits), unit('Environment=LANG=C.UTF-8\nEnvironmentFile=/etc/app/env\nExecStart=/bin/true\n'));
    assert.equal(lint(UNIT, applyEdits(text, finding!.fixes[0]!.edits)!).filter((f) => f.rule === 'systemd/secret-in-environment').length, 0);
  });
});
