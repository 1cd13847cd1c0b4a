import assert from 'node:assert/strict';
import { assertGunicornLoads } from '../../helpers/gunicorn-loads';
import { assertFixRoundTrip, findingsOf, seen } from '../../helpers/lint';
import { requireOracle } from '../../helpers/oracles';

const CONFIG = '/srv/app/gunicorn.conf.py';
const UNIT = '/srv/app/app.service';
const hostFile = (text: string) => ({ '/srv/app/.deploylint.ini': text });
const unitRunning = (command: string, service = '') => `[Service]\n${service}ExecStart=${command}\n`;

describe('gunicorn/workers-exceed-memory', () => {
  const rule = 'gunicorn/workers-exceed-memory';
  const seed001 = hostFile('[host]\ncpus = 4\nmemory = 1G\n[app]\nworker_memory = 250M\n');

  it('fires on the worked example of seed 001 (4 CPU, 1 GiB, 250M workers, 4 workers) and proposes 1', () => {
    const text = 'workers = 4\n';
    assert.deepEqual(seen(rule, CONFIG, text, { others: seed001 }), [
      {
        underlined: 'workers',
        severity: 'warning',
        message:
          '4 workers × 250M + 50M master = 1050M, above the 400M memory budget (MemoryHigh 80% of 512M = 400M of ⅔ of 768M usable = 512M): under load the kernel kills workers mid-request, or systemd throttles the whole service',
      },
    ]);
    const [finding] = findingsOf(rule, CONFIG, text, { others: seed001 });
    assert.deepEqual(
      finding!.fixes.map((fix) => [fix.title, fix.safe]),
      [['Run 1 worker (4 CPUs, 1G: workers = (400M − 50M master) / 250M per worker = 1)', true]],
    );
    assert.equal(assertFixRoundTrip(rule, CONFIG, text, { setup: { others: seed001 } }), 'workers = 1\n');
  });

  it("judges against the unit's MemoryMax= when it sets one, even with no host declared", () => {
    const unit = unitRunning('/usr/bin/gunicorn --workers 6 app:app', 'MemoryMax=512M\n');
    assert.deepEqual(
      seen(rule, UNIT, unit).map((f) => [f.underlined, f.message.split(':')[0]]),
      [['--workers 6', "6 workers × 100M, the assumed size of a worker + 50M master = 650M, above the 400M memory budget (80% of the unit's MemoryMax=512M = 400M)"]],
    );
    const [finding] = findingsOf(rule, UNIT, unit);
    assert.equal(finding!.fixes[0]!.title, "Run 3 workers (assuming 1 CPU, 1G, no host declared: workers = (400M − 50M master) / 100M per worker = 3)");
    assert.equal(finding!.fixes[0]!.safe, false);
  });

  it('stays quiet when the workers fit, and when the memory is only assumed', () => {
    assert.deepEqual(seen(rule, CONFIG, 'workers = 1\n', { others: seed001 }), []);
    assert.deepEqual(seen(rule, CONFIG, 'workers = 12\n'), []);
  });
});

describe('gunicorn/workers-exceed-cpu', () => {
  const rule = 'gunicorn/workers-exceed-cpu';
  const big = hostFile('[host]\ncpus = 4\nmemory = 8G\n');

  it('fires above 2 × CPUs + 1 on the declared machine, and not at it (seed 003: 9 on 4 CPUs)', () => {
    assert.deepEqual(seen(rule, CONFIG, 'workers = 9\n', { others: big }), []);
    assert.deepEqual(seen(rule, CONFIG, 'workers = 17\n', { others: big }), [
      {
        underlined: 'workers',
        severity: 'warning',
        message: "17 workers on 4 CPUs: gunicorn's guidance is at most 2 × 4 CPUs + 1 = 9; the extra processes only take turns on the same CPUs, each with its own copy of the app in memory",
      },
    ]);
    assert.equal(assertFixRoundTrip(rule, CONFIG, 'workers = 17\n', { setup: { others: big } }), 'workers = 9\n');
  });

  it('flags cpu_count() in a container, where it counts the host', () => {
    const text = 'import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n';
    const container = hostFile('[host]\ncpus = 2\nmemory = 2G\ncontainer = yes\n');
    assert.deepEqual(
      seen(rule, CONFIG, text, { others: container }).map((f) => [f.underlined, f.message]),
      [
        [
          'multiprocessing.cpu_count() * 2 + 1',
          "cpu_count() in a container counts the CPUs of the host, not the container's limit: on a large host this starts dozens of workers in a container allowed 2 CPUs",
        ],
      ],
    );
    assert.equal(
      assertFixRoundTrip(rule, CONFIG, text, { setup: { others: container } }),
      'import multiprocessing\nworkers = 5\n',
    );
  });

  it('leaves the count alone when the CPUs are only assumed, and defers to workers-exceed-memory when memory holds fewer', () => {
    assert.deepEqual(seen(rule, CONFIG, 'workers = 17\n'), []);
    const small = hostFile('[host]\ncpus = 4\nmemory = 1G\n');
    assert.deepEqual(seen(rule, CONFIG, 'workers = 12\n', { others: small }), []);
    assert.deepEqual(seen('gunicorn/workers-exceed-memory', CONFIG, 'workers = 12\n', { others: small }).length, 1);
  });
});

describe('gunicorn/max-requests-without-jitter', () => {
  const rule = 'gunicorn/max-requests-without-jitter';

  it('fires on a command line with several workers and adds a tenth as jitter next to it', () => {
    const unit = unitRunning('/usr/bin/gunicorn --workers 3 --max-requests 1200 app:app');
    assert.deepEqual(seen(rule, UNIT, unit), [
      {
        underlined: '--max-requests 1200',
        severity: 'warning',
        message: 'max_requests 1200 without max_requests_jitter: the 3 workers share the requests evenly, reach 1200 together and restart at the same moment, leaving no worker to answer',
      },
    ]);
    const fixed = assertFixRoundTrip(rule, UNIT, unit);
    assert.equal(fixed, unitRunning('/usr/bin/gunicorn --workers 3 --max-requests 1200 --max-requests-jitter 120 app:app'));
  });

  it('is quiet with jitter, with one worker, and without max_requests', () => {
    assert.deepEqual(seen(rule, CONFIG, 'workers = 3\nmax_requests = 1000\nmax_requests_jitter = 50\n'), []);
    assert.deepEqual(seen(rule, CONFIG, 'workers = 1\nmax_requests = 1000\n'), []);
    assert.deepEqual(seen(rule, CONFIG, 'workers = 3\n'), []);
  });

  it('writes the jitter into the config file in its style, and gunicorn loads it', function () {
    const fixed = assertFixRoundTrip(rule, CONFIG, 'workers = 3\nmax_requests = 1000\ntimeout = 30\n');
    assert.equal(fixed, 'workers = 3\nmax_requests = 1000\nmax_requests_jitter = 100\ntimeout = 30\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });
});

describe('gunicorn/keepalive-ignored', () => {
  const rule = 'gunicorn/keepalive-ignored';

  it('fires under sync workers (Trunk8: --keep-alive 5) and removes it', () => {
    const unit = unitRunning('/usr/bin/gunicorn --workers 9 --worker-class sync --keep-alive 5 app:app');
    assert.deepEqual(seen(rule, UNIT, unit), [
      {
        underlined: '--keep-alive 5',
        severity: 'warning',
        message: "keepalive is ignored: the sync worker closes every connection after one response, so a proxy's keep-alive connections to gunicorn are never reused",
      },
    ]);
    assert.equal(assertFixRoundTrip(rule, UNIT, unit), unitRunning('/usr/bin/gunicorn --workers 9 --worker-class sync app:app'));
  });

  it('is quiet for gthread, for sync turned gthread by threads > 1, and for gevent', () => {
    for (const text of ['keepalive = 5\nworker_class = "gthread"\n', 'keepalive = 5\nthreads = 4\n', 'keepalive = 5\nworker_class = "gevent"\n']) {
      assert.deepEqual(seen(rule, CONFIG, text), [], text);
    }
  });

  it('removes the setting from the config file, and gunicorn loads the result', function () {
    const fixed = assertFixRoundTrip(rule, CONFIG, 'workers = 2\nkeepalive = 2\n');
    assert.equal(fixed, 'workers = 2\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });
});
