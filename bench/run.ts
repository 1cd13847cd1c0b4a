/**
 * `npm run bench`: the CLI against the real programs on the same input, in the same run.
 *
 * Cases:
 *   nginx    a generated 10 MB nginx.conf with 12,000 server blocks  vs  nginx -t
 *   systemd  every unit in /lib/systemd/system                      vs  systemd-analyze verify
 *   gunicorn 1,000 generated gunicorn.conf.py files                 vs  python3 -m py_compile
 *
 * Each command runs several times; the table shows the median wall time, throughput and
 * peak resident memory (GNU time's %M), and the ratio to the real program. Results go to
 * docs/benchmarks.md. Needs: nginx-core, systemd, python3 and GNU time (package `time`).
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lspFigures } from './lsp';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const OUT = resolve('bench/out');
const CLI = resolve('bin/deploylint.js');
/** Everything from this heading on in docs/benchmarks.md is written by hand and kept. */
const NOTES_HEADING = '## How to reproduce';

interface Measurement {
  readonly seconds: number;
  readonly peakMiB: number;
}

interface Case {
  readonly name: string;
  readonly input: string;
  readonly bytes: number;
  readonly ours: Measurement;
  readonly theirs: Measurement;
  readonly theirsLabel: string;
}

function requireTool(command: string, args: string[], apt: string): void {
  if (spawnSync(command, args, { stdio: 'ignore' }).error) {
    process.stderr.write(`bench: ${command} is missing; install it with: apt-get install -y ${apt}\n`);
    process.exit(2);
  }
}

/** Median wall time and peak memory of a command over RUNS runs, via GNU time. */
function measure(command: string, args: string[], acceptStatus: (status: number) => boolean): Measurement {
  const samples: Measurement[] = [];
  for (let run = 0; run < RUNS; run++) {
    const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    if (result.status === null || !acceptStatus(result.status)) {
      throw new Error(`${command} ${args.slice(0, 3).join(' ')} … exited ${result.status}: ${result.stderr.slice(-500)}`);
    }
    const [seconds, kib] = result.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    samples.push({ seconds: seconds!, peakMiB: kib! / 1024 });
  }
  const sorted = [...samples].sort((a, b) => a.seconds - b.seconds);
  return { seconds: sorted[Math.floor(sorted.length / 2)]!.seconds, peakMiB: Math.max(...samples.map((sample) => sample.peakMiB)) };
}

/** Runs our CLI on paths, JSON to /dev/null: the work CI does. Exit 1 (findings) is fine. */
function ours(paths: string[]): Measurement {
  return measure('node', [CLI, '--format', 'json', '--fail-on', 'none', ...paths], (status) => status === 0);
}

// ---------------------------------------------------------------- inputs

function nginxCase(): Case {
  const prefix = join(OUT, 'nginx');
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const servers: string[] = [];
  for (let index = 0; index < 12_000; index++) {
    servers.push(`    server {
        listen 127.0.0.1:8080;
        server_name site${index}.example.com www.site${index}.example.com;
        root /srv/site${index}/public;
        access_log off;
        add_header X-Content-Type-Options "nosniff" always;
        location /static/ {
            alias /srv/site${index}/static/;
            expires 30d;
        }
        location / {
            proxy_pass http://127.0.0.1:${8000 + (index % 100)};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 125s;
            proxy_connect_timeout 5s;
            client_max_body_size 10m;
            proxy_send_timeout 30s;
            proxy_buffering on;
        }
    }`);
  }
  const config = join(prefix, 'nginx.conf');
  writeFileSync(config, `events { worker_connections 1024; }\nhttp {\n    server_names_hash_max_size 65536;\n    server_names_hash_bucket_size 128;\n${servers.join('\n')}\n}\n`);
  const bytes = statSync(config).size;
  return {
    name: 'nginx: 10 MB, 12,000 server blocks',
    input: config,
    bytes,
    ours: ours([config]),
    theirs: measure('nginx', ['-t', '-q', '-c', config, '-p', `${prefix}/`, '-g', 'pid /dev/null;'], (status) => status === 0),
    theirsLabel: 'nginx -t',
  };
}

function systemdCase(): Case {
  const folder = '/lib/systemd/system';
  const units = readdirSync(folder)
    .map((name) => join(folder, name))
    .filter((path) => /\.(service|socket|timer|path|mount|automount|swap|slice|target)$/.test(path) && statSync(path).isFile());
  const bytes = units.reduce((total, path) => total + statSync(path).size, 0);
  return {
    name: `systemd: Debian's ${units.length} units`,
    input: folder,
    bytes,
    ours: ours([folder]),
    // verify reports problems in some of Debian's units (exit 1): it still did the work.
    theirs: measure('systemd-analyze', ['verify', ...units], (status) => status === 0 || status === 1),
    theirsLabel: 'systemd-analyze verify',
  };
}

function gunicornCase(): Case {
  const folder = join(OUT, 'gunicorn');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  for (let index = 0; index < 1000; index++) {
    const path = join(folder, `app${index}_gunicorn_config.py`);
    writeFileSync(
      path,
      `import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:${8000 + index}")
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "gthread"
threads = ${1 + (index % 8)}
timeout = ${30 + (index % 90)}
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
accesslog = "/var/log/app${index}/access.log"
errorlog = "/var/log/app${index}/error.log"
loglevel = "info"
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}


def post_fork(server, worker):
    server.log.info("worker %s ready", worker.pid)


def worker_exit(server, worker):
    server.log.info("worker %s gone", worker.pid)
`,
    );
    files.push(path);
  }
  const bytes = files.reduce((total, path) => total + statSync(path).size, 0);
  return {
    name: 'gunicorn: 1,000 gunicorn.conf.py',
    input: folder,
    bytes,
    ours: ours([folder]),
    theirs: measure('python3', ['-m', 'py_compile', ...files], (status) => status === 0),
    theirsLabel: 'python3 -m py_compile',
  };
}

/**
 * Cold start: the whole CLI process on one small file (what a pre-commit hook pays per
 * run), next to `nginx -t` on a one-site configuration. Median of 11 runs, timed here
 * (GNU time counts hundredths of a second).
 */
function coldStart(): string[] {
  const folder = join(OUT, 'cold');
  mkdirSync(join(folder, 'logs'), { recursive: true });
  writeFileSync(join(folder, 'gunicorn.conf.py'), 'bind = "127.0.0.1:8000"\nworkers = 2\ntimeout = 30\n');
  writeFileSync(join(folder, 'nginx.conf'), `error_log ${folder}/logs/error.log;\nevents {}\nhttp {\n    access_log off;\n    server {\n        listen 127.0.0.1:8080;\n        location / { proxy_pass http://127.0.0.1:8000; }\n    }\n}\n`);
  const milliseconds = (command: string, args: string[]): number => {
    const samples: number[] = [];
    for (let run = 0; run < 11; run++) {
      const started = performance.now();
      const result = spawnSync(command, args, { stdio: 'ignore' });
      if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
      samples.push(performance.now() - started);
    }
    return samples.sort((a, b) => a - b)[5]!;
  };
  const cli = milliseconds('node', [CLI, '--format', 'json', '--fail-on', 'none', join(folder, 'gunicorn.conf.py')]);
  const nginx = milliseconds('nginx', ['-t', '-q', '-c', join(folder, 'nginx.conf'), '-p', `${folder}/`, '-g', 'pid /dev/null;']);
  return [
    '',
    '| cold start on one small file | deploylint | `nginx -t` (one site) | × | target |',
    '|---|---|---|---|---|',
    `| \`deploylint\` on a 3-line gunicorn.conf.py | ${cli.toFixed(0)} ms | ${nginx.toFixed(0)} ms | ${(nginx / cli).toFixed(2)} | < 150 ms |`,
  ];
}

// ---------------------------------------------------------------- report

function version(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? '?';
}

async function main(): Promise<void> {
  requireTool('/usr/bin/time', ['--version'], 'time');
  requireTool('nginx', ['-v'], 'nginx-core');
  requireTool('systemd-analyze', ['--version'], 'systemd');
  requireTool('python3', ['--version'], 'python3');
  mkdirSync(OUT, { recursive: true });

  const cases = [nginxCase(), systemdCase(), gunicornCase()];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmarks',
    '',
    `Run by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 1024 ** 3)} GiB,`,
    `Node ${process.version}, deploylint ${JSON.parse(readFileSync('package.json', 'utf8')).version}, ${version('nginx', ['-v'])}, ${version('systemd-analyze', ['--version'])}, ${version('python3', ['--version'])}.`,
    `Median of ${RUNS} runs; peak memory is the largest resident set of any run. "×" is how many times`,
    'faster deploylint is than the real program on the same input (below 1: slower).',
    '',
    '| input | size | deploylint | MB/s | peak MiB | real program | its time | its peak MiB | × |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const result of cases) {
    const megabytes = result.bytes / 1e6;
    lines.push(
      `| ${result.name} | ${megabytes.toFixed(1)} MB | ${result.ours.seconds.toFixed(2)} s | ${(megabytes / Math.max(result.ours.seconds, 0.01)).toFixed(1)} | ${result.ours.peakMiB.toFixed(0)} | \`${result.theirsLabel}\` | ${result.theirs.seconds.toFixed(2)} s | ${result.theirs.peakMiB.toFixed(0)} | ${(result.theirs.seconds / Math.max(result.ours.seconds, 0.01)).toFixed(2)} |`,
    );
  }
  lines.push(...coldStart());
  lines.push(...(await lspFigures()));
  const table = `${lines.join('\n')}\n`;
  const docs = 'docs/benchmarks.md';
  let existing = '';
  try {
    existing = readFileSync(docs, 'utf8');
  } catch {
    // first run
  }
  // Keep the notes (what was changed and why), replace the measured tables above them.
  const notesStart = existing.indexOf(NOTES_HEADING);
  const notes = notesStart >= 0 ? `\n${existing.slice(notesStart)}` : '';
  writeFileSync(docs, table + notes);
  process.stdout.write(table);
}

void main();
