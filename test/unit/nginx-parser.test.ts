import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { NginxDirective } from '../../server/src/core/formats/nginx/model';
import { MAX_SYNTAX_PROBLEMS, parseNginx, unescapeWord } from '../../server/src/core/formats/nginx/parser';
import { walkNginx } from '../../server/src/core/formats/nginx/walk';
import { assertWellFormed, outline, problemsSeen, slice, wordsOf } from '../helpers/nginx-parse';

const SEEDS = [
  'examples/trunk8/nginx/nginx.conf',
  'examples/trunk8/nginx/sites-available/trunk8',
  'examples/netmonitor/netmonitor-dashboard.nginx',
  'examples/lernmanager/lernmanager.nginx',
];

function find(directives: readonly NginxDirective[], path: string): NginxDirective {
  let found: NginxDirective | undefined;
  walkNginx(directives, (directive, ancestors) => {
    if (!found && [...ancestors.map((a) => a.name), directive.name].join('>') === path) found = directive;
  });
  assert.ok(found, `no ${path}`);
  return found;
}

describe('parseNginx: the seed configurations', () => {
  for (const path of SEEDS) {
    it(`reads ${path} without a problem, every span underlining what it says`, () => {
      const text = readFileSync(path, 'utf8');
      const file = parseNginx(text);
      assert.deepEqual(file.problems, []);
      assertWellFormed(text, file);
      assert.ok(file.directives.length > 0);
    });
  }

  it('reads the trunk8 site as a tree, with quoted values unquoted', () => {
    const text = readFileSync('examples/trunk8/nginx/sites-available/trunk8', 'utf8');
    const file = parseNginx(text);
    assert.deepEqual(file.directives.map((d) => d.name), ['upstream', 'server']);
    const names = outline(file);
    assert.ok(names.includes('upstream>keepalive'));
    assert.ok(names.includes('server>location>limit_req'));
    assert.ok(names.includes('server>location>include'));
    const xss = find(file.directives, 'server>add_header');
    assert.equal(slice(text, xss.span), 'add_header X-Frame-Options "SAMEORIGIN" always;');
    const headers = file.directives[1]!.block!.directives.filter((d) => d.name === 'add_header');
    const protection = headers[2]!;
    assert.equal(slice(text, protection.args[1]!.span), '"1; mode=block"');
    assert.equal(protection.args[1]!.value, '1; mode=block');
    assert.equal(protection.args[1]!.quote, '"');
    assert.equal(slice(text, protection.semicolonSpan!), ';');
    assert.equal(protection.semicolonSpan!.end, protection.span.end);
    // Comments, including the commented-out servers in the upstream block.
    assert.deepEqual(
      file.comments.slice(0, 4).map((comment) => slice(text, comment.span)),
      ['# /etc/nginx/sites-available/trunk8', '# For multiple workers/servers', '# server 127.0.0.1:5001 weight=3;', '# server 127.0.0.1:5002 weight=2;'],
    );
    const upstream = file.directives[0]!;
    assert.equal(slice(text, upstream.nameSpan), 'upstream');
    assert.equal(slice(text, upstream.block!.openSpan), '{');
    assert.equal(slice(text, upstream.block!.closeSpan!), '}');
    assert.ok(slice(text, upstream.span).startsWith('upstream trunk8_backend {'));
    assert.ok(slice(text, upstream.span).endsWith('keepalive 32;\n}'));
  });

  it('reads the trunk8 nginx.conf: a directive over many lines, a trailing comment', () => {
    const text = readFileSync('examples/trunk8/nginx/nginx.conf', 'utf8');
    const file = parseNginx(text);
    const gzipTypes = find(file.directives, 'http>gzip_types');
    assert.equal(gzipTypes.args.length, 24);
    assert.equal(gzipTypes.args[0]!.value, 'application/atom+xml');
    assert.equal(gzipTypes.args[23]!.value, 'text/x-cross-domain-policy');
    assert.ok(slice(text, gzipTypes.span).startsWith('gzip_types\n        application/atom+xml'));
    const workers = find(file.directives, 'worker_processes');
    assert.equal(slice(text, workers.span), 'worker_processes auto;');
    assert.ok(file.comments.some((comment) => comment.text === ' Use all available CPU cores'));
  });

  it('reads an empty quoted value and a comment after it (lernmanager)', () => {
    const text = readFileSync('examples/lernmanager/lernmanager.nginx', 'utf8');
    const file = parseNginx(text);
    const header = find(file.directives, 'server>location>proxy_set_header');
    assert.deepEqual(header.args.map((arg) => [arg.value, slice(text, arg.span)]), [['Accept-Encoding', 'Accept-Encoding'], ['', '""']]);
    assert.equal(file.comments.at(-1)!.text, ' Let Flask-Compress handle it');
  });

  it('reads the netmonitor fragment: upstream and server at the top level', () => {
    const text = readFileSync('examples/netmonitor/netmonitor-dashboard.nginx', 'utf8');
    const file = parseNginx(text);
    assert.deepEqual(file.directives.map((d) => d.name), ['upstream', 'server']);
    const connection = file.directives[1]!.block!.directives.find((d) => d.name === 'location')!.block!.directives.find((d) => d.args[0]?.value === 'Connection')!;
    assert.equal(slice(text, connection.args[1]!.span), '"upgrade"');
  });
});

describe('parseNginx: words, split where nginx splits them', () => {
  it('separates words by space, tab, CR and LF only', () => {
    assert.deepEqual(wordsOf('a\tb\r\nc  d\fe\u00a0f;'), ['a', 'b', 'c', 'd\fe\u00a0f']);
  });

  it('unquotes double and single quotes; ; { } # inside quotes are text', () => {
    assert.deepEqual(wordsOf('a "b c" \'d e\' "x;{}#y" \'\';'), ['a', 'b c', 'd e', 'x;{}#y', '']);
  });

  it('unescapes \\" \\\' \\\\ \\t \\r \\n and leaves other escapes as written', () => {
    assert.deepEqual(wordsOf(String.raw`a "x\"y" 'it\'s' "back\\slash" "t\tr\rn\n" "\d" \d b\ c;`), [
      'a',
      'x"y',
      "it's",
      'back\\slash',
      't\tr\rn\n',
      '\\d',
      '\\d',
      'b\\ c',
    ]);
    assert.equal(unescapeWord(String.raw`\\n`), '\\n');
    assert.equal(unescapeWord('end\\'), 'end\\');
  });

  it('keeps a quote inside a word as text', () => {
    assert.deepEqual(wordsOf(`a x"y"z it's;`), ['a', 'x"y"z', "it's"]);
  });

  it('lets a quoted word be followed by ";", "{", ")" or space, and ")" starts a word', () => {
    const text = 'if ($a = "b")x { return 200 "ok";}';
    const [ifBlock] = parseNginx(text).directives;
    assert.deepEqual(ifBlock!.args.map((arg) => [arg.value, slice(text, arg.span)]), [
      ['($a', '($a'],
      ['=', '='],
      ['b', '"b"'],
      [')x', ')x'],
    ]);
    assert.deepEqual(problemsSeen(text), []);
  });

  it('reads a quoted directive name', () => {
    const text = '"listen" 80;';
    const [listen] = parseNginx(text).directives;
    assert.equal(listen!.name, 'listen');
    assert.equal(slice(text, listen!.nameSpan), '"listen"');
  });

  it('keeps ${var} in one word, and "}" inside a word', () => {
    assert.deepEqual(wordsOf('return 200 ${scheme}://$host${request_uri}x;'), ['return', '200', '${scheme}://$host${request_uri}x']);
    assert.deepEqual(wordsOf('a ${{b}} b${c a}b;'), ['a', '${{b}}', 'b${c', 'a}b']);
    // A `$` before white space does not protect the "{" after it: this opens a block.
    const text = 'a $ {b};';
    const file = parseNginx(text);
    assert.deepEqual(outline(file), ['a', 'a>b}']);
    assert.deepEqual(file.directives[0]!.args.map((arg) => arg.value), ['$']);
    assert.deepEqual(problemsSeen(text), [['{', 'unexpected end of file, expecting "}": the "a" block opened on line 1 is never closed']]);
  });

  it('starts a comment with "#" only where a word starts', () => {
    const text = '# top\nlisten 80 # between\n  default_server; # trailing\nrewrite ^/a#b /c;\nreturn 200 "not # a comment";\n#end';
    const file = parseNginx(text);
    assert.deepEqual(
      file.comments.map((comment) => [slice(text, comment.span), comment.text]),
      [
        ['# top', ' top'],
        ['# between', ' between'],
        ['# trailing', ' trailing'],
        ['#end', 'end'],
      ],
    );
    assert.deepEqual(file.directives.map((d) => [d.name, ...d.args.map((a) => a.value)]), [
      ['listen', '80', 'default_server'],
      ['rewrite', '^/a#b', '/c'],
      ['return', '200', 'not # a comment'],
    ]);
    assert.equal(slice(text, file.directives[0]!.span), 'listen 80 # between\n  default_server;');
  });

  it('splits regex locations as nginx does, including the unquoted "{" pitfall', () => {
    const quoted = 'location ~ "^/x{2}$" { }\nlocation ~* \\.(jpg|png)$ { }';
    assert.deepEqual(parseNginx(quoted).directives.map((d) => d.args.map((a) => a.value)), [['~', '^/x{2}$'], ['~*', '\\.(jpg|png)$']]);
    assert.deepEqual(problemsSeen(quoted), []);
    // Unquoted, the "{" of the regex opens the block: nginx reads it the same way.
    const bare = 'location ~ ^/x{2}$ { }';
    const file = parseNginx(bare);
    assert.deepEqual(file.directives[0]!.args.map((a) => a.value), ['~', '^/x']);
    assert.deepEqual(outline(file), ['location', 'location>2}$']);
    assert.equal(file.problems.length, 1);
  });

  it('reads map, types, geo and split_clients bodies as directives with arguments', () => {
    const text = readFileSync('test/fixtures/nginx/regex-maps-quotes.conf', 'utf8');
    const file = parseNginx(text);
    assert.deepEqual(file.problems, []);
    assertWellFormed(text, file);
    const names = outline(file);
    for (const expected of ['http>types>text/html', 'http>types>image/svg+xml', 'http>map>default', 'http>map>', 'http>map>~*^web(socket)?$', 'http>geo>10.0.0.0/8', 'http>split_clients>50%', 'http>split_clients>*']) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    }
    const html = find(file.directives, 'http>types>text/html');
    assert.deepEqual(html.args.map((a) => a.value), ['html', 'htm', 'shtml']);
    const splitClients = find(file.directives, 'http>split_clients');
    assert.equal(slice(text, splitClients.args[0]!.span), '"${remote_addr}AAA"');
    const braced = find(file.directives, 'http>server>location>set');
    assert.deepEqual(braced.args.map((a) => a.value), ['$path', '${uri}x']);
    const note = find(file.directives, 'http>server>add_header');
    assert.equal(note.args[1]!.value, 'it\'s "quoted"');
    const logFormat = find(file.directives, 'http>log_format');
    assert.equal(logFormat.args.length, 3);
  });

  it('reads comments between arguments and keeps every span exact (Debian-style site)', () => {
    const text = readFileSync('test/fixtures/nginx/debian-site.conf', 'utf8');
    const file = parseNginx(text);
    assert.deepEqual(file.problems, []);
    assertWellFormed(text, file);
    const listen = find(file.directives, 'server>listen');
    assert.deepEqual(listen.args.map((a) => a.value), ['80', 'default_server']);
    assert.equal(slice(text, listen.span), 'listen 80 # between arguments\n        default_server;');
    assert.deepEqual(file.comments.map((c) => c.text), [' A Debian-style site: comments everywhere, a directive spread over lines.', ' the gunicorn socket', ' between arguments']);
  });
});

describe('parseNginx: syntax errors, with nginx\'s words and exact spans', () => {
  it('unexpected "}" with no block open', () => {
    assert.deepEqual(problemsSeen('events {}\n}\n'), [['}', 'unexpected "}"']]);
  });

  it('unexpected ";" and "{" with no directive name', () => {
    assert.deepEqual(problemsSeen('http {\n    ;\n}'), [[';', 'unexpected ";"']]);
    assert.deepEqual(problemsSeen('http {\n    { listen 80; }\n}'), [['{', 'unexpected "{"']]);
  });

  it('a directive not terminated by ";" before "}"', () => {
    const text = 'server {\n    listen 80\n}\n';
    assert.deepEqual(problemsSeen(text), [['}', 'unexpected "}": "listen" is not terminated by ";"']]);
    const listen = parseNginx(text).directives[0]!.block!.directives[0]!;
    assert.equal(slice(text, listen.span), 'listen 80');
    assert.equal(listen.semicolonSpan, undefined);
  });

  it('a directive cut off by the end of the file', () => {
    assert.deepEqual(problemsSeen('events {}\nworker_processes 2\n'), [
      ['worker_processes 2', 'unexpected end of file, expecting ";" or "}": "worker_processes" is not terminated by ";"'],
    ]);
  });

  it('a block never closed: points at its "{"', () => {
    const text = 'events {}\nhttp {\n  server {\n    listen 80;\n  }\n';
    assert.deepEqual(problemsSeen(text), [['{', 'unexpected end of file, expecting "}": the "http" block opened on line 2 is never closed']]);
    const [problem] = parseNginx(text).problems;
    assert.equal(problem!.span.start, text.indexOf('{', text.indexOf('http')));
    const http = parseNginx(text).directives[1]!;
    assert.equal(http.block!.closeSpan, undefined);
    assert.equal(http.span.end, text.length);
    assert.deepEqual(problemsSeen('http {\n  server {\n'), [
      ['{', 'unexpected end of file, expecting "}": the "http" block opened on line 1 is never closed (nor is the block inside it)'],
    ]);
  });

  it('an unterminated quote: points at the opening quote', () => {
    const text = 'server {\n    return 200 "never closed;\n}\n';
    assert.deepEqual(problemsSeen(text), [['"', 'unterminated double-quoted string: the closing " is missing, nginx reads to the end of the file and fails']]);
    assert.equal(parseNginx(text).problems[0]!.span.start, text.indexOf('"'));
    const single = "add_header X 'oops;\n";
    assert.deepEqual(problemsSeen(single), [["'", "unterminated single-quoted string: the closing ' is missing, nginx reads to the end of the file and fails"]]);
  });

  it('text glued to a closing quote', () => {
    assert.deepEqual(problemsSeen('add_header X-A "a"b;'), [['b', 'unexpected "b" after a quoted string: nginx needs a space, ";" or "{" there']]);
    assert.deepEqual(problemsSeen('a "b"#c\n;'), [['#', 'unexpected "#" after a quoted string: nginx needs a space, ";" or "{" there']]);
    assert.deepEqual(problemsSeen('a "b""c";'), [['"', 'unexpected """ after a quoted string: nginx needs a space, ";" or "{" there']]);
    assert.deepEqual(problemsSeen('a "b"\u{1F600};'), [['\u{1F600}', 'unexpected "\u{1F600}" after a quoted string: nginx needs a space, ";" or "{" there']]);
    // A "}" right after a quote is reported once, where the block closes.
    assert.deepEqual(problemsSeen('server { return 200 "x"}'), [['}', 'unexpected "}": "return" is not terminated by ";"']]);
  });

  it('"{" inside the table of map, types, geo', () => {
    const text = 'map $a $b {\n    default { }\n}';
    assert.deepEqual(problemsSeen(text), [['{', 'unexpected "{": the body of "map" is a table of values, it cannot hold blocks']]);
    assert.equal(parseNginx(text).problems[0]!.span.start, text.indexOf('{', text.indexOf('default')));
  });

  it('a word or comment of 4096 bytes or more, as nginx\'s buffer refuses it', () => {
    const word = (length: number) => `events {}\nworker_processes ${'a'.repeat(length)};\n`;
    assert.deepEqual(problemsSeen(word(4095)), []);
    const [[underlined, message]] = problemsSeen(word(4096)) as [[string, string]];
    assert.equal(underlined, 'a'.repeat(4096));
    assert.equal(message, 'too long parameter "aaaaaaaaaa..." started: nginx reads at most 4096 bytes of one word or comment');
    // A white-space delimiter is part of the token for nginx.
    assert.equal(problemsSeen(`worker_processes ${'a'.repeat(4094)} ;`).length, 0);
    assert.equal(problemsSeen(`worker_processes ${'a'.repeat(4095)} ;`).length, 1);
    // Bytes, not characters: "é" is two.
    assert.equal(problemsSeen(`a ${'é'.repeat(2047)}b;`).length, 0);
    assert.equal(problemsSeen(`a ${'é'.repeat(2048)};`).length, 1);
    // A comment is a token too; at the very end of the file it may be one byte longer.
    assert.equal(problemsSeen(`#${'c'.repeat(4094)}\nx;`).length, 0);
    assert.deepEqual(problemsSeen(`#${'c'.repeat(4095)}\nx;`).map(([, m]) => m), ['too long parameter "#ccccccccc..." started: nginx reads at most 4096 bytes of one word or comment']);
    assert.equal(problemsSeen(`x;\n#${'c'.repeat(4095)}`).length, 0);
    assert.equal(problemsSeen(`x;\n#${'c'.repeat(4096)}`).length, 1);
    assert.deepEqual(problemsSeen(`a "${'q'.repeat(5000)}";`).map(([u, m]) => [u.length, m]), [
      [5002, 'too long parameter, probably missing terminating """ character: nginx reads at most 4096 bytes of one word'],
    ]);
  });
});

describe('parseNginx: recovery', () => {
  it('reports every error of a broken file and keeps every directive after them', () => {
    const text = readFileSync('test/fixtures/nginx/broken.conf', 'utf8');
    const file = parseNginx(text);
    assertWellFormed(text, file);
    assert.deepEqual(
      file.problems.map((problem) => [slice(text, problem.span), problem.message]),
      [
        ['}', 'unexpected "}"'],
        [';', 'unexpected ";"'],
        ['b', 'unexpected "b" after a quoted string: nginx needs a space, ";" or "{" there'],
        ['}', 'unexpected "}": "listen" is not terminated by ";"'],
        ['"', 'unterminated double-quoted string: the closing " is missing, nginx reads to the end of the file and fails'],
      ],
    );
    assert.deepEqual(outline(file), [
      'events',
      'http',
      'http>add_header',
      'http>server',
      'http>server>listen',
      'http>server',
      'http>server>return',
      'http>server>listen',
      'worker_processes',
    ]);
    const ret = find(file.directives, 'http>server>return');
    assert.deepEqual(ret.args.map((a) => [a.value, slice(text, a.span)]), [['200', '200'], ['never closed', '"never closed']]);
    assert.equal(slice(text, ret.semicolonSpan!), ';');
  });

  it('an unterminated quote at a "{" still opens the block', () => {
    const text = 'location "/a {\n    root /srv;\n}\nlisten 80;';
    const file = parseNginx(text);
    assert.deepEqual(outline(file), ['location', 'location>root', 'listen']);
    assert.deepEqual(file.directives[0]!.args.map((a) => a.value), ['/a']);
    assert.equal(file.problems.length, 1);
  });

  it('reads the directives inside a stray "{" as directives of the enclosing block', () => {
    const text = 'http {\n    { gzip on; }\n    sendfile on;\n}';
    const file = parseNginx(text);
    assert.deepEqual(outline(file), ['http', 'http>gzip', 'http>sendfile']);
    assert.equal(slice(text, file.directives[0]!.block!.closeSpan!), '}');
    assert.equal(file.directives[0]!.span.end, text.length);
  });

  it('stops recording after many errors but keeps reading', () => {
    const text = `${'}'.repeat(5000)}\nlisten 80;`;
    const file = parseNginx(text);
    assert.equal(file.problems.length, MAX_SYNTAX_PROBLEMS + 1);
    assert.match(file.problems.at(-1)!.message, /^more than 1000 syntax errors/);
    assert.deepEqual(outline(file), ['listen']);
  });
});

describe('parseNginx: hostile and unusual input', () => {
  it('reads CRLF files: CR is white space, not part of words or comments', () => {
    const lf = readFileSync('test/fixtures/nginx/debian-site.conf', 'utf8');
    const crlf = lf.replace(/\n/g, '\r\n');
    const file = parseNginx(crlf);
    assert.deepEqual(file.problems, []);
    assertWellFormed(crlf, file);
    assert.deepEqual(outline(file), outline(parseNginx(lf)));
    assert.deepEqual(file.comments.map((c) => c.text), parseNginx(lf).comments.map((c) => c.text));
    const listen = find(file.directives, 'server>listen');
    assert.equal(slice(crlf, listen.span), 'listen 80 # between arguments\r\n        default_server;');
    assert.equal(wordsOf('a "x\r\ny";')[1], 'x\r\ny');
  });

  it('treats a leading byte order mark as white space, and says nginx would not', () => {
    const text = '\uFEFFworker_processes 1;\n';
    const file = parseNginx(text);
    assert.equal(file.directives[0]!.name, 'worker_processes');
    assert.equal(slice(text, file.directives[0]!.nameSpan), 'worker_processes');
    assert.deepEqual(problemsSeen(text), [['\uFEFF', 'byte order mark at the start of the file: nginx reads it as part of the first directive name and fails']]);
    // Elsewhere it is an ordinary character, as for nginx.
    assert.deepEqual(wordsOf('a \uFEFFb;'), ['a', '\uFEFFb']);
  });

  it('reads NUL bytes and lone surrogates as ordinary characters', () => {
    assert.deepEqual(wordsOf('user\0www x\0;'), ['user\0www', 'x\0']);
    assert.deepEqual(wordsOf('a \uD800 "\uDC00" b\uDBFF;'), ['a', '\uD800', '\uDC00', 'b\uDBFF']);
    assert.doesNotThrow(() => parseNginx('\0{\0}\0;"\0'));
  });

  it('reads empty, blank and comment-only files', () => {
    for (const text of ['', '   \n\t\r\n', '# only a comment', '#\n#\n']) {
      const file = parseNginx(text);
      assert.deepEqual([file.directives, file.problems], [[], []], JSON.stringify(text));
    }
    assert.deepEqual(parseNginx('#').comments, [{ text: '', span: { start: 0, end: 1 } }]);
  });

  it('reads a 10 MB line in linear time', function () {
    this.timeout(20_000);
    const size = 10 * 1024 * 1024;
    const started = Date.now();
    const long = `server_name ${'a'.repeat(size)};`;
    const file = parseNginx(long);
    assert.equal(file.directives[0]!.args[0]!.value.length, size);
    assert.equal(slice(long, file.directives[0]!.semicolonSpan!), ';');
    // nginx refuses a word that long.
    assert.deepEqual(file.problems.map((p) => p.message.slice(0, 19)), ['too long parameter ']);
    const many = 'a b;'.repeat(size / 40);
    assert.equal(parseNginx(many).directives.length, size / 40);
    const braces = parseNginx('{'.repeat(size));
    assert.equal(braces.problems.length, MAX_SYNTAX_PROBLEMS + 1);
    assert.ok(Date.now() - started < 15_000, 'linear');
  });

  it('survives 100,000 nested blocks, closed or not, without deep recursion', () => {
    const depth = 100_000;
    const closed = `${'a {'.repeat(depth)}${'}'.repeat(depth)}`;
    const file = parseNginx(closed);
    assert.deepEqual(file.problems, []);
    let deepest = 0;
    walkNginx(file.directives, (_, ancestors) => {
      deepest = Math.max(deepest, ancestors.length);
    });
    assert.equal(deepest, depth - 1);
    assertWellFormed(closed, file);

    const open = 'a {'.repeat(depth);
    assert.deepEqual(problemsSeen(open), [['{', `unexpected end of file, expecting "}": the "a" block opened on line 1 is never closed (nor are the ${depth - 1} blocks inside it)`]]);
    const strays = parseNginx(`${'{'.repeat(depth)}x;${'}'.repeat(depth)}`);
    assert.deepEqual(outline(strays), ['x']);
    assert.equal(strays.problems.length, MAX_SYNTAX_PROBLEMS + 1);
  });
});
