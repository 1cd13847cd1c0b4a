/**
 * The keystroke figure of one document, in a process of its own: `npm run bench` starts
 * this file once per case, so that no case inherits the heap (and the garbage collections)
 * of the cases before it; a server holds the documents it has open, not a benchmark's
 * earlier synthetic files.
 *
 *   tsx bench/keystrokes.ts nginx|nginx-http|nginx-stack|unit|gunicorn LINES   → {"p50":…,"p99":…}
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linter } from '../server/src/core/linter';
import { Session } from '../server/src/lsp/session';
import { DEFAULT_SETTINGS } from '../server/src/lsp/settings';

export const KEYSTROKES = 400;

function percentile(samples: number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

/** Types one character at a time into a document and measures each re-check. */
function keystrokes(path: string, languageId: string, text: string, at: number, folder?: string): { p50: number; p99: number } {
  const session = new Session(new Linter());
  // As with VS Code, which reports file changes: disk reads are kept between keystrokes.
  session.cacheDisk();
  if (folder) session.setWorkspaceFolders([folder]);
  const uri = pathToFileURL(path).href;
  session.update(uri, languageId, 0, text);
  session.check(uri, DEFAULT_SETTINGS);
  const samples: number[] = [];
  let current = text;
  for (let version = 1; version <= KEYSTROKES; version++) {
    // Alternately type and delete a character inside a comment.
    current = version % 2 === 1 ? `${current.slice(0, at)}x${current.slice(at)}` : `${current.slice(0, at)}${current.slice(at + 1)}`;
    const started = performance.now();
    session.update(uri, languageId, version, current);
    session.check(uri, DEFAULT_SETTINGS);
    samples.push(performance.now() - started);
  }
  return { p50: percentile(samples.slice(50), 0.5), p99: percentile(samples.slice(50), 0.99) };
}

/** Server blocks (indented by `indent`) until the text has `lines` lines, after the lines given. */
function serverBlocks(lines: number, head: readonly string[], indent: string): string[] {
  const blocks = [...head];
  for (let index = 0; blocks.join('\n').split('\n').length < lines; index++) {
    const block = `server {\n    listen 127.0.0.1:${8000 + index};\n    server_name app${index}.example.com;\n    location / {\n        proxy_pass http://127.0.0.1:9000;\n        proxy_set_header Host $host;\n        proxy_read_timeout 60s;\n    }\n}`;
    blocks.push(block.replace(/^/gm, indent));
  }
  return blocks;
}

/** A site: server blocks at the top level, the keystrokes in a comment above the first. */
function nginxOf(lines: number): string {
  return `${serverBlocks(lines, ['# keystrokes land here: x'], '').join('\n')}\n`;
}

/**
 * An nginx.conf holding everything in one http block, the keystrokes inside it: the worst
 * case for the reparse, which then rereads the whole block.
 */
function nginxConfOf(lines: number): string {
  return `${serverBlocks(lines - 1, ['events {}', 'http {', '    # keystrokes land here: x'], '    ').join('\n')}\n}\n`;
}

function unitOf(lines: number): string {
  const body = ['# keystrokes land here: x', '[Unit]', 'Description=bench', 'After=network.target', '', '[Service]', 'ExecStart=/usr/bin/app'];
  for (let index = 0; body.length < lines; index++) body.push(`Environment=VARIABLE_${index}=value${index}`);
  return `${body.join('\n')}\n`;
}

function gunicornOf(lines: number): string {
  const body = ['# keystrokes land here: x', 'import multiprocessing', '', 'bind = "127.0.0.1:8000"', 'workers = 2 * multiprocessing.cpu_count() + 1', 'raw_env = ['];
  for (let index = 0; body.length < lines - 1; index++) body.push(`    "VARIABLE_${index}=value${index}",`);
  body.push(']');
  return `${body.join('\n')}\n`;
}

/** The kinds of document measured, each with its path, language and generator, and the workspace folder around it. */
const KINDS: Readonly<Record<string, { path: string; languageId: string; generate: (lines: number) => string; folder?: string }>> = {
  nginx: { path: '/srv/bench/nginx/sites-enabled/bench', languageId: 'nginx', generate: nginxOf },
  // The site in the seed workspace: the stack rules then have gunicorns to compare its proxies with.
  'nginx-stack': { path: resolve('examples/nginx/sites-enabled/bench'), languageId: 'nginx', generate: nginxOf, folder: resolve('examples') },
  'nginx-http': { path: '/srv/bench/nginx/nginx.conf', languageId: 'nginx', generate: nginxConfOf },
  unit: { path: '/srv/bench/bench.service', languageId: 'systemd-unit-file', generate: unitOf },
  gunicorn: { path: '/srv/bench/gunicorn.conf.py', languageId: 'python', generate: gunicornOf },
};

if (require.main === module) {
  const [kind, lines] = process.argv.slice(2);
  const subject = KINDS[kind ?? ''];
  if (!subject || !Number.isInteger(Number(lines))) {
    process.stderr.write('usage: tsx bench/keystrokes.ts nginx|nginx-http|nginx-stack|unit|gunicorn LINES\n');
    process.exit(2);
  }
  const text = subject.generate(Number(lines));
  process.stdout.write(JSON.stringify(keystrokes(subject.path, subject.languageId, text, text.indexOf('x'), subject.folder)));
}
