import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertFixRoundTrip, findingsOf, lint, lintFiles, seen } from '../../helpers/lint';
import { underlinedRange } from '../../helpers/text';
import { loadKnowledge } from '../../../server/src/core/knowledge/tables';
import type { NginxContext } from '../../../server/src/core/knowledge/types';

const SITE = '/srv/deploy/nginx/sites-available/app';
const MAIN = '/srv/deploy/nginx/nginx.conf';
const trunk8 = readFileSync('examples/trunk8/nginx/sites-available/trunk8', 'utf8');

describe('nginx/not-allowed-here', () => {
  const rule = 'nginx/not-allowed-here';

  it('flags the two limit_req_zone lines inside server in the Trunk8 site', () => {
    const found = seen(rule, '/srv/trunk8/nginx/sites-available/trunk8', trunk8);
    assert.deepEqual(found.map((f) => [f.underlined, f.message]), [
      ['limit_req_zone', '"limit_req_zone" directive is not allowed in server; it belongs in http'],
      ['limit_req_zone', '"limit_req_zone" directive is not allowed in server; it belongs in http'],
    ]);
  });

  it('reads a fragment with top-level upstream and server as an http fragment (NetMonitor)', () => {
    const text = readFileSync('examples/netmonitor/netmonitor-dashboard.nginx', 'utf8');
    assert.deepEqual(seen(rule, '/srv/netmonitor/netmonitor-dashboard.nginx', text), []);
  });

  it('uses the context of the file that includes the fragment', () => {
    const snippet = '/srv/deploy/nginx/snippets/proxy.conf';
    const others = { [MAIN]: 'events {}\nhttp {\n  server {\n    include snippets/proxy.conf;\n  }\n}\n' };
    assert.deepEqual(seen(rule, snippet, 'proxy_set_header Host $host;\nlocation / { }\n', { others }), []);
    const [finding] = seen(rule, snippet, 'server_names_hash_max_size 512;\n', { others });
    assert.equal(finding?.message, '"server_names_hash_max_size" directive is not allowed in server; it belongs in http');
  });

  it('moves the directive out to http, before the server block', () => {
    const text = 'server {\n    listen 80;\n    limit_req_zone $binary_remote_addr zone=auth:10m rate=5r/m;\n}\n';
    assert.equal(
      assertFixRoundTrip(rule, SITE, text),
      'limit_req_zone $binary_remote_addr zone=auth:10m rate=5r/m;\nserver {\n    listen 80;\n}\n',
    );
  });
});

describe('nginx/unknown-directive', () => {
  const rule = 'nginx/unknown-directive';

  it('flags a misspelt directive and suggests the real one', () => {
    const text = 'server {\n    listen 80;\n    proxy_read_timout 60s;\n}\n';
    assert.deepEqual(seen(rule, SITE, text).map((f) => [f.underlined, f.message]), [
      ['proxy_read_timout', 'unknown directive "proxy_read_timout"; did you mean "proxy_read_timeout"?'],
    ]);
    assert.equal(assertFixRoundTrip(rule, SITE, text), 'server {\n    listen 80;\n    proxy_read_timeout 60s;\n}\n');
  });

  it('knows which nginx release has a directive', () => {
    const text = 'server {\n    http2 on;\n}\n';
    assert.deepEqual(seen(rule, SITE, text, { host: { versions: { nginx: '1.22.1' } } }).map((f) => f.message), [
      '"http2" does not exist in nginx 1.22.1 (added in 1.25.1): nginx reports an unknown directive',
    ]);
    assert.deepEqual(seen(rule, SITE, text), []);
  });

  it('does not look inside types and map blocks', () => {
    assert.deepEqual(seen(rule, SITE, 'map $uri $target { default 0; /old 1; }\nserver { types { text/html html; } }\n'), []);
  });
});

describe('nginx/duplicate-directive', () => {
  const rule = 'nginx/duplicate-directive';

  it('flags a single-valued directive repeated in one block, where nginx does', () => {
    const text = 'server {\n    proxy_read_timeout 30s;\n    add_header X-A 1;\n    add_header X-B 2;\n    proxy_read_timeout 60s;\n}\n';
    assert.deepEqual(seen(rule, SITE, text).map((f) => [f.underlined, f.message]), [
      ['proxy_read_timeout 60s;', '"proxy_read_timeout" directive is duplicate: it is already set on line 2 in the same block'],
    ]);
    assert.equal(
      assertFixRoundTrip(rule, SITE, text),
      'server {\n    proxy_read_timeout 30s;\n    add_header X-A 1;\n    add_header X-B 2;\n}\n',
    );
  });

  it('allows the same directive in different blocks', () => {
    assert.deepEqual(seen(rule, SITE, 'server { proxy_read_timeout 30s; location / { proxy_read_timeout 60s; } }\n'), []);
  });

  it('never flags directives that take several lines: add_header, proxy_set_header, listen, error_page…', () => {
    const text = [
      'server {',
      '    listen 80;',
      '    listen [::]:80;',
      '    server_name a.example;',
      '    server_name b.example;',
      '    error_page 404 /404.html;',
      '    error_page 500 502 /50x.html;',
      '    add_header X-A 1;',
      '    add_header X-B 2;',
      '    location / {',
      '        proxy_set_header Host $host;',
      '        proxy_set_header X-Real-IP $remote_addr;',
      '        allow 10.0.0.0/8;',
      '        deny all;',
      '        rewrite ^/a /b;',
      '        rewrite ^/c /d;',
      '    }',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(seen(rule, SITE, text), []);
  });

  it('warns on the dead line when nginx takes the repeat and the later one wins', () => {
    const text = 'upstream app {\n    server 127.0.0.1:8000;\n    ip_hash;\n    ip_hash;\n}\n';
    assert.deepEqual(seen(rule, SITE, text), [
      { underlined: 'ip_hash;', message: '"ip_hash" is set again on line 4 in the same block: nginx uses that one and ignores this one', severity: 'warning' },
    ]);
    assert.equal(assertFixRoundTrip(rule, SITE, text), 'upstream app {\n    server 127.0.0.1:8000;\n    ip_hash;\n}\n');
  });

  // Every directive of the table, twice in a block of each context it is allowed in: an
  // error exactly for those nginx refuses, a warning for those whose later line wins.
  it('follows the table for every directive in every context', () => {
    const wrappers: Readonly<Record<NginxContext, (body: string) => string>> = {
      main: (body) => body,
      events: (body) => `events {\n${body}}\n`,
      http: (body) => `http {\n${body}}\n`,
      server: (body) => `http { server {\n${body}} }\n`,
      location: (body) => `http { server { location / {\n${body}} } }\n`,
      upstream: (body) => `http { upstream u {\n${body}} }\n`,
      sif: (body) => `http { server { if ($a) {\n${body}} } }\n`,
      lif: (body) => `http { server { location / { if ($a) {\n${body}} } } }\n`,
      limit_except: (body) => `http { server { location / { limit_except GET {\n${body}} } } }\n`,
      mail: (body) => `mail {\n${body}}\n`,
      'mail-server': (body) => `mail { server {\n${body}} }\n`,
      stream: (body) => `stream {\n${body}}\n`,
      'stream-server': (body) => `stream { server {\n${body}} }\n`,
      'stream-upstream': (body) => `stream { upstream u {\n${body}} }\n`,
    };
    const knowledge = loadKnowledge();
    const release = knowledge.nginx.stable;
    for (const [where, wrap] of Object.entries(wrappers) as [NginxContext, (body: string) => string][]) {
      const names = [...new Set(knowledge.nginx.table.directives.filter((entry) => entry.contexts.includes(where)).map((entry) => entry.name))];
      const expected: string[] = [];
      const lines: string[] = [];
      names.forEach((name) => {
        const entries = knowledge.nginx.allowedIn(name, release, where);
        if (entries.length === 0) return;
        const statement = entries.some((entry) => entry.block) ? `${name} x { }` : `${name} x;`;
        lines.push(statement, statement);
        if (!entries.some((entry) => entry.repeatable)) expected.push(`${name} ${entries.every((entry) => entry.lastWins) ? 'warning' : 'error'}`);
      });
      const text = wrap(lines.map((line) => `${line}\n`).join(''));
      const found = findingsOf(rule, MAIN, text).map((finding) => `${/^\S+/.exec(underlinedRange(text, finding.range))![0]} ${finding.severity}`);
      assert.deepEqual(found.sort(), expected.sort(), where);
      assert.ok(expected.length > 0 || where === 'limit_except' || where === 'stream-upstream', `${where}: the sample has single-valued directives`);
    }
  });
});

describe('nginx/invalid-arguments', () => {
  const rule = 'nginx/invalid-arguments';

  it('counts arguments and names what nginx expects', () => {
    const text = 'server {\n    proxy_http_version;\n    keepalive_timeout 1 2 3;\n}\n';
    assert.deepEqual(seen(rule, SITE, text).map((f) => [f.underlined, f.message]), [
      ['proxy_http_version;', 'invalid number of arguments in "proxy_http_version" directive: 0 given, 1 expected'],
      ['keepalive_timeout 1 2 3;', 'invalid number of arguments in "keepalive_timeout" directive: 3 given, 1 or 2 expected'],
    ]);
  });

  it('spots a missing semicolon that made a directive swallow the next line', () => {
    const text = 'server {\n    listen 80\n    server_name example.com;\n}\n';
    const found = seen('nginx/invalid-arguments', SITE, text);
    assert.equal(found.length, 0, 'listen takes any number of arguments, so nginx accepts this silently');
    const timeout = 'server {\n    proxy_read_timeout 60s\n    proxy_connect_timeout 5s;\n}\n';
    assert.deepEqual(seen(rule, SITE, timeout).map((f) => f.message), [
      'invalid number of arguments in "proxy_read_timeout" directive: 3 given, 1 expected; is a ";" missing at the end of line 2?',
    ]);
    assert.equal(assertFixRoundTrip(rule, SITE, timeout), 'server {\n    proxy_read_timeout 60s;\n    proxy_connect_timeout 5s;\n}\n');
  });

  it('wants on or off for switches, and fixes the usual spellings safely', () => {
    const text = 'server {\n    gzip yes;\n}\n';
    const [finding] = findingsOf(rule, SITE, text);
    assert.equal(finding!.message, 'invalid value "yes" in "gzip" directive, it must be "on" or "off"');
    assert.equal(finding!.fixes[0]!.safe, true);
    assert.equal(assertFixRoundTrip(rule, SITE, text), 'server {\n    gzip on;\n}\n');
  });

  it('knows block directives need a block', () => {
    assert.deepEqual(seen(rule, SITE, 'server {\n    location /x;\n}\n').map((f) => f.message), ['directive "location" has no opening "{"']);
  });
});

describe('nginx/syntax', () => {
  it('reports every syntax error in one pass and checks the rest', () => {
    const text = 'server {\n    listen 80\n}\nserver {\n    proxy_read_timout 5s;\n';
    const findings = lint(SITE, text);
    assert.deepEqual(
      findings.filter((f) => f.rule === 'nginx/syntax').map((f) => f.message),
      ['unexpected "}": "listen" is not terminated by ";"', 'unexpected end of file, expecting "}": the "server" block opened on line 4 is never closed'],
    );
    assert.ok(findings.some((f) => f.rule === 'nginx/unknown-directive'), 'the rest of the file is still checked');
  });
});

describe('nginx/include', () => {
  const rule = 'nginx/include';

  it('reports include loops and unreadable targets, and follows globs', () => {
    const others = {
      '/srv/deploy/nginx/conf.d/a.conf': 'include conf.d/b.conf;\n',
      '/srv/deploy/nginx/conf.d/b.conf': 'include conf.d/a.conf;\n',
    };
    const text = 'events {}\nhttp {\n    include conf.d/*.conf;\n    include missing.conf;\n}\n';
    const reports = lintFiles(MAIN, text, { others });
    const main = reports.find((report) => report.path === MAIN)!.findings.filter((f) => f.rule === rule);
    assert.deepEqual(main.map((f) => [f.severity, f.message]), [
      ['warning', 'open() "/srv/deploy/nginx/missing.conf" failed: nginx will refuse to start unless the file exists on the server'],
    ]);
    const loop = reports.find((report) => report.path.endsWith('b.conf'))!.findings.filter((f) => f.rule === rule);
    assert.equal(loop[0]?.severity, 'error');
    assert.match(loop[0]!.message, /^include loop: /);
  });
});
