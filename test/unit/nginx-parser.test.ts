import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { NginxDirective } from '../../server/src/core/formats/nginx/model';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { walkNginx } from '../../server/src/core/formats/nginx/walk';
import { underlined } from '../helpers/text';

function names(text: string): string[] {
  const found: string[] = [];
  walkNginx(parseNginx(text).directives, (directive, ancestors) =>
    found.push([...ancestors.map((a) => a.name), directive.name].join('>')),
  );
  return found;
}

describe('parseNginx', () => {
  it('reads the Trunk8 site of seed 003 without problems, blocks as a tree', () => {
    const text = readFileSync('examples/trunk8/nginx/sites-available/trunk8', 'utf8');
    const file = parseNginx(text);
    assert.deepEqual(file.problems, []);
    assert.deepEqual(file.directives.map((d) => d.name), ['upstream', 'server']);
    assert.ok(names(text).includes('server>location>limit_req'));
    assert.ok(names(text).includes('upstream>keepalive'));
  });

  it('reads every seed nginx file without a syntax problem', () => {
    for (const path of ['examples/trunk8/nginx/nginx.conf', 'examples/netmonitor/netmonitor-dashboard.nginx', 'examples/lernmanager/lernmanager.nginx']) {
      assert.deepEqual(parseNginx(readFileSync(path, 'utf8')).problems, [], path);
    }
  });

  it('keeps exact spans for names, arguments, semicolons and braces', () => {
    const text = 'server {\n    add_header X-Frame-Options "SAMEORIGIN" always;\n}\n';
    const [server] = parseNginx(text).directives;
    const addHeader = server!.block!.directives[0]!;
    assert.equal(underlined(text, addHeader.nameSpan), 'add_header');
    assert.deepEqual(addHeader.args.map((arg) => underlined(text, arg.span)), ['X-Frame-Options', '"SAMEORIGIN"', 'always']);
    assert.deepEqual(addHeader.args.map((arg) => arg.value), ['X-Frame-Options', 'SAMEORIGIN', 'always']);
    assert.equal(underlined(text, addHeader.span), 'add_header X-Frame-Options "SAMEORIGIN" always;');
    assert.equal(underlined(text, server!.span), text.trimEnd());
    assert.equal(underlined(text, server!.block!.closeSpan!), '}');
  });

  it('splits words where nginx does: ${var}, quotes, escapes, regexes, "}" inside words', () => {
    const text = [
      'set $a "x\\"y";',
      "return 200 '${scheme}://$host';",
      'location ~* \\.(jpg|png)$ { expires 1y; }',
      'if ($request_uri ~ "^/x{2}") { return 404; }',
      'log_format main a}b;',
    ].join('\n');
    const file = parseNginx(text);
    assert.deepEqual(file.problems, []);
    const [set, ret, location, ifBlock, logFormat] = file.directives;
    assert.equal(set!.args[1]!.value, 'x"y');
    assert.equal(ret!.args[1]!.value, '${scheme}://$host');
    assert.deepEqual(location!.args.map((arg) => arg.value), ['~*', '\\.(jpg|png)$']);
    assert.deepEqual(ifBlock!.args.map((arg) => arg.value), ['($request_uri', '~', '^/x{2}', ')']);
    assert.equal(logFormat!.args[1]!.value, 'a}b');
  });

  it('reads map and types bodies as directives with arguments', () => {
    assert.deepEqual(names('types { text/html html htm; }\nmap $a $b { default 0; ~x 1; }'), [
      'types',
      'types>text/html',
      'map',
      'map>default',
      'map>~x',
    ]);
  });

  it('reports nginx syntax errors with exact spans and keeps reading', () => {
    const text = 'events {}\n}\nhttp {\n  server { listen 80 }\n  ; \n  "a"b;\n}\nworker_processes 2;\n';
    const file = parseNginx(text);
    assert.deepEqual(
      file.problems.map((problem) => [underlined(text, problem.span), problem.message]),
      [
        ['}', 'unexpected "}"'],
        ['}', 'unexpected "}": "listen" is not terminated by ";"'],
        [';', 'unexpected ";"'],
        ['b', 'unexpected "b" after a quoted string: nginx needs a space, ";" or "{" there'],
      ],
    );
    assert.deepEqual(file.directives.map((d) => d.name), ['events', 'http', 'worker_processes']);
  });

  it('reports an unclosed block at the end of the file, naming where it opened', () => {
    const text = 'http {\n  server {\n    listen 80;\n';
    const [problem] = parseNginx(text).problems;
    assert.equal(problem!.message, 'unexpected end of file, expecting "}": the "http" block opened on line 1 is never closed');
    assert.equal(problem!.span.end, text.length);
  });

  it('reports a directive cut off by the end of the file, and an unterminated quote', () => {
    assert.deepEqual(parseNginx('worker_processes 2').problems.map((p) => p.message), ['unexpected end of file, expecting ";" or "}"']);
    const text = 'return 200 "never closed;\n';
    const problems = parseNginx(text).problems;
    assert.equal(underlined(text, problems[0]!.span), '"');
    assert.match(problems[0]!.message, /^Unterminated double quote/);
  });

  it('collects comments, which only start at the beginning of a word', () => {
    const text = '# top\nlisten 80; # trailing\nrewrite ^/a#b /c;\n';
    const file = parseNginx(text);
    assert.deepEqual(file.comments.map((comment) => underlined(text, comment.span)), ['# top', '# trailing']);
    assert.equal(file.directives[1]!.args[0]!.value, '^/a#b');
  });

  it('handles CRLF, NUL bytes, a byte order mark and empty input', () => {
    const crlf = 'events {\r\n}\r\nhttp {\r\n  sendfile on;\r\n}\r\n';
    assert.deepEqual(parseNginx(crlf).problems, []);
    assert.equal(parseNginx('').directives.length, 0);
    assert.doesNotThrow(() => parseNginx('user\0www;\0{'));
    const bom = parseNginx('\uFEFFworker_processes 1;\n');
    assert.equal(bom.directives[0]!.name, 'worker_processes');
    assert.match(bom.problems[0]!.message, /^Byte order mark/);
  });

  it('survives 100,000 nested blocks and a 10 MB line', () => {
    const depth = 100_000;
    const deep = `${'a {'.repeat(depth)}${'}'.repeat(depth)}`;
    const file = parseNginx(deep);
    assert.deepEqual(file.problems, []);
    let deepest = 0;
    walkNginx(file.directives, (_, ancestors) => (deepest = Math.max(deepest, ancestors.length)));
    assert.equal(deepest, depth - 1);
    const long = `server_name ${'a'.repeat(10 * 1024 * 1024)};`;
    assert.equal(parseNginx(long).directives[0]!.args[0]!.value.length, 10 * 1024 * 1024);
  });

  it('never throws; spans stay inside the text, in source order; parsing is deterministic', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[{};"'\\#$ \n\ta-z()]{0,200}$/), (text) => {
        const file = parseNginx(text);
        let previous = -1;
        walkNginx(file.directives, (directive: NginxDirective) => {
          assert.ok(directive.nameSpan.start > previous, 'source order');
          previous = directive.nameSpan.start;
          for (const span of [directive.nameSpan, directive.span, ...directive.args.map((arg) => arg.span)]) {
            assert.ok(span.start >= 0 && span.start <= span.end && span.end <= text.length);
          }
        });
        for (const problem of file.problems) assert.ok(problem.span.start >= 0 && problem.span.end <= text.length);
        assert.deepEqual(parseNginx(text), file);
      }),
      { seed: 1729, numRuns: 400 },
    );
  });
});
