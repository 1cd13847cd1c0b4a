import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { applyEdits } from '../../../server/src/core/text/edits';
import { assertFixRoundTrip, findingsOf, shown, type LintSetup } from '../../helpers/lint';
import { requireOracle } from '../../helpers/oracles';
import { verifyMessages } from '../../helpers/systemd-verify';
import { underlinedRange } from '../../helpers/text';

const seed = (path: string) => readFileSync(path, 'utf8');
const unit = (service: string) => `[Unit]\nDescription=app\n\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`;

describe('stack/port-conflict', () => {
  const rule = 'stack/port-conflict';
  const UNIT = '/srv/app/app.service';
  const OTHER = '/srv/other/other.service';
  const DASHBOARD = '/opt/netmonitor/netmonitor-dashboard.service';
  const MONITOR = '/opt/netmonitor/netmonitor.service';
  const dashboardUnit = seed('examples/netmonitor/netmonitor-dashboard.service');
  /** Seed 001's embedded mode: netmonitor.py runs the dashboard itself, in a thread, on the port of the .env. */
  const monitorUnit = unit('WorkingDirectory=/opt/netmonitor\nExecStart=/opt/netmonitor/venv/bin/python3 /opt/netmonitor/netmonitor.py\nRestart=on-failure\n');
  const monitorScript =
    'import threading\n\nfrom flask_socketio import SocketIO\nfrom web_dashboard import init_dashboard\n\napp = init_dashboard(config_file="config.yaml")\nsocketio = SocketIO(app)\n\n\ndef run_dashboard():\n    socketio.run(app, host="0.0.0.0", port=8080)\n\n\nif __name__ == "__main__":\n    threading.Thread(target=run_dashboard, daemon=True).start()\n';
  const apps = {
    '/opt/netmonitor/netmonitor.py': monitorScript,
    '/opt/netmonitor/wsgi.py': seed('examples/netmonitor/wsgi.py'),
    '/opt/netmonitor/web_dashboard.py': seed('examples/netmonitor/web_dashboard.py'),
  };
  const IN_USE = 'only one can listen there; whichever starts second fails with "Address already in use"';
  const twoUnits = (mine: string, theirs: string) => shown(rule, UNIT, unit(`ExecStart=/usr/bin/gunicorn ${mine} app:app\n`), { others: { [OTHER]: unit(`ExecStart=/usr/bin/gunicorn ${theirs} other:app\n`) } });

  it('seed 001: the dashboard netmonitor.service runs itself and gunicorn of netmonitor-dashboard.service both take 0.0.0.0:8080; each side names the other', () => {
    assert.deepEqual(shown(rule, DASHBOARD, dashboardUnit, { others: { [MONITOR]: monitorUnit }, files: apps }), [
      {
        underlined: '--bind 0.0.0.0:8080',
        severity: 'error',
        message: `gunicorn of netmonitor-dashboard.service listens on 0.0.0.0:8080 (the command line in netmonitor-dashboard.service:14), and so does python netmonitor.py of netmonitor.service (socketio.run() in netmonitor.py:11): ${IN_USE}`,
        related: ['netmonitor.py:11 socketio.run() listens on 0.0.0.0:8080'],
      },
    ]);
    assert.deepEqual(shown(rule, MONITOR, monitorUnit, { others: { [DASHBOARD]: dashboardUnit }, files: apps }), [
      {
        underlined: '/opt/netmonitor/venv/bin/python3 /opt/netmonitor/netmonitor.py',
        severity: 'error',
        message: `python netmonitor.py of netmonitor.service listens on 0.0.0.0:8080 (socketio.run() in netmonitor.py:11), and so does gunicorn of netmonitor-dashboard.service (the command line in netmonitor-dashboard.service:14): ${IN_USE}`,
        related: ['netmonitor-dashboard.service:14 gunicorn of netmonitor-dashboard.service binds 0.0.0.0:8080 here', 'netmonitor.py:11 socketio.run() listens on 0.0.0.0:8080'],
      },
    ]);
    // Each mode alone is fine: the gunicorn service, or the monitor with its dashboard.
    assert.deepEqual(shown(rule, DASHBOARD, dashboardUnit, { files: apps }), []);
    assert.deepEqual(shown(rule, MONITOR, monitorUnit, { files: apps }), []);
  });

  it('a development server the app starts when gunicorn imports it: reported once, where the run names the app', () => {
    const text = unit('ExecStart=/usr/bin/gunicorn --workers 2 --bind 0.0.0.0:8080 app:app\n');
    const app = 'from flask import Flask\n\napp = Flask(__name__)\napp.run(host="0.0.0.0", port=8080)\n';
    const starting = 'gunicorn binds the port before its workers import the app, so every worker fails to boot with "Address already in use" (with preload_app, the development server takes the port first and gunicorn cannot bind it)';
    assert.deepEqual(shown(rule, UNIT, text, { files: { '/srv/app/app.py': app } }), [
      {
        underlined: 'app:app',
        severity: 'error',
        message: `app:app, imported by every worker of app.service, listens on 0.0.0.0:8080 (app.run() in app.py:4), and so does gunicorn of app.service (the command line in app.service:5): ${starting}`,
        related: ['app.service:5 gunicorn of app.service binds 0.0.0.0:8080 here', 'app.py:4 app.run() listens on 0.0.0.0:8080'],
      },
    ]);
    // Flask's default address, 127.0.0.1:5000, is inside gunicorn's 0.0.0.0:5000.
    const defaults = 'from flask import Flask\napp = Flask(__name__)\napp.run()\n';
    assert.deepEqual(shown(rule, UNIT, text.replace('0.0.0.0:8080', '0.0.0.0:5000'), { files: { '/srv/app/app.py': defaults } }).map((f) => f.message), [
      `app:app, imported by every worker of app.service, listens on 127.0.0.1:5000 (app.run() in app.py:3, Flask's default address), and gunicorn of app.service on 0.0.0.0:5000 (the command line in app.service:5), the same port on an overlapping address: ${starting}`,
    ]);
    // Under `if __name__ == "__main__":` it does not run under gunicorn; another port, or one that cannot be read, is no clash to report.
    for (const module of [app.replace('app.run(', 'if __name__ == "__main__":\n    app.run('), app.replace('port=8080', 'port=5000'), app.replace('port=8080', 'port=int(os.environ["PORT"])')]) {
      assert.deepEqual(shown(rule, UNIT, text, { files: { '/srv/app/app.py': module } }), [], module);
    }
  });

  it('two services: the same port on the same or an overlapping address clashes, another address or port does not', () => {
    const clash = (mine: string, theirs: string) => twoUnits(`--bind ${mine}`, `-b ${theirs}`).map((f) => f.message);
    assert.deepEqual(clash('127.0.0.1:8000', '127.0.0.1:8000'), [
      `gunicorn of app.service listens on 127.0.0.1:8000 (the command line in app.service:5), and so does gunicorn of other.service (the command line in other.service:5): ${IN_USE}`,
    ]);
    assert.deepEqual(clash('0.0.0.0:8000', 'localhost:8000'), [
      `gunicorn of app.service listens on 0.0.0.0:8000 (the command line in app.service:5), and gunicorn of other.service on localhost:8000 (the command line in other.service:5), the same port on an overlapping address: ${IN_USE}`,
    ]);
    // `::` takes IPv4 too (no IPV6_V6ONLY); an empty host is every IPv4 address.
    assert.equal(clash('[::]:8000', '127.0.0.1:8000').length, 1);
    assert.equal(clash(':8000', '10.0.0.1:8000').length, 1);
    assert.deepEqual(clash('127.0.0.1:8000', '127.0.0.2:8000'), []);
    assert.deepEqual(clash('[::1]:8000', '0.0.0.0:8000'), []);
    assert.deepEqual(clash('127.0.0.1:8000', '127.0.0.1:8001'), []);
    // The same socket path, /var/run being /run.
    assert.deepEqual(clash('unix:/var/run/app.sock', 'unix:/run/app.sock'), [
      "gunicorn of app.service listens on /run/app.sock (the command line in app.service:5), and so does gunicorn of other.service (the command line in other.service:5): both create the socket file, and the one that starts last replaces the other's: the first keeps running on a socket nobody can reach",
    ]);
    // Both with reuse_port share the port on purpose.
    assert.deepEqual(twoUnits('--reuse-port -b :80', '--reuse-port -b :80'), []);
    assert.equal(twoUnits('--reuse-port -b :80', '-b :80').length, 1);
  });

  it("gunicorn's default bind counts, unless an environment file may set PORT", () => {
    assert.deepEqual(twoUnits('', ''), [
      {
        underlined: 'ExecStart',
        severity: 'error',
        message: `gunicorn of app.service listens on 127.0.0.1:8000 (gunicorn's default bind, app.service:5), and so does gunicorn of other.service (gunicorn's default bind, other.service:5): ${IN_USE}`,
        related: ["other.service:5 gunicorn of other.service binds 127.0.0.1:8000 here, gunicorn's default"],
      },
    ]);
    assert.deepEqual(shown(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn app:app\nEnvironmentFile=/etc/app.env\n'), { others: { [OTHER]: unit('ExecStart=/usr/bin/gunicorn other:app\n') } }), []);
  });

  it('a .socket unit clashes with what another service binds, not with gunicorn in the service it activates', () => {
    const SOCKET = '/srv/app/app.socket';
    const socket = (listen: string) => `[Unit]\nDescription=app socket\n\n[Socket]\nListenStream=${listen}\n\n[Install]\nWantedBy=sockets.target\n`;
    assert.deepEqual(shown(rule, SOCKET, socket('8080'), { others: { [OTHER]: unit('ExecStart=/usr/bin/gunicorn -b 127.0.0.1:8080 other:app\n') } }), [
      {
        underlined: 'ListenStream=8080',
        severity: 'error',
        message: `app.socket listens on [::]:8080 (ListenStream= in app.socket:5), and gunicorn of other.service on 127.0.0.1:8080 (the command line in other.service:5), the same port on an overlapping address: ${IN_USE}`,
        related: ['other.service:5 gunicorn of other.service binds 127.0.0.1:8080 here'],
      },
    ]);
    assert.equal(shown(rule, SOCKET, socket('/run/app.sock'), { others: { [OTHER]: unit('ExecStart=/usr/bin/gunicorn -b unix:/run/app.sock other:app\n') } }).length, 1);
    // app.socket starts app.service: gunicorn takes the socket systemd hands it.
    assert.deepEqual(shown(rule, SOCKET, socket('/run/app.sock'), { others: { [UNIT]: unit('ExecStart=/usr/bin/gunicorn -b unix:/run/app.sock app:app\n') } }), []);
  });

  it('a bind in gunicorn.conf.py is reported there; a config file nothing starts and a Procfile are not what this host runs', () => {
    const CONFIG = '/srv/app/gunicorn.conf.py';
    const script = 'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run("0.0.0.0", 8080)\n';
    const otherUnit = unit('ExecStart=/usr/bin/python3 /srv/other/other.py\n');
    const files = { '/srv/other/other.py': script };
    const config = 'bind = ["127.0.0.1:8080"]\nworkers = 2\n';
    assert.deepEqual(shown(rule, CONFIG, config, { others: { [UNIT]: unit('WorkingDirectory=/srv/app\nExecStart=/usr/bin/gunicorn -c gunicorn.conf.py app:app\n'), [OTHER]: otherUnit }, files }), [
      {
        underlined: 'bind',
        severity: 'error',
        message: `gunicorn of app.service listens on 127.0.0.1:8080 (gunicorn.conf.py:1), and python other.py of other.service on 0.0.0.0:8080 (app.run() in other.py:4), the same port on an overlapping address: ${IN_USE}`,
        related: ['other.py:4 app.run() listens on 0.0.0.0:8080'],
      },
    ]);
    assert.deepEqual(shown(rule, CONFIG, config, { others: { [OTHER]: otherUnit }, files }), []);
    assert.deepEqual(shown(rule, '/srv/app/Procfile', 'web: gunicorn -b 0.0.0.0:8080 app:app\n', { others: { [OTHER]: otherUnit }, files }), []);
  });
});

describe('stack/writable-paths', () => {
  const rule = 'stack/writable-paths';
  const UNIT = '/srv/app/app.service';
  const DROP_IN = '/srv/app/app.service.d/10-local.conf';
  const PXE = '/opt/nutanix-pxe/nutanix-pxe.service';
  const pxeUnit = seed('examples/nutanix-pxe/nutanix-pxe.service');
  const pxeSetup: LintSetup = { others: { '/opt/nutanix-pxe/gunicorn.conf.py': seed('examples/nutanix-pxe/gunicorn.conf.py') } };
  const gunicorn = (options: string, more = '') => unit(`User=app\nExecStart=/usr/bin/gunicorn ${options} app:app\n${more}`);

  it('seed 002: the pid file under /var/run and the logs under /var/log, in folders nothing creates for User=nutanix', () => {
    assert.deepEqual(shown(rule, PXE, pxeUnit, pxeSetup), [
      {
        underlined: 'ExecStart',
        severity: 'error',
        message:
          'gunicorn writes its pid file /var/run/nutanix-pxe/gunicorn.pid (pidfile, gunicorn.conf.py:52), but nothing creates /run/nutanix-pxe (/var/run is a link to /run): /run is emptied at every boot, so from the next boot on gunicorn stops at start and the service fails',
        related: ['gunicorn.conf.py:52 gunicorn writes its pid file here'],
      },
      {
        underlined: 'ExecStart',
        severity: 'warning',
        message:
          'gunicorn writes its error log /var/log/nutanix-pxe/gunicorn-error.log (errorlog, gunicorn.conf.py:37) and its access log /var/log/nutanix-pxe/gunicorn-access.log (accesslog, gunicorn.conf.py:38), but no LogsDirectory= creates /var/log/nutanix-pxe: unless it is made by hand and owned by nutanix, gunicorn refuses to start ("isn\'t writable") and the service fails',
        related: ['gunicorn.conf.py:37 gunicorn writes its error log here', 'gunicorn.conf.py:38 gunicorn writes its access log here'],
      },
    ]);
    assert.deepEqual(
      findingsOf(rule, PXE, pxeUnit, pxeSetup).map((finding) => finding.fixes.map((fix) => [fix.title, fix.safe])),
      [
        [['Add RuntimeDirectory=nutanix-pxe (systemd creates /run/nutanix-pxe at every start, owned by nutanix, and removes it at stop)', true]],
        [['Add LogsDirectory=nutanix-pxe (systemd creates /var/log/nutanix-pxe at start, owned by nutanix, and keeps it)', true]],
      ],
    );
    const fixed = assertFixRoundTrip(rule, PXE, pxeUnit, { setup: pxeSetup });
    assert.equal(fixed, pxeUnit.replace('WorkingDirectory=/opt/nutanix-pxe\n', 'WorkingDirectory=/opt/nutanix-pxe\nRuntimeDirectory=nutanix-pxe\n'));
    const both = assertFixRoundTrip(rule, PXE, fixed, { setup: pxeSetup });
    assert.equal(both, pxeUnit.replace('WorkingDirectory=/opt/nutanix-pxe\n', 'WorkingDirectory=/opt/nutanix-pxe\nRuntimeDirectory=nutanix-pxe\nLogsDirectory=nutanix-pxe\n'));
    assert.deepEqual(shown(rule, PXE, both, pxeSetup), []);
  });

  it('NetMonitor (seed 001): paths on the command line are underlined there; a service run as root still needs the folder to exist', () => {
    const text = seed('examples/netmonitor/netmonitor-dashboard.service');
    assert.deepEqual(
      shown(rule, '/opt/netmonitor/netmonitor-dashboard.service', text).map((f) => [f.underlined, f.severity, f.message]),
      [
        [
          '--pid /run/netmonitor/dashboard.pid',
          'error',
          'gunicorn writes its pid file /run/netmonitor/dashboard.pid (pidfile, the command line in netmonitor-dashboard.service:15), but nothing creates /run/netmonitor: /run is emptied at every boot, so from the next boot on gunicorn stops at start and the service fails',
        ],
        [
          '--access-logfile /var/log/netmonitor/dashboard_access.log',
          'warning',
          'gunicorn writes its access log /var/log/netmonitor/dashboard_access.log (accesslog, the command line in netmonitor-dashboard.service:16) and its error log /var/log/netmonitor/dashboard_error.log (errorlog, the command line in netmonitor-dashboard.service:17), but no LogsDirectory= creates /var/log/netmonitor: unless it is made by hand, gunicorn refuses to start ("isn\'t writable") and the service fails',
        ],
      ],
    );
  });

  it('is quiet when the unit creates the folders, an ExecStartPre= makes them, or the paths are elsewhere', () => {
    const options = '--pid /run/app/app.pid --error-logfile /var/log/app/error.log -b unix:/run/app/app.sock';
    assert.equal(shown(rule, UNIT, gunicorn(options)).length, 2);
    assert.deepEqual(shown(rule, UNIT, gunicorn(options, 'RuntimeDirectory=app\nLogsDirectory=app\n')), []);
    assert.deepEqual(shown(rule, UNIT, gunicorn(options, 'ExecStartPre=+/bin/mkdir -p /run/app\nRuntimeDirectory=other\nLogsDirectory=app/\n')), []);
    // A ReadWritePaths= entry must exist at start: under /var/log that says it was made by hand; under /run it would not survive a boot.
    assert.deepEqual(shown(rule, UNIT, gunicorn(options, 'ReadWritePaths=/var/log/app /run/app\n')).map((f) => f.underlined), ['--pid /run/app/app.pid']);
    assert.deepEqual(shown(rule, UNIT, gunicorn('--pid /srv/app/app.pid --access-logfile - --error-logfile /srv/app/logs/error.log -b 127.0.0.1:8000')), []);
  });

  it('/run and /var/log themselves are root\'s: no fix in the unit can mend that', () => {
    assert.deepEqual(shown(rule, UNIT, gunicorn('--pid /run/app.pid')), [
      {
        underlined: '--pid /run/app.pid',
        severity: 'error',
        message: 'gunicorn writes its pid file /run/app.pid (pidfile, the command line in app.service:6), but only root may write in /run itself, and the service runs as app: gunicorn stops at start and the service fails',
        related: [],
      },
    ]);
    assert.deepEqual(findingsOf(rule, UNIT, gunicorn('--pid /run/app.pid'))[0]!.fixes, []);
    assert.deepEqual(shown(rule, UNIT, unit('ExecStart=/usr/bin/gunicorn --pid /run/app.pid --error-logfile /var/log/app.log app:app\n')), []);
  });

  it('ProtectSystem=strict leaves writable only what the unit opens: heartbeat files in /tmp need PrivateTmp= or ReadWritePaths=', () => {
    const strict = 'ProtectSystem=strict\n';
    assert.deepEqual(shown(rule, UNIT, gunicorn('--error-logfile /srv/app/logs/error.log', strict)), [
      {
        underlined: 'ExecStart',
        severity: 'error',
        message: "gunicorn writes its worker heartbeat files in /tmp (gunicorn's default worker_tmp_dir), but ProtectSystem=strict makes /tmp read-only for the service: gunicorn stops at start and the service fails",
        related: ['app.service:7 ProtectSystem=strict makes /tmp read-only'],
      },
      {
        underlined: '--error-logfile /srv/app/logs/error.log',
        severity: 'error',
        message: 'gunicorn writes its error log /srv/app/logs/error.log (errorlog, the command line in app.service:6), but ProtectSystem=strict makes /srv/app/logs read-only for the service: gunicorn stops at start and the service fails',
        related: ['app.service:7 ProtectSystem=strict makes /srv/app/logs read-only'],
      },
    ]);
    // The exposure estimate moves with PrivateTmp=: its finding reads differently, and is not this rule's.
    const setup = { others: { '/srv/app/.deploylint.ini': '[rules]\nsystemd/hardening = off\n' } };
    const once = assertFixRoundTrip(rule, UNIT, gunicorn('--error-logfile /srv/app/logs/error.log', strict), { setup });
    assert.equal(once, gunicorn('--error-logfile /srv/app/logs/error.log', `${strict}PrivateTmp=yes\n`));
    assert.equal(assertFixRoundTrip(rule, UNIT, once, { setup }), gunicorn('--error-logfile /srv/app/logs/error.log', `${strict}PrivateTmp=yes\nReadWritePaths=/srv/app/logs\n`));
    // PrivateTmp=no is the author's choice: /tmp is opened instead.
    assert.deepEqual(findingsOf(rule, UNIT, gunicorn('', `${strict}PrivateTmp=no\n`))[0]!.fixes[0]!.title, 'Add ReadWritePaths=/tmp (/tmp stays writable under ProtectSystem=)');
    assert.deepEqual(shown(rule, UNIT, gunicorn('--error-logfile /srv/app/logs/error.log --worker-tmp-dir /dev/shm', `${strict}PrivateTmp=yes\nReadWritePaths=-/srv/app/logs\n`)), []);
    // Under strict a missing LogsDirectory= is both: the one fix creates the folder and opens it.
    assert.deepEqual(
      findingsOf(rule, UNIT, gunicorn('--worker-tmp-dir /dev/shm --access-logfile /var/log/app/access.log', strict)).map((f) => [f.severity, f.fixes[0]!.title]),
      [['error', 'Add LogsDirectory=app (systemd creates /var/log/app at start, owned by app, and keeps it)']],
    );
  });

  it('DynamicUser=yes implies ProtectSystem=strict and a private /tmp; full and yes protect /usr, /boot, /efi (and /etc)', () => {
    assert.deepEqual(shown(rule, UNIT, unit('DynamicUser=yes\nExecStart=/usr/bin/gunicorn --pid /srv/app/app.pid app:app\n')).map((f) => f.message), [
      'gunicorn writes its pid file /srv/app/app.pid (pidfile, the command line in app.service:6), but DynamicUser=yes makes /srv/app read-only for the service: gunicorn stops at start and the service fails',
    ]);
    assert.deepEqual(shown(rule, UNIT, gunicorn('--pid /etc/app/app.pid', 'ProtectSystem=full\n')).map((f) => f.underlined), ['--pid /etc/app/app.pid']);
    assert.deepEqual(shown(rule, UNIT, gunicorn('--pid /etc/app/app.pid', 'ProtectSystem=yes\n')), []);
    assert.deepEqual(shown(rule, UNIT, gunicorn('--pid /etc/app/app.pid', 'ProtectSystem=full\nReadWritePaths=/etc/app\n')), []);
  });

  it('adds to the list a drop-in already writes, in the drop-in, instead of writing it twice', () => {
    const text = gunicorn('--pid /run/app/app.pid');
    const dropIn = '[Service]\nRuntimeDirectory=cache\n';
    const [finding] = findingsOf(rule, UNIT, text, { others: { [DROP_IN]: dropIn } });
    assert.deepEqual(finding!.fixes[0]!.edits.map((edit) => [edit.path, edit.newText]), [[DROP_IN, 'cache app']]);
    assert.equal(applyEdits(dropIn, finding!.fixes[0]!.edits.filter((edit) => edit.path === DROP_IN)), '[Service]\nRuntimeDirectory=cache app\n');
  });

  it('leaves a socket-activated service\'s socket to systemd, and a config file it cannot be sure the unit reads alone', () => {
    const socket = '[Socket]\nListenStream=/run/app.sock\n';
    assert.deepEqual(shown(rule, UNIT, gunicorn('-b unix:/run/app.sock'), { others: { '/srv/app/app.socket': socket } }), []);
    assert.equal(shown(rule, UNIT, gunicorn('-b unix:/run/app.sock')).length, 1);
    // No -c, and the only gunicorn.conf.py is another app's, in another folder.
    assert.deepEqual(shown(rule, UNIT, gunicorn(''), { others: { '/srv/other/gunicorn.conf.py': 'pidfile = "/run/other/other.pid"\n' } }), []);
  });
});

describe('stack/writable-paths: fixed units pass systemd-analyze verify with nothing new', function () {
  this.timeout(60_000);
  const cases: [string, string, LintSetup][] = [
    ['the PXE seed', seed('examples/nutanix-pxe/nutanix-pxe.service'), { others: { '/srv/app/gunicorn.conf.py': seed('examples/nutanix-pxe/gunicorn.conf.py') } }],
    ['NetMonitor', seed('examples/netmonitor/netmonitor-dashboard.service'), {}],
    ['strict', unit('User=app\nProtectSystem=strict\nExecStart=/usr/bin/gunicorn --error-logfile /srv/app/logs/error.log app:app\n'), {}],
  ];
  for (const [name, text, setup] of cases) {
    it(name, function () {
      if (!requireOracle(this, 'systemd-analyze')) return;
      let after = text;
      // Every fix of the rule, one after the other, as --fix applies them.
      for (let finding = findingsOf('stack/writable-paths', '/srv/app/app.service', after, setup)[0]; finding; finding = findingsOf('stack/writable-paths', '/srv/app/app.service', after, setup)[0]) {
        assert.ok(finding.fixes[0], finding.message);
        after = applyEdits(after, finding.fixes[0].edits.filter((edit) => edit.path === '/srv/app/app.service'))!;
      }
      assert.notEqual(after, text);
      // Programs that exist here, so verify judges the unit and not this machine.
      const runnable = (unitText: string) => unitText.replace(/^ExecStart=[^\n]*(\\\n[^\n]*)*/m, 'ExecStart=/bin/true').replace(/^(WorkingDirectory|EnvironmentFile)=.*$/gm, '$1=-/tmp');
      const before = verifyMessages('app.service', runnable(text));
      assert.deepEqual(verifyMessages('app.service', runnable(after)).filter((line) => !before.includes(line)), []);
    });
  }
});

describe('stack/db-pool-too-small', () => {
  const rule = 'stack/db-pool-too-small';
  const UNIT = '/srv/app/app.service';
  const APP = '/srv/app/app.py';
  const run = (options: string) => unit(`ExecStart=/usr/bin/gunicorn ${options} app:app\n`);
  const WAITS = 'the others wait for a connection and fail after pool_timeout (30 s by default)';
  const engine = 'import sqlalchemy as sa\nfrom flask import Flask\n\napp = Flask(__name__)\nengine = sa.create_engine("postgresql://app@localhost/app", pool_size=2, max_overflow=0)\n';
  const flask = 'from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\napp = Flask(__name__)\napp.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://app@localhost/app"\ndb = SQLAlchemy(app)\n';

  /** No finding for any of the app modules under a run with these options. */
  function assertQuiet(options: string, modules: readonly string[]): void {
    for (const app of modules) assert.deepEqual(shown(rule, UNIT, run(options), { files: { [APP]: app } }), [], app);
  }

  /** The app module with the finding's first fix applied. */
  function fixedApp(options: string, app: string, files: Record<string, string> = {}): string {
    const [finding] = findingsOf(rule, UNIT, run(options), { files: { [APP]: app, ...files } });
    assert.ok(finding?.fixes[0], `a ${rule} finding with a fix`);
    const after = applyEdits(app, finding.fixes[0].edits.filter((edit) => edit.path === APP))!;
    assert.deepEqual(findingsOf(rule, UNIT, run(options), { files: { [APP]: after, ...files } }), [], 'the fixed pool is large enough');
    return after;
  }

  it('threads per worker above pool_size + max_overflow: reported on the threads, naming the pool; the fix sizes pool_size in the app', () => {
    assert.deepEqual(shown(rule, UNIT, run('--workers 2 --threads 8'), { files: { [APP]: engine } }), [
      {
        underlined: '--threads 8',
        severity: 'warning',
        message: `Each worker serves up to 8 requests at once (threads 8, the command line in app.service:5), but its SQLAlchemy pool holds 2 connections (pool_size 2 + max_overflow 0, sa.create_engine() in app.py:5): when more than 2 requests of one worker use the database at once, ${WAITS}`,
        related: ['app.py:5 the SQLAlchemy pool: pool_size 2 + max_overflow 0'],
      },
    ]);
    assert.deepEqual(findingsOf(rule, UNIT, run('--workers 2 --threads 8'), { files: { [APP]: engine } })[0]!.fixes.map((fix) => [fix.title, fix.safe]), [
      ['Set pool_size=8 in sa.create_engine() (8 threads per worker, each can hold a connection; across 2 workers the database needs max_connections ≥ 2 × 8 + 5 = 21)', false],
    ]);
    assert.equal(fixedApp('--workers 2 --threads 8', engine), engine.replace('pool_size=2', 'pool_size=8'));
    assert.deepEqual(shown(rule, UNIT, run('--workers 2 --threads 2'), { files: { [APP]: engine } }), []);
    assert.deepEqual(shown(rule, UNIT, run('--workers 8'), { files: { [APP]: engine } }), [], 'a sync worker serves one request at a time');
  });

  it("SQLAlchemy's defaults hold 15; a pool_size written nowhere is added to the call, after the last argument", () => {
    const defaults = 'from sqlalchemy import create_engine\n\nengine = create_engine(\n    URL,\n    echo=True,\n)\n';
    assert.deepEqual(shown(rule, UNIT, run('--threads 16'), { files: { [APP]: defaults } }).map((f) => f.message), [
      `Each worker serves up to 16 requests at once (threads 16, the command line in app.service:5), but its SQLAlchemy pool holds 15 connections (pool_size 5 (default) + max_overflow 10 (default), create_engine() in app.py:3): when more than 15 requests of one worker use the database at once, ${WAITS}`,
    ]);
    assert.equal(
      findingsOf(rule, UNIT, run('--threads 16'), { files: { [APP]: defaults } })[0]!.fixes[0]!.title,
      'Set pool_size=16 in create_engine() (16 threads per worker, each can hold a connection; max_overflow 10 stays on top for bursts; with 1 worker the database needs max_connections ≥ 1 × 16 + 5 = 21)',
    );
    assert.equal(fixedApp('--threads 16', defaults), defaults.replace('echo=True,', 'echo=True, pool_size=16,'));
    assert.equal(fixedApp('--threads 16', 'import sqlalchemy\ne = sqlalchemy.create_engine()\n'), 'import sqlalchemy\ne = sqlalchemy.create_engine(pool_size=16)\n');
    assert.deepEqual(shown(rule, UNIT, run('--threads 15'), { files: { [APP]: defaults } }), []);
  });

  it('leaves alone pools without a limit or of unknown size, SQLite, and names that are not SQLAlchemy', () => {
    assertQuiet('--threads 8', [
      engine.replace('max_overflow=0', 'max_overflow=-1'),
      engine.replace('pool_size=2', 'pool_size=0'),
      engine.replace('pool_size=2', 'pool_size=2, poolclass=NullPool'),
      engine.replace('pool_size=2', 'pool_size=POOL_SIZE'),
      engine.replace('max_overflow=0', '**options'),
      engine.replace('"postgresql://app@localhost/app"', '"sqlite:///app.db"'),
      engine.replace('import sqlalchemy as sa\n', 'from mydb import sa\n'),
    ]);
  });

  it('psycopg2: maxconn is the limit, and getconn() fails at once', () => {
    const pg = 'from psycopg2 import pool\n\ndb = pool.ThreadedConnectionPool(1, 4, dsn="dbname=app")\n';
    assert.deepEqual(shown(rule, UNIT, run('--threads 8'), { files: { [APP]: pg } }).map((f) => f.message), [
      'Each worker serves up to 8 requests at once (threads 8, the command line in app.service:5), but its psycopg2 pool holds 4 connections (maxconn 4, ThreadedConnectionPool() in app.py:3): when more than 4 requests of one worker use the database at once, getconn() raises PoolError ("connection pool exhausted") for the others',
    ]);
    assert.equal(fixedApp('--threads 8', pg), pg.replace('(1, 4,', '(1, 8,'));
    assert.equal(fixedApp('--threads 8', 'import psycopg2.pool\np = psycopg2.pool.ThreadedConnectionPool(minconn=1, maxconn=2)\n'), 'import psycopg2.pool\np = psycopg2.pool.ThreadedConnectionPool(minconn=1, maxconn=8)\n');
  });

  it('Flask-SQLAlchemy: engine options from the extension and the config, across the app\'s modules; the fix writes where pool_size belongs', () => {
    assert.deepEqual(shown(rule, UNIT, run('--threads 20'), { files: { [APP]: flask } }).map((f) => [f.message, f.related]), [
      [
        `Each worker serves up to 20 requests at once (threads 20, the command line in app.service:5), but its Flask-SQLAlchemy pool holds 15 connections (pool_size 5 (default) + max_overflow 10 (default), SQLAlchemy() in app.py:6): when more than 15 requests of one worker use the database at once, ${WAITS}`,
        ['app.py:6 the Flask-SQLAlchemy pool: pool_size 5 (default) + max_overflow 10 (default)'],
      ],
    ]);
    assert.equal(fixedApp('--threads 20', flask), flask.replace('SQLAlchemy(app)', 'SQLAlchemy(app, engine_options={"pool_size": 20})'));
    const configured = flask.replace('db = ', "app.config['SQLALCHEMY_ENGINE_OPTIONS'] = {'max_overflow': 0}\ndb = ");
    assert.equal(fixedApp('--threads 8', configured), configured.replace("{'max_overflow': 0}", "{'max_overflow': 0, 'pool_size': 8}"));
    // The config overrides the extension's options key by key.
    const both = flask.replace('SQLAlchemy(app)', 'SQLAlchemy(app, engine_options={"pool_size": 2, "max_overflow": 0})').replace('db = ', 'app.config.update(SQLALCHEMY_ENGINE_OPTIONS={"max_overflow": 1})\ndb = ');
    assert.deepEqual(shown(rule, UNIT, run('--threads 4'), { files: { [APP]: both } }).map((f) => f.related), [['app.py:7 the Flask-SQLAlchemy pool: pool_size 2 + max_overflow 1']]);
    assert.equal(fixedApp('--threads 4', both), both.replace('"pool_size": 2', '"pool_size": 4'));
    // The extension in one module, the options in the package that imports it.
    const extensions = 'from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n';
    const factory = 'from flask import Flask\nfrom extensions import db\n\napp = Flask(__name__)\napp.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 3, "max_overflow": 0}\ndb.init_app(app)\n';
    assert.deepEqual(
      findingsOf(rule, UNIT, run('--threads 4'), { files: { [APP]: factory, '/srv/app/extensions.py': extensions } }).map((f) => [f.related.map((r) => r.path), f.fixes[0]!.edits.map((e) => [e.path, e.newText])]),
      [[['/srv/app/extensions.py'], [[APP, '4']]]],
    );
  });

  it('Flask-SQLAlchemy settings whose effect deploylint cannot know are left alone', () => {
    assertQuiet('--threads 20', [
      flask.replace('db = ', 'app.config["SQLALCHEMY_POOL_SIZE"] = 2\ndb = '),
      flask.replace('db = ', 'app.config.from_object("config.Production")\ndb = '),
      flask.replace('db = ', 'app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options()\ndb = '),
      flask.replace('postgresql://app@localhost/app', 'sqlite:///app.db'),
    ]);
  });

  it('gevent and eventlet workers serve worker_connections at once: an info, with no pool size to propose', () => {
    assert.deepEqual(shown(rule, UNIT, run('--workers 2 -k eventlet'), { files: { [APP]: engine } }).map((f) => [f.underlined, f.severity, f.message]), [
      [
        '-k eventlet',
        'info',
        `Each eventlet worker serves up to 1000 connections at once (worker_connections 1000, gunicorn's default, for the eventlet class set on the command line in app.service:5), but its SQLAlchemy pool holds 2 connections (pool_size 2 + max_overflow 0, sa.create_engine() in app.py:5): when more than 2 requests of one worker use the database at once, ${WAITS}`,
      ],
    ]);
    assert.deepEqual(findingsOf(rule, UNIT, run('-k gevent --worker-connections 50'), { files: { [APP]: engine } }).map((f) => [underlinedRange(run('-k gevent --worker-connections 50'), f.range), f.fixes]), [['--worker-connections 50', []]]);
  });

  it('every fix leaves Python that compiles', function () {
    if (!requireOracle(this, 'python3')) return;
    const cases: [string, string, Record<string, string>][] = [
      ['--threads 8', engine, {}],
      ['--threads 16', 'from sqlalchemy import create_engine\n\nengine = create_engine(\n    URL,\n    echo=True,\n)\n', {}],
      ['--threads 16', 'import sqlalchemy\ne = sqlalchemy.create_engine()\n', {}],
      ['--threads 20', flask, {}],
      ['--threads 20', flask.replace('db = ', "app.config['SQLALCHEMY_ENGINE_OPTIONS'] = {}\ndb = "), {}],
      ['--threads 8', 'from psycopg2 import pool\n\ndb = pool.ThreadedConnectionPool(1, 4, dsn="dbname=app")\n', {}],
    ];
    for (const [options, app, files] of cases) {
      const after = fixedApp(options, app, files);
      const result = spawnSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), "app.py", "exec")'], { input: after, encoding: 'utf8' });
      assert.equal(result.status, 0, `${after}\n${result.stderr}`);
    }
  });
});

describe('stack/compression-lost', () => {
  const rule = 'stack/compression-lost';
  const SITE = '/srv/deploy/nginx/sites-enabled/lernmanager';
  const MAIN = '/srv/deploy/nginx/nginx.conf';
  const lernmanager = seed('examples/lernmanager/lernmanager.nginx');
  /** The seed's site on a server whose nginx does not compress: its gzip lines left out. */
  const plain = lernmanager.replace(/ {4}gzip on;\n[\s\S]*?application\/javascript;\n\n/, '');
  const CLEARED = 'proxy_set_header Accept-Encoding "" hides the client\'s Accept-Encoding from the app behind http://127.0.0.1:8080, so the app never compresses';
  const main = (http: string) => `events {}\nhttp {\n${http}    include sites-enabled/*;\n}\n`;

  it('seed 004 as written loses nothing: with gzip on, nginx compresses the proxied pages itself, gzip_proxied or not', () => {
    assert.ok(plain.startsWith('# /etc/nginx/sites-available/lernmanager (seed 004, "Recommended Setup")\nserver {\n    location /static/ {'), plain);
    assert.deepEqual(shown(rule, SITE, lernmanager), []);
  });

  it('the seed\'s site where gzip is off: the clearing line is reported, and either nginx compresses or the app does', () => {
    assert.deepEqual(shown(rule, SITE, plain), [
      {
        underlined: 'proxy_set_header Accept-Encoding "";',
        severity: 'warning',
        message: `${CLEARED}, and nginx does not compress either (nginx's default: gzip off): dynamic pages reach clients uncompressed`,
        related: ['lernmanager:9 proxies to the app without Accept-Encoding'],
      },
    ]);
    assert.deepEqual(findingsOf(rule, SITE, plain)[0]!.fixes.map((fix) => [fix.title, fix.safe, fix.preferred ?? false]), [
      ['Let nginx compress the proxied responses: gzip on and gzip_vary on', false, true],
      ['Stop clearing Accept-Encoding: the app sees what the client accepts and compresses itself', false, false],
    ]);
    assert.equal(
      assertFixRoundTrip(rule, SITE, plain),
      plain.replace('  # Let Flask-Compress handle it\n', '  # Let Flask-Compress handle it\n        gzip on;\n        gzip_vary on;\n'),
    );
    assert.equal(assertFixRoundTrip(rule, SITE, plain, { fixTitle: /^Stop clearing/ }), plain.replace('        proxy_set_header Accept-Encoding "";  # Let Flask-Compress handle it\n', ''));
    // `identity` refuses compression as surely as an empty header.
    assert.equal(shown(rule, SITE, plain.replace('Accept-Encoding ""', 'accept-encoding identity')).length, 1);
  });

  it('names a gzip off in nginx.conf, and sets gzip at the level of the clearing line, rewriting one written there', () => {
    const setup = { others: { [MAIN]: main('    gzip off;\n') } };
    assert.deepEqual(shown(rule, SITE, plain, setup).map((f) => [f.message, f.related]), [
      [`${CLEARED}, and nginx does not compress either (gzip off, nginx.conf:3): dynamic pages reach clients uncompressed`, ['lernmanager:9 proxies to the app without Accept-Encoding', 'nginx.conf:3 gzip is off here for the proxied responses']],
    ]);
    const own = plain.replace('        proxy_pass', '        gzip off;\n        proxy_pass');
    assert.equal(assertFixRoundTrip(rule, SITE, own), own.replace('gzip off;', 'gzip on;').replace('  # Let Flask-Compress handle it\n', '  # Let Flask-Compress handle it\n        gzip_vary on;\n'));
  });

  it('offers no fix that would not hold: a deeper level turning gzip off again, or a removal that would change what the location inherits', () => {
    const server = 'server {\n    listen 80;\n    proxy_set_header Host $host;\n    proxy_set_header Accept-Encoding "";\n    location / {\n        gzip off;\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n';
    assert.deepEqual(findingsOf(rule, SITE, server)[0]!.fixes.map((fix) => fix.title), ['Stop clearing Accept-Encoding: the app sees what the client accepts and compresses itself']);
    const location = 'server {\n    listen 80;\n    proxy_set_header Host $host;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_set_header Accept-Encoding "";\n    }\n}\n';
    assert.deepEqual(findingsOf(rule, SITE, location)[0]!.fixes.map((fix) => fix.title), ['Let nginx compress the proxied responses: gzip on and gzip_vary on']);
    // A location with proxy_set_header lines of its own does not use the server's clearing line.
    assert.deepEqual(shown(rule, SITE, server.replace('        gzip off;\n', '        proxy_set_header X-Real-IP $remote_addr;\n')), []);
  });

  it('behind another proxy (set_real_ip_from), gzip_proxied off leaves the requests with Via uncompressed: an info', () => {
    const behind = lernmanager.replace('    gzip on;\n', '    gzip on;\n    set_real_ip_from 10.0.0.0/8;\n');
    assert.deepEqual(shown(rule, SITE, behind), [
      {
        underlined: 'proxy_set_header Accept-Encoding "";',
        severity: 'info',
        message: `${CLEARED}; nginx sits behind another proxy (set_real_ip_from, line 4), and gzip_proxied's default, off, keeps nginx from compressing the requests that proxy sends with a Via header: those pages reach clients uncompressed`,
        related: ['lernmanager:15 proxies to the app without Accept-Encoding', 'lernmanager:4 requests come through another proxy'],
      },
    ]);
    assert.equal(
      assertFixRoundTrip(rule, SITE, behind),
      behind.replace('  # Let Flask-Compress handle it\n', '  # Let Flask-Compress handle it\n        gzip_vary on;\n        gzip_proxied any;\n'),
    );
    assert.deepEqual(shown(rule, SITE, behind.replace('    gzip on;\n', '    gzip on;\n    gzip_proxied expired no-cache;\n')), []);
    // gzip off behind a proxy: one warning, and its fix sets all three.
    const offBehind = plain.replace('server {\n', 'server {\n    set_real_ip_from 10.0.0.0/8;\n');
    assert.deepEqual(findingsOf(rule, SITE, offBehind).map((f) => [f.severity, f.fixes[0]!.title]), [['warning', 'Let nginx compress the proxied responses: gzip on, gzip_vary on and gzip_proxied any']]);
  });
});
