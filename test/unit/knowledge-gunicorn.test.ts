import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GunicornKnowledge, GunicornSetting, GunicornWorkerClass } from '../../server/src/core/knowledge/types';
import { compareVersions, parseVersion, versionInRange } from '../../server/src/core/model/version';

const schemas = path.resolve(__dirname, '../../schemas');
const table = JSON.parse(readFileSync(path.join(schemas, 'gunicorn.json'), 'utf8')) as GunicornKnowledge;
const summaries = JSON.parse(readFileSync(path.join(schemas, 'summaries', 'gunicorn.json'), 'utf8')) as {
  settings: Record<string, string>;
  workerClasses: Record<string, string>;
};

const VALUE_TYPES = new Set([
  'int', 'bool', 'string', 'string-list', 'dict', 'callable', 'class', 'file',
  'user', 'group', 'chdir', 'hostport', 'address-list', 'octal-int', 'other',
]);
const ACTIONS = new Set(['store', 'store_true', 'store_false', 'append', 'store_const']);

function setting(name: string): GunicornSetting {
  const found = table.settings.find((entry) => entry.name === name);
  assert.ok(found, `no setting ${name}`);
  return found;
}

function workerClass(name: string): GunicornWorkerClass {
  const found = table.workerClasses.find((entry) => entry.name === name);
  assert.ok(found, `no worker class ${name}`);
  return found;
}

/** Settings a gunicorn release accepts. */
function settingsIn(release: string): Set<string> {
  return new Set(table.settings.filter((entry) => versionInRange(release, entry.since, entry.removed)).map((entry) => entry.name));
}

describe('gunicorn knowledge table', () => {
  describe('integrity', () => {
    it('records where its facts came from', () => {
      const { source } = table;
      assert.equal(source.url, 'https://github.com/benoitc/gunicorn');
      assert.ok(parseVersion(source.ref), `ref ${source.ref} is a release number`);
      assert.match(source.commit ?? '', /^[0-9a-f]{40}$/);
      assert.ok(source.files.includes('gunicorn/config.py'));
      assert.match(source.generated, /^\d{4}-\d{2}-\d{2}$/);
      const scanned = source.versionsScanned ?? [];
      assert.equal(scanned[0], '19.0');
      assert.equal(scanned[scanned.length - 1], source.ref);
      const sorted = [...scanned].sort(compareVersions);
      assert.deepEqual(scanned, sorted, 'versions scanned in release order');
    });

    it('has unique names', () => {
      const settingNames = table.settings.map((entry) => entry.name);
      assert.equal(new Set(settingNames).size, settingNames.length);
      const classNames = table.workerClasses.map((entry) => entry.name);
      assert.equal(new Set(classNames).size, classNames.length);
    });

    it('gives every entry a one-line summary and an https docs link', () => {
      for (const entry of [...table.settings, ...table.workerClasses]) {
        assert.ok(entry.summary.trim().length > 10, `${entry.name} has a summary`);
        assert.doesNotMatch(entry.summary, /[\r\n]/, `${entry.name}: summary is one line`);
        assert.equal(new URL(entry.docs).protocol, 'https:', `${entry.name}: docs link is https`);
      }
    });

    it('carries exactly the hand-written summaries (the table was regenerated after they changed)', () => {
      for (const entry of table.settings) assert.equal(entry.summary, summaries.settings[entry.name]?.trim(), entry.name);
      for (const entry of table.workerClasses) assert.equal(entry.summary, summaries.workerClasses[entry.name]?.trim(), entry.name);
      assert.equal(Object.keys(summaries.settings).length, table.settings.length, 'no summary for a name the table lacks');
      assert.equal(Object.keys(summaries.workerClasses).length, table.workerClasses.length);
    });

    it('uses only known types and argparse actions, and flags only where the command line has them', () => {
      for (const entry of table.settings) {
        assert.ok(VALUE_TYPES.has(entry.type), `${entry.name}: type ${entry.type}`);
        assert.ok(entry.validator.startsWith('validate_'), `${entry.name}: validator ${entry.validator}`);
        assert.equal(typeof entry.defaultText, 'string');
        if (entry.flags.length === 0) assert.equal(entry.action, undefined, `${entry.name}: action without a flag`);
        else assert.ok(entry.action && ACTIONS.has(entry.action), `${entry.name}: action ${String(entry.action)}`);
        for (const flag of entry.flags) assert.match(flag, /^--?[A-Za-z]/, `${entry.name}: flag ${flag}`);
      }
    });

    it('never gives two settings of one release the same flag', () => {
      const owner = new Map<string, string>();
      for (const entry of table.settings.filter((candidate) => candidate.removed === undefined)) {
        for (const flag of entry.flags) {
          assert.equal(owner.get(flag), undefined, `${flag} belongs to ${owner.get(flag)} and ${entry.name}`);
          owner.set(flag, entry.name);
        }
      }
    });

    it('has consistent release ranges', () => {
      const ref = table.source.ref;
      for (const entry of [...table.settings, ...table.workerClasses]) {
        for (const version of [entry.since, entry.deprecated, entry.removed]) {
          if (version !== undefined) assert.ok(parseVersion(version), `${entry.name}: ${version} is a release number`);
        }
        if (entry.since) assert.ok(compareVersions(entry.since, ref) <= 0, `${entry.name}: since after ${ref}`);
        if (entry.removed) assert.ok(compareVersions(entry.removed, ref) <= 0, `${entry.name}: removed after ${ref}`);
        if (entry.since && entry.removed) assert.ok(compareVersions(entry.since, entry.removed) < 0, `${entry.name}: since < removed`);
        if (entry.deprecated && entry.removed) assert.ok(compareVersions(entry.deprecated, entry.removed) < 0, `${entry.name}: deprecated < removed`);
      }
    });

    it('links current settings to their anchor in the settings reference', () => {
      for (const entry of table.settings.filter((candidate) => candidate.removed === undefined)) {
        assert.equal(entry.docs, `https://gunicorn.org/reference/settings/#${entry.name}`);
      }
    });

    it('gives callables an arity and plain constants a matching default', () => {
      for (const entry of table.settings) {
        if (entry.type === 'callable') {
          assert.notEqual(entry.arity, undefined, `${entry.name}: arity`);
          assert.equal(entry.default, undefined, `${entry.name}: a function is no JSON default`);
        } else {
          assert.equal(entry.arity, undefined, `${entry.name}: arity on a non-callable`);
        }
        if (entry.type === 'int' && entry.default !== undefined) assert.equal(typeof entry.default, 'number', entry.name);
        if (entry.type === 'bool' && entry.default !== undefined && entry.default !== null) assert.equal(typeof entry.default, 'boolean', entry.name);
        if (typeof entry.default === 'string' && entry.choices) assert.ok(entry.choices.includes(entry.default), `${entry.name}: default among choices`);
      }
    });
  });

  describe('seed facts', () => {
    it('knows the settings the seed systems use, with their flags', () => {
      assert.deepEqual(setting('worker_connections').flags, ['--worker-connections']);
      assert.equal(setting('worker_connections').default, 1000);
      assert.deepEqual(setting('max_requests_jitter').flags, ['--max-requests-jitter']);
      assert.deepEqual(setting('worker_tmp_dir').flags, ['--worker-tmp-dir']);
      assert.deepEqual(setting('umask').flags, ['-m', '--umask']);
      assert.equal(setting('umask').type, 'octal-int');
      assert.deepEqual(setting('secure_scheme_headers').flags, []);
      assert.equal(setting('secure_scheme_headers').type, 'dict');
      assert.deepEqual(setting('preload_app').flags, ['--preload']);
      assert.equal(setting('preload_app').action, 'store_true');
      assert.deepEqual(setting('keepalive').flags, ['--keep-alive']);
      assert.equal(setting('keepalive').default, 2);
      assert.deepEqual(setting('workers').flags, ['-w', '--workers']);
      assert.equal(setting('workers').default, 1);
      assert.equal(setting('workers').env, 'WEB_CONCURRENCY');
      assert.deepEqual(setting('bind').default, ['127.0.0.1:8000']);
      assert.equal(setting('bind').action, 'append');
    });

    it('does not know the names people invent', () => {
      for (const name of ['max_worker_memory', 'keep_alive', 'Workers', 'postfork']) {
        assert.equal(table.settings.find((entry) => entry.name === name), undefined, name);
      }
    });

    it('has the hook arities the hook-signature rule relies on', () => {
      const expected: Record<string, number | { min: number; max: number }> = {
        on_starting: 1,
        on_reload: 1,
        when_ready: 1,
        pre_fork: 2,
        post_fork: 2,
        post_worker_init: 1,
        worker_int: 1,
        worker_abort: 1,
        pre_exec: 1,
        pre_request: 2,
        post_request: { min: 2, max: 4 },
        child_exit: 2,
        worker_exit: 2,
        nworkers_changed: 3,
        on_exit: 1,
        ssl_context: 2,
      };
      for (const [name, arity] of Object.entries(expected)) {
        assert.deepEqual(setting(name).arity, arity, name);
        assert.equal(setting(name).type, 'callable', name);
      }
      assert.deepEqual(setting('pre_fork').parameters, ['server', 'worker']);
      assert.deepEqual(setting('post_request').parameters, ['worker', 'req', 'environ', 'resp']);
    });

    it('knows the enumerations', () => {
      assert.deepEqual([...(setting('loglevel').choices ?? [])].sort(), ['critical', 'debug', 'error', 'info', 'warning']);
      const classes = setting('worker_class').choices ?? [];
      for (const name of ['sync', 'gthread', 'gevent', 'tornado', 'asgi']) assert.ok(classes.includes(name), name);
      assert.ok(!classes.includes('eventlet'), 'eventlet is gone from the current release');
      assert.equal(setting('worker_class').default, 'sync');
    });

    it('knows eventlet was deprecated in 25.0 and removed in 26.0', () => {
      const eventlet = workerClass('eventlet');
      assert.equal(compareVersions(eventlet.deprecated ?? '', '25.0'), 0);
      assert.equal(compareVersions(eventlet.removed ?? '', '26.0'), 0);
      assert.equal(eventlet.requires, 'eventlet');
    });

    it('knows which workers read worker_connections and keepalive', () => {
      assert.equal(workerClass('sync').usesWorkerConnections, false);
      assert.equal(workerClass('sync').usesKeepalive, false);
      for (const name of ['gthread', 'gevent', 'eventlet', 'asgi']) {
        assert.equal(workerClass(name).usesWorkerConnections, true, name);
        assert.equal(workerClass(name).usesKeepalive, true, name);
      }
      assert.equal(workerClass('gevent').requires, 'gevent');
      assert.equal(workerClass('gthread').requires, undefined);
    });

    it('dates settings so older releases reject newer names', () => {
      const debian12 = settingsIn('20.1.0');
      for (const name of ['wsgi_app', 'print_config', 'worker_tmp_dir', 'max_requests_jitter', 'reuse_port', 'keepalive']) {
        assert.ok(debian12.has(name), `${name} exists in 20.1.0`);
      }
      for (const name of ['logconfig_json', 'ssl_context', 'header_map', 'dirty_workers', 'control_socket']) {
        assert.ok(!debian12.has(name), `${name} does not exist in 20.1.0`);
      }
      assert.ok(!settingsIn(table.source.ref).has('django_settings'), 'django_settings is gone');
      assert.equal(setting('django_settings').removed, '19.7.0');
    });
  });
});
