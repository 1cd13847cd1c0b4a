import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertFixRoundTrip, findingsOf, seen } from '../../helpers/lint';

const CONFIG = '/srv/app/gunicorn.conf.py';
const UNIT = '/srv/app/app.service';
const pxe = readFileSync('examples/nutanix-pxe/gunicorn.conf.py', 'utf8');

const unitRunning = (command: string) =>
  `[Unit]\nDescription=app\n\n[Service]\nExecStart=${command}\n\n[Install]\nWantedBy=multi-user.target\n`;

describe('gunicorn/unknown-setting', () => {
  const rule = 'gunicorn/unknown-setting';

  it('flags max_worker_memory in the PXE config, with the advice that does the job', () => {
    const found = seen(rule, CONFIG, pxe);
    assert.deepEqual(
      found.map((f) => f.underlined),
      ['max_worker_memory', 'max_worker_memory'],
    );
    assert.match(found[0]!.message, /^"max_worker_memory" is not a gunicorn setting, so gunicorn ignores it without a warning: gunicorn has no per-worker memory limit/);
    assert.equal(found[0]!.severity, 'error');
  });

  it('suggests the setting a misspelling means', () => {
    const [finding] = seen(rule, CONFIG, 'keep_alive = 5\nWorkers = 3\n');
    assert.deepEqual(
      seen(rule, CONFIG, 'keep_alive = 5\nWorkers = 3\n').map((f) => [f.underlined, f.message]),
      [
        ['keep_alive', '"keep_alive" is not a gunicorn setting, so gunicorn ignores it without a warning: did you mean "keepalive"?'],
        ['Workers', '"Workers" is not a gunicorn setting, so gunicorn ignores it without a warning: did you mean "workers"?'],
      ],
    );
    assert.ok(finding);
  });

  it('leaves helper variables, private names and imports alone', () => {
    const text = 'import multiprocessing\n_private = 1\nport = 8000\nbind = f"127.0.0.1:{port}"\n';
    assert.deepEqual(seen(rule, CONFIG, text), []);
  });

  it('says when a setting is newer than the declared gunicorn', () => {
    const found = seen(rule, CONFIG, 'wsgi_app = "app:app"\n', { host: { versions: { gunicorn: '20.0.4' } } });
    assert.deepEqual(found.map((f) => [f.underlined, f.message]), [
      ['wsgi_app', '"wsgi_app" is not a setting of gunicorn 20.0.4 (added in 20.1.0): that release ignores it without a warning'],
    ]);
    assert.deepEqual(seen(rule, CONFIG, 'wsgi_app = "app:app"\n', { host: { versions: { gunicorn: '20.1.0' } } }), []);
  });

  it('flags an unknown option on a command line, where gunicorn refuses to start', () => {
    const text = unitRunning('/opt/venv/bin/gunicorn --workers 2 --max-worker-memory 200 app:app');
    const found = seen(rule, UNIT, text);
    assert.deepEqual(found.map((f) => f.underlined), ['--max-worker-memory']);
    assert.match(found[0]!.message, /^Unknown option "--max-worker-memory": gunicorn prints its usage and refuses to start/);
  });

  it('renames a misspelt name (the rename is offered, not applied by --fix)', () => {
    // gthread workers, which do keep connections alive: the renamed setting then takes effect.
    const text = 'workers = 2\nworker_class = "gthread"\nkeep_alive = 5\n';
    const fixed = assertFixRoundTrip(rule, CONFIG, text, { fixTitle: /^Rename to keepalive$/ });
    assert.equal(fixed, 'workers = 2\nworker_class = "gthread"\nkeepalive = 5\n');
    const [finding] = findingsOf(rule, CONFIG, 'workers = 2\nkeep_alive = 5\n');
    assert.equal(finding!.fixes.every((fix) => !fix.safe), true);
  });

  it('removes an unknown name with its whole line', () => {
    const fixed = assertFixRoundTrip(rule, CONFIG, 'workers = 2\nmax_worker_memory = 200  # MB\nthreads = 4\n', { fixTitle: /^Remove/ });
    assert.equal(fixed, 'workers = 2\nthreads = 4\n');
  });
});

describe('gunicorn/duplicate-setting', () => {
  const rule = 'gunicorn/duplicate-setting';

  it('finds the three duplicates of the PXE config, naming the live line', () => {
    const found = seen(rule, CONFIG, pxe);
    assert.deepEqual(
      found.map((f) => f.underlined),
      ['tmp_upload_dir = None', 'max_worker_memory = 200', 'worker_tmp_dir = "/dev/shm"'],
    );
    assert.match(found[0]!.message, /^tmp_upload_dir is set again to the same value on line \d+; this one is redundant$/);
    assert.equal(found[0]!.severity, 'warning');
  });

  it('is an error when the dead value differs from the live one', () => {
    const [finding] = seen(rule, CONFIG, 'workers = 2\ntimeout = 30\nworkers = 4\n');
    assert.deepEqual(finding, {
      underlined: 'workers = 2',
      message: 'workers is set again on line 3, so this value is ignored: gunicorn uses 4',
      severity: 'error',
    });
  });

  it('leaves if/else branches and augmented assignments alone', () => {
    const text = 'import os\nif os.environ.get("DEV"):\n    workers = 1\nelse:\n    workers = 4\nthreads = 2\nthreads += 2\n';
    assert.deepEqual(seen(rule, CONFIG, text), []);
  });

  it('removes the dead assignment safely', () => {
    const text = 'workers = 2\ntimeout = 30\nworkers = 4\n';
    const [finding] = findingsOf(rule, CONFIG, text);
    assert.equal(finding!.fixes[0]!.safe, true);
    assert.equal(assertFixRoundTrip(rule, CONFIG, text), 'timeout = 30\nworkers = 4\n');
  });

  it('does not call the removal safe when the file reads the dead value', () => {
    const text = 'workers = 2\nthreads = workers * 2\nworkers = 4\n';
    assert.equal(findingsOf(rule, CONFIG, text)[0]!.fixes[0]!.safe, false);
  });

  it('finds a flag given twice on a command line, but not a repeated --bind', () => {
    const text = unitRunning('/usr/bin/gunicorn -w 2 --bind 127.0.0.1:8000 --bind unix:/run/app.sock --workers 4 app:app');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => [f.underlined, f.message]), [
      ['-w 2', 'workers is set again on line 5, so this value is ignored: gunicorn uses 4'],
    ]);
    const fixed = assertFixRoundTrip(rule, UNIT, text);
    assert.match(fixed, /ExecStart=\/usr\/bin\/gunicorn --bind 127\.0\.0\.1:8000 --bind unix:\/run\/app\.sock --workers 4 app:app/);
  });
});

describe('gunicorn/invalid-value', () => {
  const rule = 'gunicorn/invalid-value';

  it('rejects a string umask with a leading zero and offers the octal literal', () => {
    const [finding] = seen(rule, CONFIG, 'umask = "022"\n');
    assert.deepEqual(finding, {
      underlined: '"022"',
      message: 'umask must be a whole number; gunicorn cannot read "022" (write the octal number as 0o22)',
      severity: 'error',
    });
    assert.equal(assertFixRoundTrip(rule, CONFIG, 'umask = "022"\n'), 'umask = 18\n');
  });

  it('rejects zero and negative workers, floats, and non-boolean switches', () => {
    assert.deepEqual(
      seen(rule, CONFIG, 'workers = 0\nthreads = -1\ntimeout = 2.5\ndaemon = 1\n').map((f) => [f.underlined, f.message]),
      [
        ['0', 'workers = 0 leaves gunicorn with nothing to serve requests; use at least 1'],
        ['-1', 'threads must not be negative; gunicorn refuses -1'],
        ['2.5', 'timeout must be a whole number; gunicorn refuses 2.5'],
        ['1', 'daemon must be True or False; gunicorn refuses 1'],
      ],
    );
    assert.equal(assertFixRoundTrip(rule, CONFIG, 'daemon = 1\n'), 'daemon = True\n');
  });

  it('knows loglevel and worker_class values, with did-you-mean', () => {
    assert.deepEqual(
      seen(rule, CONFIG, "loglevel = 'warn'\nworker_class = 'gthreads'\n").map((f) => [f.underlined, f.message]),
      [
        ["'warn'", `loglevel "warn" is not one of critical, error, warning, info, debug; gunicorn silently uses 'info'`],
        ["'gthreads'", 'worker_class "gthreads" is no gunicorn worker class; gunicorn cannot start. Did you mean "gthread"?'],
      ],
    );
    assert.equal(assertFixRoundTrip(rule, CONFIG, "worker_class = 'gthreads'\n"), "worker_class = 'gthread'\n");
  });

  it('accepts valid and symbolic values', () => {
    const text = [
      'import multiprocessing, os',
      'workers = multiprocessing.cpu_count() * 2 + 1',
      'threads = int(os.environ.get("THREADS", "4"))',
      'umask = 0o027',
      'loglevel = "INFO"',
      'worker_class = "uvicorn.workers.UvicornWorker"',
      'bind = ["127.0.0.1:8000", "unix:/run/app.sock", "[::1]:9000"]',
      'daemon = False',
      'raw_env = ["A=1"]',
    ].join('\n');
    assert.deepEqual(seen(rule, CONFIG, text), []);
  });

  it('checks bind addresses', () => {
    assert.deepEqual(seen(rule, CONFIG, 'bind = "127.0.0.1:80a"\n').map((f) => f.message), [
      'bind "127.0.0.1:80a" has "80a" where the port number should be; gunicorn refuses to start',
    ]);
  });

  it('checks values on a command line, where argparse converts them', () => {
    const text = unitRunning('/usr/bin/gunicorn --workers two -k gthreads --log-level loud app:app');
    assert.deepEqual(seen(rule, UNIT, text).map((f) => f.underlined), ['two', 'gthreads', 'loud']);
    const fixed = assertFixRoundTrip(rule, UNIT, text, { fixTitle: /gthread$/ });
    assert.match(fixed, /-k gthread --log-level/);
  });

  it('leaves $VARIABLES on a command line to systemd', () => {
    assert.deepEqual(seen(rule, UNIT, unitRunning('/usr/bin/gunicorn --workers $WORKERS app:app')), []);
  });
});

describe('gunicorn/hook-signature', () => {
  const rule = 'gunicorn/hook-signature';

  it('flags a hook with the wrong number of parameters', () => {
    const text = 'def post_fork(worker):\n    pass\n';
    assert.deepEqual(seen(rule, CONFIG, text), [
      {
        underlined: '(worker)',
        message: 'gunicorn calls post_fork with 2 positional arguments (server, worker), but it takes 1: gunicorn refuses to load this file',
        severity: 'error',
      },
    ]);
    assert.equal(assertFixRoundTrip(rule, CONFIG, text), 'def post_fork(server, worker):\n    pass\n');
  });

  it('counts parameters as gunicorn does: defaults count, *args does not', () => {
    assert.deepEqual(seen(rule, CONFIG, 'def pre_fork(server, worker=None, *rest):\n    pass\n'), []);
    assert.equal(seen(rule, CONFIG, 'def pre_fork(server, *rest):\n    pass\n').length, 1);
    assert.deepEqual(seen(rule, CONFIG, 'def post_request(worker, req, environ):\n    pass\n'), []);
  });

  it('accepts every hook of the PXE config', () => {
    assert.deepEqual(seen(rule, CONFIG, pxe), []);
  });

  it('flags a misspelt hook name that gunicorn would never call', () => {
    const text = 'def postfork(server, worker):\n    pass\n';
    assert.deepEqual(seen(rule, CONFIG, text).map((f) => [f.underlined, f.message]), [
      ['postfork', '"postfork" is not a server hook, so gunicorn never calls it. Did you mean "post_fork"?'],
    ]);
    assert.equal(assertFixRoundTrip(rule, CONFIG, text), 'def post_fork(server, worker):\n    pass\n');
  });

  it('leaves helper functions the file calls alone', () => {
    assert.deepEqual(seen(rule, CONFIG, 'def post_forks():\n    return 2\nworkers = post_forks()\n'), []);
  });
});

describe('gunicorn/syntax', () => {
  const rule = 'gunicorn/syntax';

  it('reports invalid Python and keeps checking the rest', () => {
    const text = 'workers = 2\nbind = (\nmax_worker_memory = 3\n';
    const found = seen(rule, CONFIG, text);
    assert.ok(found.length >= 1);
    assert.match(found[0]!.message, /gunicorn cannot load this file$/);
  });

  it('reports a flag that is missing its value', () => {
    const found = seen(rule, UNIT, unitRunning('/usr/bin/gunicorn app:app --workers'));
    assert.deepEqual(found.map((f) => [f.underlined, f.message]), [
      ['--workers', 'Option "--workers" expects a value: gunicorn prints its usage and refuses to start'],
    ]);
  });

  it('is silent on a valid file', () => {
    assert.deepEqual(seen(rule, CONFIG, pxe), []);
  });
});

describe('GUNICORN_CMD_ARGS', () => {
  it('is read from Environment= and checked like a command line', () => {
    const text = unitRunning('/usr/bin/gunicorn app:app').replace('[Service]\n', '[Service]\nEnvironment="GUNICORN_CMD_ARGS=--workers 0 --max-worker-memory 5"\n');
    assert.deepEqual(seen('gunicorn/invalid-value', UNIT, text).map((f) => [f.underlined, f.message]), [
      ['0', 'workers = 0 leaves gunicorn with nothing to serve requests; use at least 1'],
    ]);
    assert.deepEqual(seen('gunicorn/unknown-setting', UNIT, text).map((f) => f.underlined), ['--max-worker-memory']);
  });

  it('is read from the environment prefix of a Procfile command', () => {
    const text = 'web: GUNICORN_CMD_ARGS="--threads -1" gunicorn app:app\n';
    assert.deepEqual(seen('gunicorn/invalid-value', '/srv/app/Procfile', text).map((f) => f.underlined), ['-1']);
  });
});
