import assert from 'node:assert/strict';
import fc from 'fast-check';
import { globMatch } from '../../../server/src/core/formats/nginx/includes';
import { parseNginx } from '../../../server/src/core/formats/nginx/parser';
import { compileAutomaton, parseRegex } from '../../../server/src/core/formats/nginx/regex';
import { assertWellFormed } from '../../helpers/nginx-parse';
import { assertSpansInside, fuzzTimeout, mutatedSeed, PARSE_MS_PER_MB, pipelineProperties, randomText, seedsOf, settings, withinTime, writtenSeed, type PipelineSubject } from './support';

/** What nginx's reader cares about, and directives the rules look at. */
const PIECES = [
  '{', '}', ';', '"', "'", '\\', '#', '$', '${', '(', ')', ' ', '\n', '\r\n', '\t',
  'server', 'http {', 'events {}', 'server {', 'listen 80;', 'listen [::]:443 ssl;', 'server_name example.com;',
  'location / {', 'location ~* \\.(js|css)$ {', 'location = /x {', 'if ($host ~ "^(.+)$") {', 'map $a $b {', 'default 0;',
  'upstream app {', 'server 127.0.0.1:8000;', 'keepalive 16;', 'include x;', 'include conf.d/*.conf;',
  'proxy_pass http://app;', 'proxy_pass http://127.0.0.1:8000$request_uri;', 'proxy_set_header Host $host;',
  'proxy_http_version 1.1;', 'proxy_set_header Upgrade $http_upgrade;', 'add_header X-Frame-Options DENY always;',
  'ssl_protocols TLSv1 TLSv1.2;', 'ssl_ciphers RC4:HIGH;', 'gzip_types text/html text/html;', 'alias /srv/static;',
  'return 301 https://$host$request_uri;', 'rewrite ^/(.*)$ /$1 last;', 'valid_referers none;', 'proxy_read_timeout 5s;',
  '# deploylint: disable-next-line', '# deploylint: host cpus=2 memory=1G', 'types {', 'text/html html;',
];

/** A configuration most nginx rules with a fix find something in. */
const FIXABLE = `user www-data;
events {}
http {
    server_tokens on;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    ssl_ciphers RC4:HIGH:!aNULL;
    gzip_types text/html text/css text/css;
    upstream app {
        server 127.0.0.1:8000;
        keepalive 16;
    }
    server {
        listen 80;
        server_name example.com;
        add_header X-XSS-Protection "1; mode=block";
        add_header X-Frame-Options DENY;
        location /ws/ {
            proxy_pass http://app;
            add_header X-Other 1;
        }
        location /static {
            alias /srv/static/;
        }
        location / {
            proxy_pas http://app;
            proxy_set_header Host $http_host;
            proxy_read_timeout 5s;
            client_max_body_size 10m;
            client_max_body_size 20m;
        }
    }
}
`;

const nginx: PipelineSubject = {
  kind: 'nginx',
  path: '/etc/nginx/sites-enabled/fuzz',
  seeds: [...seedsOf('nginx'), writtenSeed('fixable nginx.conf', '/srv/fuzz/nginx/nginx.conf', FIXABLE)],
  pieces: PIECES,
  comment: '# an unrelated comment',
  syntaxProblems: (text) => parseNginx(text).problems.length,
  appendedIsUnrelated: (text, offset) => parseNginx(text).comments.some((comment) => comment.span.start === offset),
};

describe('fuzz: nginx', () => {
  it('has seeds: the examples and the corpus', () => {
    assert.ok(nginx.seeds.length >= 30, `${nginx.seeds.length} seeds`);
  });

  describe('parser', () => {
    const check = (text: string) => {
      const file = withinTime('parseNginx', text.length, PARSE_MS_PER_MB, () => parseNginx(text));
      assertWellFormed(text, file);
      assertSpansInside(text, file, 'parseNginx');
    };

    it('random text: never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(randomText(PIECES, 400), check), settings(400));
    });

    it('mutated real files: never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(mutatedSeed(nginx.seeds, PIECES, { inflate: true }), ({ text }) => check(text)), settings(300));
    });

    it('regexes of locations and maps: never throw, automata end in time on long texts', function () {
      fuzzTimeout(this);
      const regexPieces = ['(', ')', '(?:', '(?<n>', '|', '*', '+', '?', '{2,}', '{9}', '[', ']', '[^', '\\', '\\d', '\\w', '.', '^', '$', 'a', '/', '-', '(?i)'];
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...regexPieces), { maxLength: 40 }).map((pieces) => pieces.join('')), fc.boolean(), fc.string({ maxLength: 40 }), (source, caseless, subject) => {
          const regex = parseRegex(source, caseless);
          if (!regex) return;
          const automaton = compileAutomaton(regex);
          const text = subject.repeat(500);
          if (automaton) withinTime(`automaton of ${source}`, text.length, PARSE_MS_PER_MB * 100, () => automaton.accepts(text));
        }),
        settings(300),
      );
    });

    it('include globs: matching ends in time whatever the pattern', function () {
      fuzzTimeout(this);
      const globPieces = ['*', '?', '[', ']', '[!', '[:alpha:]', '\\', 'a', 'b', '.', '-'];
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...globPieces), { maxLength: 60 }).map((pieces) => pieces.join('')), fc.string({ unit: fc.constantFrom('a', 'b', '.', '-', '['), maxLength: 200 }), (pattern, name) => {
          withinTime(`glob ${pattern}`, name.length, PARSE_MS_PER_MB, () => globMatch(pattern, name));
        }),
        settings(500),
      );
    });
  });

  describe('whole pipeline', () => pipelineProperties(nginx, { random: 60, mutated: 40, stable: 40, fixes: 25 }));
});
