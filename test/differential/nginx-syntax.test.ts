import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { requireOracle } from '../helpers/oracles';

/**
 * A configuration for `nginx -t`: the main file and the files it includes, by path
 * relative to the prefix. `syntax` says whether nginx must call it a syntax error: the
 * corpus checks itself against nginx as well as checking the parser.
 */
interface Case {
  readonly name: string;
  readonly syntax: boolean;
  readonly main: string;
  readonly files?: Readonly<Record<string, string>>;
}

const E = 'events {}\n';
const long = (length: number, char = 'a') => char.repeat(length);

const CASES: Case[] = [
  // Syntax nginx accepts (it may still refuse the meaning: an unknown directive, a missing file).
  { name: 'empty', syntax: false, main: '' },
  { name: 'only-comments', syntax: false, main: '# one\n#two\n' },
  { name: 'quotes', syntax: false, main: `${E}http {\n    log_format a '"$request" \\'x\\'';\n    add_header X "a;{}#b" always;\n}\n` },
  { name: 'escapes', syntax: false, main: `${E}http {\n    server {\n        return 200 "a\\"b\\\\c\\n";\n    }\n}\n` },
  { name: 'quoted-name', syntax: false, main: `${E}"worker_processes" 1;\n` },
  { name: 'brace-inside-words', syntax: false, main: `${E}http {\n    server {\n        location /a}b {\n            return 200 x}y;\n        }\n    }\n}\n` },
  { name: 'dollar-braces', syntax: false, main: `${E}http {\n    server {\n        set $a \${{b}};\n    }\n}\n` },
  { name: 'dollar-space-brace', syntax: true, main: `${E}http {\n    server {\n        location $ {\n        }\n    }\n` },
  { name: 'paren-after-quote', syntax: false, main: `${E}http {\n    server {\n        if ($host = "x") { return 404; }\n    }\n}\n` },
  { name: 'word-after-paren', syntax: false, main: `${E}http {\n    server {\n        if ($host = "x")y { return 404; }\n    }\n}\n` },
  { name: 'comment-between-args', syntax: false, main: `${E}http {\n    server {\n        listen 8097 # c\n            default_server;\n    }\n}\n` },
  { name: 'hash-in-word', syntax: false, main: `${E}http {\n    server {\n        rewrite ^/a#b /c;\n    }\n}\n` },
  { name: 'escaped-space', syntax: false, main: `${E}http {\n    server {\n        server_name a\\ b;\n    }\n}\n` },
  { name: 'backslash-first', syntax: false, main: `${E}http {\n    server {\n        server_name \\x;\n    }\n}\n` },
  { name: 'brace-after-quote', syntax: false, main: `${E}http {\n    server {\n        location "/a"{ }\n    }\n}\n` },
  { name: 'regex-quoted', syntax: false, main: `${E}http {\n    server {\n        location ~ "^/x{2}$" { }\n    }\n}\n` },
  // Unquoted, the "{" of a regex ends the word and opens the block.
  { name: 'regex-bare-brace', syntax: false, main: `${E}http {\n    server {\n        location ~ ^/a{ return 200; }\n    }\n}\n` },
  { name: 'tabs-crs', syntax: false, main: `events\t{\r}\rhttp\t{\r\n}\r\n` },
  { name: 'nul-in-word', syntax: false, main: `${E}http {\n    server {\n        server_name a\0b;\n    }\n}\n` },
  { name: 'multibyte', syntax: false, main: `${E}http {\n    server {\n        return 200 "é ü ✓";\n    }\n}\n` },
  { name: 'word-4095', syntax: false, main: `${E}worker_processes ${long(4095)};\n` },
  { name: 'word-4094-space', syntax: false, main: `${E}worker_processes ${long(4094)} ;\n` },
  { name: 'comment-4095', syntax: false, main: `${E}#${long(4094)}\nworker_processes 1;\n` },
  { name: 'comment-4096-at-end', syntax: false, main: `${E}#${long(4095)}` },
  { name: 'multibyte-4094', syntax: false, main: `${E}worker_processes ${long(2047, 'é')};\n` },
  { name: 'map-and-types', syntax: false, main: `${E}http {\n    map $http_upgrade $c {\n        default upgrade;\n        '' close;\n        "~*^a{2}$" x;\n    }\n    types { text/html html; }\n}\n` },
  { name: 'unknown-directive', syntax: false, main: `${E}http {\n    proxy_read_timout 5s;\n}\n` },
  { name: 'not-terminated-by-semicolon', syntax: false, main: `${E}http {\n    server {\n        listen 80 { }\n    }\n}\n` },
  { name: 'no-opening-brace', syntax: false, main: `${E}http {\n    server {\n        location /x;\n    }\n}\n` },
  { name: 'missing-include', syntax: false, main: `${E}http {\n    include missing.conf;\n}\n` },
  { name: 'include-fine', syntax: false, main: `${E}http {\n    include conf.d/*.conf;\n}\n`, files: { 'conf.d/a.conf': 'gzip on;\n', 'conf.d/b.conf': 'server { listen 8098; }\n' } },

  // Syntax errors.
  { name: 'extra-close', syntax: true, main: `${E}}\nhttp {}\n` },
  { name: 'stray-semicolon', syntax: true, main: `${E}http {\n    ;\n}\n` },
  { name: 'stray-brace', syntax: true, main: `${E}http {\n    { gzip on; }\n}\n` },
  { name: 'missing-semicolon-at-close', syntax: true, main: `${E}http {\n    server {\n        listen 80\n    }\n}\n` },
  { name: 'eof-in-directive', syntax: true, main: `${E}worker_processes 1` },
  { name: 'eof-in-directive-newlines', syntax: true, main: `${E}worker_processes 1\n\n` },
  { name: 'unclosed-block', syntax: true, main: `${E}http {\n    server {\n        listen 80;\n` },
  { name: 'unclosed-one-of-two', syntax: true, main: `${E}http {\n    server {\n        location / {\n            return 200;\n    }\n}\n` },
  { name: 'unclosed-stray', syntax: true, main: `${E}{\n` },
  { name: 'unterminated-double', syntax: true, main: `${E}http {\n    server {\n        return 200 "never closed;\n    }\n}\n` },
  { name: 'unterminated-single', syntax: true, main: `${E}http {\n    add_header X 'oops;\n}\n` },
  { name: 'unterminated-long', syntax: true, main: `${E}http {\n    add_header X "oops;\n${'    # filler line\n'.repeat(400)}}\n` },
  { name: 'glued-letter', syntax: true, main: `${E}http {\n    add_header X-A "a"b;\n}\n` },
  { name: 'glued-hash', syntax: true, main: `${E}http {\n    add_header X-A "a"#b\n    ;\n}\n` },
  { name: 'glued-quote', syntax: true, main: `${E}http {\n    add_header X-A "a""b";\n}\n` },
  { name: 'glued-close', syntax: true, main: `${E}http {\n    server { return 200 "a"}\n}\n` },
  { name: 'glued-backslash', syntax: true, main: `${E}http {\n    add_header X-A 'a'\\b;\n}\n` },
  { name: 'map-nested-brace', syntax: true, main: `${E}http {\n    map $a $b {\n        default {\n        }\n    }\n}\n` },
  { name: 'map-regex-brace', syntax: true, main: `${E}http {\n    map $http_upgrade $c {\n        default upgrade;\n        ~*^a{2}$ x;\n    }\n}\n` },
  { name: 'types-nested-brace', syntax: true, main: `${E}http {\n    types {\n        text/html { }\n    }\n}\n` },
  { name: 'word-4096', syntax: true, main: `${E}worker_processes ${long(4096)};\n` },
  { name: 'word-4095-space', syntax: true, main: `${E}worker_processes ${long(4095)} ;\n` },
  { name: 'comment-4096', syntax: true, main: `${E}#${long(4095)}\nworker_processes 1;\n` },
  { name: 'comment-4097-at-end', syntax: true, main: `${E}#${long(4096)}` },
  { name: 'quoted-5000', syntax: true, main: `${E}http {\n    add_header X "${long(5000)}";\n}\n` },
  { name: 'multibyte-4096', syntax: true, main: `${E}worker_processes ${long(2048, 'é')};\n` },
  { name: 'error-in-include', syntax: true, main: `${E}http {\n    include bad.conf;\n}\n`, files: { 'bad.conf': 'gzip on;\n\nserver {\n    listen 80\n}\n' } },
  { name: 'late-error', syntax: true, main: `${readFileSync('test/fixtures/nginx/regex-maps-quotes.conf', 'utf8')}}\n` },
];

/** The fixture files and seed configurations, each read as nginx would read it. */
function fixtureCases(): Case[] {
  const cases: Case[] = [
    { name: 'fixture-regex-maps-quotes', syntax: false, main: readFileSync('test/fixtures/nginx/regex-maps-quotes.conf', 'utf8') },
    { name: 'fixture-broken', syntax: true, main: readFileSync('test/fixtures/nginx/broken.conf', 'utf8') },
    { name: 'fixture-debian-site', syntax: false, main: `${E}http {\n    include site.conf;\n}\n`, files: { 'site.conf': readFileSync('test/fixtures/nginx/debian-site.conf', 'utf8') } },
    { name: 'seed-trunk8-nginx.conf', syntax: false, main: readFileSync('examples/trunk8/nginx/nginx.conf', 'utf8') },
  ];
  for (const seed of ['examples/trunk8/nginx/sites-available/trunk8', 'examples/netmonitor/netmonitor-dashboard.nginx', 'examples/lernmanager/lernmanager.nginx']) {
    cases.push({
      name: `seed-${seed.split('/').at(-1)}`,
      syntax: false,
      main: `${E}http {\n    include site.conf;\n}\n`,
      files: { 'site.conf': readFileSync(seed, 'utf8'), proxy_params: 'proxy_set_header Host $host;\n' },
    });
  }
  // The whole Debian-shaped tree, as a prefix of its own.
  const tree: Record<string, string> = {};
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else tree[relative('test/fixtures/nginx/debian', path)] = readFileSync(path, 'utf8');
    }
  };
  walk('test/fixtures/nginx/debian');
  const { 'nginx.conf': main, ...files } = tree;
  cases.push({ name: 'fixture-debian-tree', syntax: false, main: main!, files });
  return cases;
}

interface Verdict {
  readonly syntax: boolean;
  readonly message?: string;
  readonly file?: string;
  readonly line?: number;
  readonly output: string;
}

const SYNTAX_ERROR = /^(unexpected|unterminated|too long parameter)/;

/** `nginx -t` on a prefix; the first [emerg], and whether it is one of the reader's own errors. */
function nginxVerdict(prefix: string): Verdict {
  const result = spawnSync('nginx', ['-t', '-c', join(prefix, 'nginx.conf'), '-p', `${prefix}/`], { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  const emerg = output.split('\n').find((line) => line.includes('[emerg]'));
  if (!emerg) return { syntax: false, output };
  const text = emerg.replace(/^.*?\[emerg\] \d+#\d+: /, '');
  const located = / in (\/\S+):(\d+)$/.exec(text);
  const message = located ? text.slice(0, located.index) : text;
  return { syntax: SYNTAX_ERROR.test(message), message, ...(located ? { file: located[1], line: Number(located[2]) } : {}), output };
}

/** The 1-based line nginx names at the end of a file: it counts LF only. */
function lastLine(text: string): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** The line of an offset, counted as nginx counts (our spans are the same on LF and CRLF files). */
function lineOf(text: string, offset: number): number {
  return lastLine(text.slice(0, offset));
}

describe('nginx syntax: the parser agrees with nginx -t', function () {
  this.timeout(120_000);

  it('reports a syntax problem exactly when nginx -t reports a syntax error, on the line nginx names', function () {
    if (!requireOracle(this, 'nginx', ['-v'])) return;
    const root = mkdtempSync(join(tmpdir(), 'deploylint-nginx-syntax-'));
    const disagreements: string[] = [];
    let syntaxErrors = 0;
    try {
      for (const testCase of [...CASES, ...fixtureCases()]) {
        const prefix = join(root, testCase.name);
        mkdirSync(join(prefix, 'logs'), { recursive: true });
        const texts = new Map<string, string>([[join(prefix, 'nginx.conf'), testCase.main]]);
        for (const [path, text] of Object.entries(testCase.files ?? {})) texts.set(join(prefix, path), text);
        for (const [path, text] of texts) {
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, text);
        }
        const verdict = nginxVerdict(prefix);
        const describe = `${testCase.name}: nginx says ${verdict.message ?? 'ok'}${verdict.line ? ` (line ${verdict.line})` : ''}`;
        if (verdict.syntax !== testCase.syntax) disagreements.push(`${describe}, the corpus expected ${testCase.syntax ? 'a syntax error' : 'none'}`);

        if (!verdict.syntax) {
          for (const [path, text] of texts) {
            const problems = parseNginx(text).problems;
            if (problems.length > 0) disagreements.push(`${describe}; we report ${problems.map((p) => p.message).join(' | ')} in ${relative(prefix, path)}`);
          }
          continue;
        }
        syntaxErrors++;
        const text = texts.get(verdict.file ?? '');
        if (text === undefined) {
          disagreements.push(`${describe}: in a file we did not write (${verdict.file})`);
          continue;
        }
        const [first] = parseNginx(text).problems;
        if (!first) {
          disagreements.push(`${describe}; we report nothing`);
          continue;
        }
        const atEnd = verdict.message!.startsWith('unexpected end of file');
        const unterminated = first.message.startsWith('unterminated') && (atEnd || verdict.message!.startsWith('too long parameter, probably missing'));
        if (!first.message.startsWith(verdict.message!) && !unterminated) {
          disagreements.push(`${describe}; we say ${first.message}`);
          continue;
        }
        const ourLine = lineOf(text, first.span.start);
        // At the end of the file nginx names the last line; we point at what was left open.
        const expectedLine = atEnd ? lastLine(text) : ourLine;
        if (verdict.line !== expectedLine) disagreements.push(`${describe}; we point at line ${ourLine}${atEnd ? ` and expect nginx to name the last line, ${expectedLine}` : ''}`);
      }
      assert.deepEqual(disagreements, []);
      assert.ok(syntaxErrors >= 25, `only ${syntaxErrors} syntax errors were compared`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('agrees that nginx refuses a byte order mark, which we read as white space and report on line 1', function () {
    if (!requireOracle(this, 'nginx', ['-v'])) return;
    const prefix = mkdtempSync(join(tmpdir(), 'deploylint-nginx-bom-'));
    try {
      mkdirSync(join(prefix, 'logs'));
      const text = `\uFEFF${E}http {}\n`;
      writeFileSync(join(prefix, 'nginx.conf'), text);
      const verdict = nginxVerdict(prefix);
      assert.equal(verdict.line, 1, verdict.output);
      assert.match(verdict.message!, /^unknown directive "\uFEFFevents"/);
      const file = parseNginx(text);
      assert.deepEqual(file.directives.map((d) => d.name), ['events', 'http']);
      assert.deepEqual(file.problems.map((p) => [p.span.start, p.message.slice(0, 15)]), [[0, 'byte order mark']]);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
