import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyEdits } from '../../server/src/core/text/edits';
import { assertGunicornLoads } from '../helpers/gunicorn-loads';
import { lintFiles } from '../helpers/lint';
import { requireOracle } from '../helpers/oracles';

const CONFIG = '/srv/app/gunicorn.conf.py';

/** Configs that draw every rule with a fix in the config file, with the files beside them. */
const CASES: { name: string; rules: string[]; text: string; others?: Record<string, string>; files?: Record<string, string> }[] = [
  { name: 'the PXE seed', rules: ['gunicorn/worker-connections-ignored', 'gunicorn/keepalive-ignored', 'gunicorn/duplicate-setting', 'gunicorn/unknown-setting', 'gunicorn/umask-world-writable'], text: readFileSync('examples/nutanix-pxe/gunicorn.conf.py', 'utf8').replace(/^(user|group) = .*$/gm, '').replace(/"\/var\/(log|run)\/nutanix-pxe\//g, '"/tmp/').replace(/"\/opt\/nutanix-pxe"/g, '"/tmp"') },
  { name: 'duplicates, misspellings, sync with threads', rules: ['gunicorn/duplicate-setting', 'gunicorn/unknown-setting', 'gunicorn/threads-with-sync'], text: 'workers = 2\nworkers = 3\nkeep_alive = 5\nworker_class = "sync"\nthreads = 4\n' },
  // gunicorn refuses this file; the fix is what makes it load.
  { name: 'a umask written as a string', rules: ['gunicorn/invalid-value'], text: 'umask = "022"\n' },
  { name: 'more workers than the CPUs use', rules: ['gunicorn/workers-exceed-cpu'], text: 'workers = 40\n', others: { '/srv/app/.deploylint.ini': '[host]\ncpus = 4\nmemory = 16G\n' } },
  { name: 'memory and jitter on a declared host', rules: ['gunicorn/workers-exceed-memory', 'gunicorn/max-requests-without-jitter', 'gunicorn/keepalive-ignored', 'gunicorn/worker-connections-ignored'], text: 'import multiprocessing\nworkers = 40\nmax_requests = 1000\nkeepalive = 2\nworker_connections = 500\n', others: { '/srv/app/.deploylint.ini': '[host]\ncpus = 2\nmemory = 1G\n' } },
  { name: 'umask and a unix socket', rules: ['gunicorn/umask-world-writable'], text: 'bind = "unix:/tmp/deploylint-fixes.sock"\numask = 0\n' },
  { name: 'a pre_fork hook reading the pid', rules: ['gunicorn/hook-reads-worker-pid-before-fork'], text: 'def pre_fork(server, worker):\n    server.log.info("pid %s", worker.pid)\n' },
  { name: 'a hook with the wrong parameters', rules: ['gunicorn/hook-signature'], text: 'def when_ready(server, extra):\n    pass\n' },
  {
    name: 'a UDP receiver started at import, run by a unit with reload and daemon',
    rules: ['gunicorn/multi-worker-udp-receiver', 'gunicorn/reload-in-production', 'gunicorn/daemon-under-systemd'],
    text: 'workers = 3\nreload = True\ndaemon = True\n',
    others: {
      '/srv/app/app.service': '[Service]\nExecStart=/usr/bin/gunicorn -c /srv/app/gunicorn.conf.py app:app\n',
    },
    files: {
      '/srv/app/app.py': 'import socket, threading\nfrom flask import Flask\napp = Flask(__name__)\nsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nsock.bind(("0.0.0.0", 514))\nthreading.Thread(target=lambda: sock.recv(1), daemon=True).start()\n',
    },
  },
  {
    name: 'behind nginx on the same host: an address open to all, a proxy it does not trust, a timeout nginx does not wait for',
    rules: ['stack/app-exposed-behind-proxy', 'stack/forwarded-headers', 'stack/proxy-timeout-below-app-timeout'],
    text: 'bind = "0.0.0.0:8000"\nforwarded_allow_ips = "10.0.0.1"\ntimeout = 120\n',
    others: {
      '/srv/app/app.service': '[Service]\nExecStart=/usr/bin/gunicorn -c /srv/app/gunicorn.conf.py app:app\n',
      '/srv/app/nginx/sites-enabled/app': 'server {\n    listen 443 ssl;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header X-Forwarded-Proto $scheme;\n    }\n}\n',
    },
  },
];

describe('every gunicorn fix in a config file leaves it loadable by real gunicorn', function () {
  this.timeout(120_000);

  for (const example of CASES) {
    it(example.name, function () {
      if (!requireOracle(this, 'gunicorn')) return;
      // Findings of every file whose fixes edit the config: nginx's proxy timeout may be fixed on gunicorn's side.
      const findings = lintFiles(CONFIG, example.text, { others: example.others ?? {}, files: example.files ?? {} }).flatMap((report) => report.findings);
      const fixes = findings.flatMap((finding) => finding.fixes.map((fix) => ({ rule: finding.rule, fix }))).filter(({ fix }) => fix.edits.some((edit) => edit.path === CONFIG));
      assert.deepEqual([...new Set(fixes.map(({ rule }) => rule))].sort(), [...example.rules].sort(), 'the rules the case is meant to draw');
      for (const { rule, fix } of fixes) {
        const fixed = applyEdits(example.text, fix.edits.filter((edit) => edit.path === CONFIG));
        assert.ok(fixed !== undefined, `${rule}: "${fix.title}" has overlapping edits`);
        try {
          assertGunicornLoads(fixed);
        } catch (error) {
          throw new Error(`${rule}: "${fix.title}" broke the file: ${String(error)}`);
        }
      }
    });
  }
});
