import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertFixRoundTrip, seen } from '../../helpers/lint';

const UNIT = '/srv/app/app.service';
const unit = (service: string) => `[Unit]\nDescription=app\n\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`;

describe('systemd/path-override', () => {
  const rule = 'systemd/path-override';

  it('flags the Trunk8 seed and appends the system directories after the virtualenv', () => {
    const trunk8 = readFileSync('examples/trunk8/trunk8.service', 'utf8');
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

  it('finds PATH among several quoted assignments, and keeps the quotes', () => {
    const text = unit('Environment="LANG=C.UTF-8" "PATH=/opt/app/venv/bin"\nExecStart=/opt/app/venv/bin/gunicorn app:app\n');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => f.underlined), ['"PATH=/opt/app/venv/bin"']);
    assert.match(assertFixRoundTrip(rule, UNIT, text), /Environment="LANG=C\.UTF-8" "PATH=\/opt\/app\/venv\/bin:\/usr\/local\/bin:\/usr\/bin:\/bin"\n/);
  });

  it('is quiet when PATH keeps /usr/bin, and when a later Environment= reset drops it', () => {
    assert.deepEqual(seen(rule, UNIT, unit('Environment=PATH=/opt/app/venv/bin:/usr/bin:/bin\nExecStart=/bin/true\n')), []);
    assert.deepEqual(seen(rule, UNIT, unit('Environment=PATH=/opt/app/venv/bin\nEnvironment=\nExecStart=/bin/true\n')), []);
  });
});

describe('systemd/runs-as-root', () => {
  const rule = 'systemd/runs-as-root';
  const netflow = readFileSync('examples/netflow-dashboard/netflow-dashboard.service', 'utf8');

  it('flags the netflow seed (python as root) and adds User= and Group= named after the unit', () => {
    assert.deepEqual(seen(rule, '/srv/app/netflow-dashboard.service', netflow), [
      {
        underlined: 'ExecStart',
        severity: 'warning',
        message: 'netflow-dashboard.service runs its web server as root (no User= or DynamicUser=): a flaw in the app or in any of its dependencies gives the attacker the whole machine',
      },
    ]);
    const fixed = assertFixRoundTrip(rule, '/srv/app/netflow-dashboard.service', netflow);
    assert.match(fixed, /\nRestart=always\nUser=netflow-dashboard\nGroup=netflow-dashboard\n\n\[Install\]/);
  });

  it('is quiet with User= in a drop-in, with DynamicUser=yes, with User=%i in a template, and for units that serve nothing', () => {
    const web = unit('ExecStart=/usr/bin/gunicorn app:app\n');
    assert.deepEqual(seen(rule, UNIT, web, { others: { '/srv/app/app.service.d/user.conf': '[Service]\nUser=web\n' } }), []);
    assert.deepEqual(seen(rule, UNIT, unit('DynamicUser=yes\nExecStart=/usr/bin/gunicorn app:app\n')), []);
    assert.deepEqual(seen(rule, '/srv/app/app@.service', unit('User=%i\nExecStart=/usr/bin/gunicorn --bind unix:/run/%i.sock app:app\n')), []);
    assert.deepEqual(seen(rule, UNIT, unit('ExecStart=/usr/bin/rsync -a /a /b\n')), []);
  });
});
