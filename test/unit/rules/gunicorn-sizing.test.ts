import assert from 'node:assert/strict';
import { assertGunicornLoads } from '../../helpers/gunicorn-loads';
import { assertFixRoundTrip, findingsOf, seen } from '../../helpers/lint';
import { requireOracle } from '../../helpers/oracles';

/*
 * The four rules about how many workers a run starts and how they recycle. The rules are
 * registered in rules/index.ts, so the ordinary lint helpers (every rule) check them; the
 * round trips therefore also prove that a fix draws no other rule's finding.
 */

const CONFIG = '/srv/app/gunicorn.conf.py';
const UNIT = '/srv/app/app.service';
const hostFile = (text: string) => ({ '/srv/app/.deploylint.ini': text });
const unitRunning = (command: string, service = '') => `[Service]\n${service}ExecStart=${command}\n`;
const titles = (rule: string, path: string, text: string, others?: Record<string, string>) =>
  findingsOf(rule, path, text, others ? { others } : {}).flatMap((finding) => finding.fixes.map((fix) => [fix.title, fix.safe]));

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
    assert.deepEqual(titles(rule, CONFIG, text, seed001), [['Run 1 worker (4 CPUs, 1G: workers = (400M − 50M master) / 250M per worker = 1)', true]]);
    assert.equal(assertFixRoundTrip(rule, CONFIG, text, { setup: { others: seed001 } }), 'workers = 1\n');
  });

  it('evaluates cpu_count() * 2 + 1 on the host declared in a comment (seed 002), and the fixed file loads in gunicorn', function () {
    const text = '# deploylint: host cpus=4 memory=1G\nimport multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n';
    assert.deepEqual(seen(rule, CONFIG, text), [
      {
        underlined: 'workers',
        severity: 'warning',
        message:
          '9 workers × 100M, the assumed size of a worker + 50M master = 950M, above the 400M memory budget (MemoryHigh 80% of 512M = 400M of ⅔ of 768M usable = 512M): under load the kernel kills workers mid-request, or systemd throttles the whole service',
      },
    ]);
    // The machine is declared: the title names it, and --fix may apply the count.
    assert.deepEqual(titles(rule, CONFIG, text), [['Run 3 workers (4 CPUs, 1G: workers = (400M − 50M master) / 100M per worker = 3)', true]]);
    const fixed = assertFixRoundTrip(rule, CONFIG, text);
    assert.equal(fixed, '# deploylint: host cpus=4 memory=1G\nimport multiprocessing\nworkers = 3\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });

  it("judges against the unit's MemoryMax= with no host declared, and the title states the assumption", () => {
    const unit = unitRunning('/usr/bin/gunicorn --workers 6 app:app', 'MemoryMax=512M\n');
    assert.deepEqual(seen(rule, UNIT, unit), [
      {
        underlined: '--workers 6',
        severity: 'warning',
        message:
          "6 workers × 100M, the assumed size of a worker + 50M master = 650M, above the 400M memory budget (80% of the unit's MemoryMax=512M = 400M): under load the kernel kills workers mid-request, or systemd throttles the whole service",
      },
    ]);
    assert.deepEqual(titles(rule, UNIT, unit), [
      // Sized for an assumed machine: offered, never applied by --fix.
      ['Run 3 workers (assuming 1 CPU, 1G, no host declared: workers = (400M − 50M master) / 100M per worker = 3)', false],
      ['Declare the machine in .deploylint.ini (the fixes assume 1 CPU, 1G)', false],
    ]);
    assert.equal(assertFixRoundTrip(rule, UNIT, unit), unitRunning('/usr/bin/gunicorn --workers 3 app:app', 'MemoryMax=512M\n'));
  });

  it("counts WEB_CONCURRENCY from the unit's Environment= when nothing sets workers, and rewrites it there", () => {
    const unit = unitRunning('/usr/bin/gunicorn app:app', 'MemoryHigh=400M\nEnvironment="WEB_CONCURRENCY=8" PYTHONUNBUFFERED=1\n');
    assert.deepEqual(seen(rule, UNIT, unit), [
      {
        underlined: '"WEB_CONCURRENCY=8"',
        severity: 'warning',
        message:
          '8 workers × 100M, the assumed size of a worker + 50M master = 850M, above the 400M memory budget (MemoryHigh=400M of the unit): under load the kernel kills workers mid-request, or systemd throttles the whole service',
      },
    ]);
    assert.equal(assertFixRoundTrip(rule, UNIT, unit), unitRunning('/usr/bin/gunicorn app:app', 'MemoryHigh=400M\nEnvironment="WEB_CONCURRENCY=3" PYTHONUNBUFFERED=1\n'));
  });

  it('stays quiet when the workers fit, when the memory is only assumed, and when workers overrides WEB_CONCURRENCY', () => {
    assert.deepEqual(seen(rule, CONFIG, 'workers = 1\n', { others: seed001 }), []);
    assert.deepEqual(seen(rule, CONFIG, 'workers = 12\n'), []);
    // 3 × 100M + 50M = 350M, within 400M.
    assert.deepEqual(seen(rule, UNIT, unitRunning('/usr/bin/gunicorn --workers 3 app:app', 'MemoryMax=512M\n')), []);
    assert.deepEqual(seen(rule, UNIT, unitRunning('/usr/bin/gunicorn --workers 2 app:app', 'MemoryMax=512M\nEnvironment=WEB_CONCURRENCY=8\n')), []);
    // The default of one worker never fires, however small the budget.
    assert.deepEqual(seen(rule, UNIT, unitRunning('/usr/bin/gunicorn app:app', 'MemoryMax=64M\n')), []);
  });

  it('leaves the run to workers-exceed-cpu when the CPUs allow fewer workers than the memory does', () => {
    const roomy = hostFile('[host]\ncpus = 2\nmemory = 8G\n');
    // Memory holds (3680M − 50M) / 100M = 36, the CPUs 2 × 2 + 1 = 5: one finding, the lower count.
    assert.deepEqual(seen(rule, CONFIG, 'workers = 40\n', { others: roomy }), []);
    assert.deepEqual(titles('gunicorn/workers-exceed-cpu', CONFIG, 'workers = 40\n', roomy), [['Run 5 workers (2 CPUs, 8G: 2 × 2 CPUs + 1 = 5)', true]]);
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
    assert.deepEqual(titles(rule, CONFIG, 'workers = 17\n', big), [['Run 9 workers (4 CPUs, 8G: 2 × 4 CPUs + 1 = 9)', true]]);
    assert.equal(assertFixRoundTrip(rule, CONFIG, 'workers = 17\n', { setup: { others: big } }), 'workers = 9\n');
  });

  it('allows one event-loop worker per CPU, and keeps 2 × CPUs + 1 for gthread', () => {
    const text = 'worker_class = "gevent"\nworkers = 8\n';
    assert.deepEqual(seen(rule, CONFIG, text, { others: big }), [
      {
        underlined: 'workers',
        severity: 'warning',
        message:
          '8 gevent workers on 4 CPUs: a gevent worker runs an event loop that keeps a CPU busy on its own, so the CPUs use at most 1 gevent worker per CPU × 4 CPUs = 4; the extra processes only take turns on the same CPUs, each with its own copy of the app in memory',
      },
    ]);
    assert.deepEqual(titles(rule, CONFIG, text, big), [['Run 4 workers (4 CPUs, 8G: 1 gevent worker per CPU × 4 CPUs = 4)', true]]);
    assert.equal(assertFixRoundTrip(rule, CONFIG, text, { setup: { others: big } }), 'worker_class = "gevent"\nworkers = 4\n');
    assert.deepEqual(seen(rule, CONFIG, 'worker_class = "gevent"\nworkers = 4\n', { others: big }), []);
    assert.deepEqual(seen(rule, CONFIG, 'worker_class = "gthread"\nthreads = 4\nworkers = 9\n', { others: big }), []);
    // A third-party class is judged by the sync guidance, the more lenient one.
    assert.deepEqual(seen(rule, CONFIG, 'worker_class = "uvicorn.workers.UvicornWorker"\nworkers = 8\n', { others: big }), []);
  });

  it("rewrites WEB_CONCURRENCY in the unit's Environment= when that is what sets the count", () => {
    const unit = unitRunning('/usr/bin/gunicorn app:app', 'Environment=WEB_CONCURRENCY=20\n');
    assert.deepEqual(seen(rule, UNIT, unit, { others: big }).map((f) => f.underlined), ['WEB_CONCURRENCY=20']);
    assert.equal(assertFixRoundTrip(rule, UNIT, unit, { setup: { others: big } }), unitRunning('/usr/bin/gunicorn app:app', 'Environment=WEB_CONCURRENCY=9\n'));
  });

  it('flags cpu_count() in a container, where it counts the host; the fixed file loads in gunicorn', function () {
    const text = 'import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n';
    const container = hostFile('[host]\ncpus = 2\nmemory = 2G\ncontainer = yes\n');
    assert.deepEqual(seen(rule, CONFIG, text, { others: container }), [
      {
        underlined: 'multiprocessing.cpu_count() * 2 + 1',
        severity: 'warning',
        message: "cpu_count() in a container counts the CPUs of the host, not the container's limit: on a large host this starts dozens of workers in a container allowed 2 CPUs",
      },
    ]);
    assert.deepEqual(titles(rule, CONFIG, text, container), [['Write workers = 5 (2 CPUs, 2G: 2 × 2 CPUs + 1 = 5)', true]]);
    const fixed = assertFixRoundTrip(rule, CONFIG, text, { setup: { others: container } });
    assert.equal(fixed, 'import multiprocessing\nworkers = 5\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });

  it('in a container with no CPUs declared, says so and offers to declare the machine instead of a number', () => {
    const text = '# deploylint: host container=yes\nimport multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n';
    assert.deepEqual(seen(rule, CONFIG, text).map((f) => f.message), [
      "cpu_count() in a container counts the CPUs of the host, not the container's limit: on a large host this starts dozens of workers in a container allowed only a few",
    ]);
    assert.deepEqual(titles(rule, CONFIG, text), [['Declare the machine in .deploylint.ini (the fixes assume 1 CPU, 1G)', false]]);
  });

  it('leaves a bounded cpu_count() in a container alone: min(cpu_count(), 4) never starts more than 4', () => {
    const container = hostFile('[host]\ncpus = 2\nmemory = 2G\ncontainer = yes\n');
    assert.deepEqual(seen(rule, CONFIG, 'import multiprocessing\nworkers = min(multiprocessing.cpu_count(), 4)\n', { others: container }), []);
  });

  it('leaves the count alone when the CPUs are only assumed, and defers to workers-exceed-memory when memory holds fewer', () => {
    assert.deepEqual(seen(rule, CONFIG, 'workers = 17\n'), []);
    const small = hostFile('[host]\ncpus = 4\nmemory = 1G\n');
    assert.deepEqual(seen(rule, CONFIG, 'workers = 12\n', { others: small }), []);
    assert.deepEqual(titles('gunicorn/workers-exceed-memory', CONFIG, 'workers = 12\n', small), [['Run 3 workers (4 CPUs, 1G: workers = (400M − 50M master) / 100M per worker = 3)', true]]);
    // The same with the budget from the unit and only the CPUs declared: still one finding, from the memory rule.
    const cpusOnly = hostFile('[host]\ncpus = 4\n');
    const unit = unitRunning('/usr/bin/gunicorn --workers 17 app:app', 'MemoryMax=512M\n');
    assert.deepEqual(seen(rule, UNIT, unit, { others: cpusOnly }), []);
    assert.deepEqual(seen('gunicorn/workers-exceed-memory', UNIT, unit, { others: cpusOnly }).map((f) => f.underlined), ['--workers 17']);
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
    assert.deepEqual(titles(rule, UNIT, unit), [['Set max_requests_jitter = 120 (1200 / 10 = 120)', true]]);
    const fixed = assertFixRoundTrip(rule, UNIT, unit);
    assert.equal(fixed, unitRunning('/usr/bin/gunicorn --workers 3 --max-requests 1200 --max-requests-jitter 120 app:app'));
  });

  it("counts the workers WEB_CONCURRENCY starts, and says 'the workers' when the count is unknown", () => {
    const unit = unitRunning('/usr/bin/gunicorn --max-requests 1000 app:app', 'Environment=WEB_CONCURRENCY=4\n');
    assert.deepEqual(seen(rule, UNIT, unit).map((f) => f.message), [
      'max_requests 1000 without max_requests_jitter: the 4 workers share the requests evenly, reach 1000 together and restart at the same moment, leaving no worker to answer',
    ]);
    const unknown = 'import os\nworkers = int(os.environ["WORKERS"])\nmax_requests = 500\n';
    assert.deepEqual(seen(rule, CONFIG, unknown).map((f) => [f.underlined, f.message]), [
      ['max_requests', 'max_requests 500 without max_requests_jitter: the workers share the requests evenly, reach 500 together and restart at the same moment, leaving no worker to answer'],
    ]);
  });

  it('is quiet with jitter, with one worker (written or by default), without max_requests, and with max_requests = 0', () => {
    assert.deepEqual(seen(rule, CONFIG, 'workers = 3\nmax_requests = 1000\nmax_requests_jitter = 50\n'), []);
    assert.deepEqual(seen(rule, CONFIG, 'workers = 1\nmax_requests = 1000\n'), []);
    assert.deepEqual(seen(rule, CONFIG, 'max_requests = 1000\n'), []);
    assert.deepEqual(seen(rule, CONFIG, 'workers = 3\n'), []);
    assert.deepEqual(seen(rule, CONFIG, 'workers = 3\nmax_requests = 0\n'), []);
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

  it('fires under sync workers (seed 003: --keep-alive 5) and removes it', () => {
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

  it('is quiet for gthread, for sync turned gthread by threads > 1, for gevent and tornado, and for keepalive = 0', () => {
    for (const text of ['keepalive = 5\nworker_class = "gthread"\n', 'keepalive = 5\nthreads = 4\n', 'keepalive = 5\nworker_class = "gevent"\n', 'keepalive = 5\nworker_class = "tornado"\n', 'keepalive = 0\n']) {
      assert.deepEqual(seen(rule, CONFIG, text), [], text);
    }
  });

  it('removes the setting from the config file, and gunicorn loads the result', function () {
    const fixed = assertFixRoundTrip(rule, CONFIG, 'workers = 2\nkeepalive = 2\n');
    assert.equal(fixed, 'workers = 2\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });

  it('offers gthread sized for the assumed machine when none is declared, and says so', () => {
    const text = 'workers = 2\nkeepalive = 2\n';
    assert.deepEqual(findingsOf(rule, CONFIG, text)[0]!.message, "keepalive is ignored: the default sync worker closes every connection after one response, so a proxy's keep-alive connections to gunicorn are never reused");
    assert.deepEqual(titles(rule, CONFIG, text), [
      ['Remove keepalive', true],
      ['Switch to 2 gthread workers × 2 threads (assuming 1 CPU, 1G, no host declared: workers = min(1 + 1, memory (400M − 50M master) / 100M per worker = 3) = 2; threads = 2 × 1 + 1 mixed requests / 2 = 2)', false],
      ['Declare the machine in .deploylint.ini (the fixes assume 1 CPU, 1G)', false],
    ]);
  });

  it('sizes the gthread switch for the declared machine, and the switched file loads in gunicorn', function () {
    const text = '# deploylint: host cpus=2 memory=2G\nworkers = 2\nkeepalive = 2\n';
    assert.deepEqual(titles(rule, CONFIG, text), [
      ['Remove keepalive', true],
      ['Switch to 3 gthread workers × 2 threads (2 CPUs, 2G: workers = min(2 + 1, memory (912M − 50M master) / 100M per worker = 8) = 3; threads = 2 × 2 + 1 mixed requests / 3 = 2)', false],
    ]);
    const fixed = assertFixRoundTrip(rule, CONFIG, text, { fixTitle: /^Switch to/ });
    assert.equal(fixed, '# deploylint: host cpus=2 memory=2G\nworkers = 3\nworker_class = "gthread"\nthreads = 2\nkeepalive = 2\n');
    if (!requireOracle(this, 'gunicorn')) return;
    assertGunicornLoads(fixed);
  });
});
