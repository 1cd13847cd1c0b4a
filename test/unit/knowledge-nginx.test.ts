import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NginxContext, NginxDirective, NginxKnowledge } from '../../server/src/core/knowledge/types';
import { compareVersions, parseVersion, versionInRange } from '../../server/src/core/model/version';

const schemas = path.resolve(__dirname, '../../schemas');
const table = JSON.parse(readFileSync(path.join(schemas, 'nginx.json'), 'utf8')) as NginxKnowledge;
const summaries = JSON.parse(readFileSync(path.join(schemas, 'summaries', 'nginx.json'), 'utf8')) as Record<string, string>;

const CONTEXTS = new Set<NginxContext>([
  'main', 'events', 'http', 'server', 'location', 'upstream', 'sif', 'lif', 'limit_except',
  'mail', 'mail-server', 'stream', 'stream-server', 'stream-upstream',
]);
const ARITIES = new Set([
  'NOARGS', 'TAKE1', 'TAKE2', 'TAKE3', 'TAKE4', 'TAKE5', 'TAKE6', 'TAKE7',
  'TAKE12', 'TAKE13', 'TAKE23', 'TAKE123', 'TAKE1234', 'FLAG', '1MORE', '2MORE', 'ANY',
]);
/** Debian 12's nginx, which /etc/nginx is checked against when no nginx binary says otherwise. */
const DEBIAN_RELEASE = '1.22.1';

/** The entry of `name` that is accepted in `context` (the one a rule would look up there). */
function directive(name: string, context: NginxContext = 'http'): NginxDirective {
  const found = table.directives.filter((entry) => entry.name === name && entry.contexts.includes(context));
  assert.equal(found.length, 1, `one ${name} accepted in ${context}, found ${found.length}`);
  return found[0]!;
}

/** The installed nginx's release, or undefined when there is none. nginx -v prints on stderr. */
function installedNginx(): string | undefined {
  const result = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (result.error) return undefined;
  return /nginx\/(\d+(?:\.\d+)*)/.exec(`${result.stdout}${result.stderr}`)?.[1];
}

/**
 * First word of every statement of an nginx file, with the block it sits in. A small scanner
 * (quotes, comments, `;`, `{`, `}`), not the project's parser: enough to list directive names.
 * Blocks whose bodies hold data rather than directives are skipped.
 */
function directiveNames(text: string): string[] {
  const dataBlocks = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map', 'match']);
  const names: string[] = [];
  const blocks: string[] = [];
  let words: string[] = [];
  let word = '';
  const endWord = () => {
    if (word) words.push(word);
    word = '';
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"' || char === "'") {
      let end = index + 1;
      while (end < text.length && text[end] !== char) end += text[end] === '\\' ? 2 : 1;
      word += text.slice(index, end + 1);
      index = end;
    } else if (char === '#' && word === '') {
      const end = text.indexOf('\n', index);
      index = end < 0 ? text.length : end;
    } else if (char === ';' || char === '{' || char === '}') {
      endWord();
      const inData = blocks.some((block) => dataBlocks.has(block));
      if (char !== '}' && words[0] && !inData) names.push(words[0]);
      if (char === '{') blocks.push(words[0] ?? '');
      if (char === '}') blocks.pop();
      words = [];
    } else if (/\s/.test(char)) endWord();
    else word += char;
  }
  return names;
}

function filesBelow(directory: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(directory)) {
    const file = path.join(directory, name);
    // statSync follows the symbolic links of sites-enabled and modules-enabled.
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats?.isDirectory()) files.push(...filesBelow(file));
    else if (stats?.isFile()) files.push(file);
  }
  return files;
}

describe('nginx knowledge table', () => {
  describe('integrity', () => {
    it('records where its facts came from', () => {
      const { source } = table;
      assert.equal(source.url, 'https://github.com/nginx/nginx');
      assert.equal(source.ref, '1.31.4');
      assert.match(source.commit ?? '', /^[0-9a-f]{40}$/);
      assert.ok(source.files.includes('auto/modules') && source.files.includes('auto/options'));
      assert.ok(source.files.some((file) => file.startsWith('https://github.com/google/ngx_brotli/blob/')));
      assert.ok(source.files.some((file) => file.startsWith('https://github.com/openresty/headers-more-nginx-module/blob/')));
      assert.ok(source.files.some((file) => file.startsWith('https://github.com/nginx/nginx.org/blob/')), 'docs links checked against nginx.org');
      assert.match(source.generated, /^\d{4}-\d{2}-\d{2}$/);
      const scanned = source.versionsScanned ?? [];
      assert.ok(scanned.length > 500, 'every release tag is scanned');
      for (const version of scanned) assert.ok(parseVersion(version), `${version} is a plain version`);
      assert.deepEqual(scanned, [...scanned].sort(compareVersions), 'versions scanned in release order');
      assert.equal(scanned[scanned.length - 1], source.ref);
      assert.ok(scanned.includes(DEBIAN_RELEASE));
      assert.ok((source.notes ?? []).length > 0);
      assert.equal(table.stable, '1.30');
    });

    it('has each directive once per module', () => {
      const seen = new Set<string>();
      for (const entry of table.directives) {
        const key = `${entry.module}:${entry.name}`;
        assert.ok(!seen.has(key), `${key} twice`);
        seen.add(key);
        assert.match(entry.name, /^[a-z0-9_]+$/, key);
        assert.match(entry.module, /^ngx_[a-z0-9_]+_module$/, key);
      }
    });

    it('gives every entry a one-line summary and an https docs link', () => {
      const sourceAtRef = `https://github.com/nginx/nginx/blob/release-${table.source.ref}/src/`;
      for (const entry of table.directives) {
        const key = `${entry.module}:${entry.name}`;
        assert.ok(entry.summary.trim().length > 10, `${key} has a summary`);
        assert.doesNotMatch(entry.summary, /[\r\n]/, `${key}: summary is one line`);
        const docs = new URL(entry.docs);
        assert.equal(docs.protocol, 'https:', `${key}: docs link is https`);
        if (entry.origin === 'third-party') assert.equal(docs.host, 'github.com', key);
        else if (entry.removed) assert.ok(entry.docs.startsWith('https://github.com/nginx/nginx/blob/release-'), `${key}: removed entries link their last source`);
        else if (entry.docs.startsWith(sourceAtRef)) assert.ok(entry.docs.endsWith('.c'), `${key}: undocumented on nginx.org, links its source`);
        else assert.ok(entry.docs.startsWith('https://nginx.org/en/docs/') && entry.docs.endsWith(`#${entry.name}`), `${key}: ${entry.docs}`);
      }
      // nginx.org has no page for the degradation module and no entry for epoll_events.
      assert.equal(directive('degrade', 'location').docs, `${sourceAtRef}http/modules/ngx_http_degradation_module.c`);
      assert.equal(directive('epoll_events', 'events').docs, `${sourceAtRef}event/modules/ngx_epoll_module.c`);
      assert.equal(directive('quic_bpf', 'main').docs, 'https://nginx.org/en/docs/http/ngx_http_v3_module.html#quic_bpf');
      assert.equal(directive('gzip_proxied').docs, 'https://nginx.org/en/docs/http/ngx_http_gzip_module.html#gzip_proxied');
      assert.equal(directive('proxy_pass', 'location').docs, 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass');
      assert.equal(directive('worker_processes', 'main').docs, 'https://nginx.org/en/docs/ngx_core_module.html#worker_processes');
      assert.equal(directive('worker_connections', 'events').docs, 'https://nginx.org/en/docs/ngx_core_module.html#worker_connections');
      assert.equal(directive('gzip_types').docs, 'https://nginx.org/en/docs/http/ngx_http_gzip_module.html#gzip_types');
      assert.equal(directive('keepalive', 'upstream').docs, 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive');
      assert.equal(directive('proxy_pass', 'stream-server').docs, 'https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#proxy_pass');
      assert.equal(directive('http', 'main').docs, 'https://nginx.org/en/docs/http/ngx_http_core_module.html#http');
    });

    it('carries exactly the hand-written summaries (the table was regenerated after they changed)', () => {
      const used = new Set<string>();
      for (const entry of table.directives) {
        const specific = `${entry.module}:${entry.name}`;
        const key = summaries[specific] !== undefined ? specific : entry.name;
        assert.equal(entry.summary, summaries[key]?.trim(), specific);
        used.add(key);
      }
      assert.deepEqual(Object.keys(summaries).filter((key) => !used.has(key)), [], 'no summary for a directive the table lacks');
    });

    it('uses only known contexts and argument forms', () => {
      for (const entry of table.directives) {
        const key = `${entry.module}:${entry.name}`;
        assert.ok(entry.contexts.length > 0 && entry.contexts.every((context) => CONTEXTS.has(context)), `${key}: ${entry.contexts.join()}`);
        assert.equal(new Set(entry.contexts).size, entry.contexts.length, `${key}: contexts repeat`);
        assert.ok(entry.arity.length > 0 && entry.arity.every((arity) => ARITIES.has(arity)), `${key}: ${entry.arity.join()}`);
        assert.ok(['core', 'standard', 'optional', 'third-party'].includes(entry.origin), key);
      }
    });

    it('dates entries with releases it scanned, in order', () => {
      const scanned = new Set(table.source.versionsScanned);
      for (const entry of table.directives) {
        const key = `${entry.module}:${entry.name}`;
        if (entry.origin === 'third-party') {
          assert.equal(entry.since ?? entry.deprecated ?? entry.removed, undefined, `${key}: third-party modules have no nginx releases`);
          continue;
        }
        for (const version of [entry.since, entry.deprecated, entry.removed]) {
          if (version !== undefined) assert.ok(scanned.has(version), `${key}: ${version} was scanned`);
        }
        if (entry.since && entry.removed) assert.ok(compareVersions(entry.since, entry.removed) < 0, key);
        if (entry.since && entry.deprecated) assert.ok(compareVersions(entry.since, entry.deprecated) <= 0, key);
        if (entry.deprecated && entry.removed) assert.ok(compareVersions(entry.deprecated, entry.removed) < 0, key);
      }
    });
  });

  describe('facts the rules rely on', () => {
    it('places directives where nginx accepts them', () => {
      assert.deepEqual(directive('limit_req_zone').contexts, ['http']);
      assert.deepEqual(directive('keepalive', 'upstream').contexts, ['upstream']);
      assert.deepEqual(directive('proxy_http_version').contexts, ['http', 'server', 'location']);
      assert.deepEqual(directive('proxy_http_version').arity, ['TAKE1']);
      assert.deepEqual(directive('gzip_types').contexts, ['http', 'server', 'location']);
      assert.deepEqual(directive('gzip_types').arity, ['1MORE']);
      assert.deepEqual(directive('listen', 'server').contexts, ['server']);
      assert.deepEqual(directive('include', 'main').contexts.length, CONTEXTS.size, 'include is accepted everywhere');
      for (const block of ['http', 'events', 'mail', 'stream']) {
        const entry = directive(block, 'main');
        assert.deepEqual([entry.contexts, entry.block], [['main'], true], block);
      }
      assert.deepEqual([directive('location', 'server').block, directive('server', 'http').block], [true, true]);
      assert.ok(directive('ssl_protocols', 'server'));
    });

    it('knows which directives may repeat in one block', () => {
      assert.equal(directive('add_header').repeatable, true);
      assert.equal(directive('proxy_set_header').repeatable, true);
      assert.equal(directive('listen', 'server').repeatable, true);
      assert.equal(directive('server', 'upstream').repeatable, true);
      assert.equal(directive('location', 'server').repeatable, true);
      assert.equal(directive('include', 'main').repeatable, true);
      assert.equal(directive('error_page').repeatable, true);
      assert.equal(directive('proxy_redirect').repeatable, true, 'several mappings are allowed');
      assert.equal(directive('proxy_read_timeout').repeatable, false);
      assert.equal(directive('proxy_pass', 'location').repeatable, false);
      assert.equal(directive('keepalive', 'upstream').repeatable, false);
      assert.equal(directive('worker_processes', 'main').repeatable, false);
      // Accepted again, the last one wins: still "not repeatable", but nginx -t passes.
      assert.deepEqual([directive('zone', 'upstream').repeatable, directive('zone', 'upstream').lastWins], [false, true]);
      assert.deepEqual([directive('ssl_session_cache').repeatable, directive('ssl_session_cache').lastWins], [false, true]);
      assert.equal(directive('proxy_read_timeout').lastWins, undefined);
      assert.equal(directive('mail', 'main').lastWins, undefined, 'a second mail block is refused since 1.9.1');
    });

    it('knows when directives appeared, were deprecated and went away', () => {
      assert.equal(directive('add_header_inherit').since, '1.29.3');
      assert.equal(directive('http2', 'server').since, '1.25.1');
      assert.equal(directive('proxy_http_version').since, '1.1.4');
      assert.equal(directive('listen', 'server').since, undefined, 'in the oldest release scanned');
      const ssl = directive('ssl', 'server');
      assert.deepEqual([ssl.deprecated, ssl.removed], ['1.15.0', '1.25.1']);
      for (const name of ['http2_push', 'http2_push_preload', 'http2_max_concurrent_pushes']) assert.equal(directive(name, 'server').removed, '1.25.1', name);
      for (const name of ['http2_idle_timeout', 'http2_recv_timeout', 'http2_max_requests', 'http2_max_field_size', 'http2_max_header_size']) {
        assert.equal(directive(name, 'server').removed, '1.19.7', name);
      }
      const spdy = table.directives.filter((entry) => entry.name.startsWith('spdy_'));
      assert.equal(spdy.length, 8);
      for (const entry of spdy) assert.equal(entry.removed, '1.9.5', entry.name);
      assert.deepEqual([directive('limit_zone').deprecated, directive('limit_zone').removed], ['1.1.8', '1.7.6']);
      assert.equal(directive('proxy_downstream_buffer', 'stream-server').deprecated, '1.9.4');
    });

    it('knows which build has a directive', () => {
      assert.equal(directive('worker_processes', 'main').origin, 'core');
      assert.equal(directive('listen', 'server').origin, 'core');
      assert.equal(directive('gzip').origin, 'standard');
      assert.equal(directive('proxy_pass', 'location').origin, 'standard');
      assert.equal(directive('ssl_protocols').origin, 'optional');
      assert.equal(directive('http2', 'server').origin, 'optional');
      assert.equal(directive('stub_status', 'location').origin, 'optional');
      assert.equal(directive('real_ip_header').origin, 'optional');
      assert.equal(directive('proxy_pass', 'stream-server').origin, 'optional');
      const thirdParty = table.directives.filter((entry) => entry.origin === 'third-party').map((entry) => entry.name).sort();
      assert.deepEqual(thirdParty, [
        'brotli', 'brotli_buffers', 'brotli_comp_level', 'brotli_min_length', 'brotli_static', 'brotli_types', 'brotli_window',
        'more_clear_headers', 'more_clear_input_headers', 'more_set_headers', 'more_set_input_headers',
      ]);
      assert.equal(directive('more_set_headers').repeatable, true);
      assert.equal(directive('brotli_comp_level').repeatable, false);
    });
  });

  describe('agreement with the nginx installed here', () => {
    it('has every directive of /etc/nginx, in the installed release', function () {
      if (!existsSync('/etc/nginx')) {
        console.log('      (skipped: no /etc/nginx on this machine)');
        this.skip();
      }
      const release = installedNginx() ?? DEBIAN_RELEASE;
      const missing: string[] = [];
      let checked = 0;
      for (const file of filesBelow('/etc/nginx')) {
        for (const name of directiveNames(readFileSync(file, 'utf8'))) {
          checked++;
          const known = table.directives.some((entry) => entry.name === name && versionInRange(release, entry.since, entry.removed));
          if (!known) missing.push(`${file}: ${name}`);
        }
      }
      assert.ok(checked > 10, `read ${checked} directives`);
      assert.deepEqual(missing, [], `unknown to the table for nginx ${release}`);
    });

    it('says "not repeatable" exactly where nginx -t rejects a repeat (a sample)', function () {
      const release = installedNginx();
      if (!release) {
        console.log('      (skipped: nginx is not installed)');
        this.skip();
      }
      // [context, statement]; %d becomes 1 and 2 where repeats need distinct arguments.
      const sample: [NginxContext, string][] = [
        ['main', 'worker_processes 1;'],
        ['main', 'env FOO%d;'],
        ['events', 'worker_connections 512;'],
        ['http', 'log_format f%d "$uri";'],
        ['http', 'limit_req_zone $binary_remote_addr zone=z%d:1m rate=1r/s;'],
        ['http', 'variables_hash_max_size 1024;'],
        ['server', 'listen 127.0.0.1:818%d;'],
        ['server', 'server_name a%d.example;'],
        ['server', 'keepalive_timeout 10s;'],
        ['location', 'proxy_read_timeout 5s;'],
        ['location', 'add_header X-A%d 1;'],
        ['location', 'gzip_types text/css;'],
        ['location', 'proxy_set_header X-A%d 1;'],
        ['location', 'root /tmp;'],
        ['location', 'proxy_pass http://127.0.0.1:1;'],
        ['location', 'client_max_body_size 1m;'],
        ['location', 'error_page 404 /x%d;'],
        ['location', 'rewrite ^ /x%d;'],
        ['location', 'expires 1h;'],
        ['location', 'limit_rate 1k;'],
        ['location', 'proxy_http_version 1.1;'],
        ['location', 'proxy_next_upstream error;'],
        ['location', 'proxy_redirect http://a%d/ /;'],
        ['location', 'try_files $uri =404;'],
        ['upstream', 'keepalive 16;'],
        ['upstream', 'server 127.0.0.%d:1;'],
        // One of each kind of set handler: flag, str, enum, num, bitmask (ORs, warns on a
        // repeated value), str_array, keyval, types, access rules, script, blocks.
        ['main', 'worker_rlimit_nofile 1024;'],
        ['events', 'use epoll;'],
        ['events', 'multi_accept on;'],
        ['http', 'server_tokens off;'],
        ['http', 'resolver 127.0.0.1;'],
        ['http', 'ssl_protocols TLSv1.2;'],
        ['http', 'ssl_ciphers HIGH;'],
        ['http', 'ssl_session_cache shared:S:1m;'],
        ['server', 'ssl_stapling on;'],
        ['location', 'proxy_hide_header X-A%d;'],
        ['location', 'proxy_cache_valid 200 1m;'],
        ['location', 'proxy_ssl_protocols TLSv1.2;'],
        ['location', 'gzip_proxied any;'],
        ['location', 'default_type text/plain;'],
        ['location', 'types { text/x-a a%d; }'],
        ['location', 'allow 127.0.0.%d;'],
        ['location', 'index a%d.html;'],
        ['location', 'set $a%d 1;'],
        ['location', 'return 204;'],
        ['location', 'internal;'],
        ['location', 'satisfy any;'],
        ['location', 'auth_basic off;'],
        ['location', 'open_file_cache max=10;'],
        ['location', 'sub_filter a%d b;'],
        ['location', 'limit_except GET { deny all; }'],
        ['upstream', 'ip_hash;'],
      ];
      // Accepted again, the later one replacing the earlier: nginx -t passes, and the table
      // says "not repeatable" (the first occurrence is dead) but marks it lastWins.
      const prefix = mkdtempSync(path.join(tmpdir(), 'deploylint-nginx-'));
      try {
        const disagreements: string[] = [];
        for (const [context, statement] of sample) {
          const name = statement.split(' ')[0]!.replace(/;$/, '');
          const entry = directive(name, context);
          if (!versionInRange(release!, entry.since, entry.removed)) continue;
          const twice = [1, 2].map((n) => statement.split('%d').join(String(n))).join(' ');
          const at = (here: NginxContext) => (here === context ? twice : '');
          const temp = (kind: string) => `${kind}_temp_path ${path.join(prefix, kind)};`;
          const config = [
            `pid ${path.join(prefix, 'nginx.pid')}; error_log ${path.join(prefix, 'error.log')}; ${at('main')}`,
            `events { ${at('events')} }`,
            `http { access_log off; ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')} ${at('http')}`,
            `  upstream u { server 127.0.0.1:9; ${at('upstream')} }`,
            `  server { listen 127.0.0.1:8180; ${at('server')} location / { ${at('location')} } } }`,
          ].join('\n');
          const file = path.join(prefix, 'nginx.conf');
          writeFileSync(file, config);
          const result = spawnSync('nginx', ['-t', '-q', '-p', prefix, '-c', file], { encoding: 'utf8' });
          const output = `${result.stdout}${result.stderr}`;
          if (result.status !== 0 && !output.includes('is duplicate')) throw new Error(`nginx -t failed on ${twice}: ${output}`);
          const accepted = result.status === 0;
          if (accepted !== (entry.repeatable || entry.lastWins === true)) {
            disagreements.push(`${twice} (${context}): nginx ${accepted ? 'accepts' : 'rejects'} it, table says repeatable=${entry.repeatable} lastWins=${entry.lastWins === true}`);
          }
        }
        assert.deepEqual(disagreements, []);
      } finally {
        rmSync(prefix, { recursive: true, force: true });
      }
    });
  });
});

// The scanner above is small enough to get wrong; check it on the shapes Debian's files have.
describe('first-word scan used for /etc/nginx', () => {
  it('lists statements and skips comments, quoted text and data blocks', () => {
    const text = [
      'user www-data; # comment; not a statement',
      'http {',
      '  types { text/html html; }',
      '  log_format main \'$remote_addr "x;y"\';',
      '  server { listen 80; location / { try_files $uri =404; } }',
      '}',
      'charset_map koi8-r utf-8 { C0 D18E; }',
    ].join('\n');
    assert.deepEqual(directiveNames(text), ['user', 'http', 'types', 'log_format', 'server', 'listen', 'location', 'try_files', 'charset_map']);
  });
});
