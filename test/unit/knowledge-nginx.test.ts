import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import table from '../../schemas/nginx.json';
import type { NginxDirective, NginxKnowledge } from '../../server/src/core/knowledge/types';
import { availableIn } from '../../server/src/core/knowledge/knowledge';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { walkNginx } from '../../server/src/core/formats/nginx/walk';
import { requireOracle } from '../helpers/oracles';

const nginx = table as unknown as NginxKnowledge;
const http = (name: string): NginxDirective =>
  nginx.directives.find((d) => d.name === name && (d.module.startsWith('ngx_http') || d.module === 'ngx_conf_module'))!;

describe('schemas/nginx.json', () => {
  it('has each directive once per module, with a summary and a documentation link', () => {
    const seen = new Set<string>();
    for (const directive of nginx.directives) {
      const key = `${directive.module}:${directive.name}`;
      assert.ok(!seen.has(key), `${key} twice`);
      seen.add(key);
      assert.ok(directive.summary.length > 10 && !directive.summary.includes('\n'), key);
      assert.match(directive.docs, /^https:\/\//);
      assert.ok(directive.contexts.length > 0 && directive.arity.length > 0, key);
    }
  });

  it('knows the facts the rules lean on', () => {
    assert.deepEqual(http('limit_req_zone').contexts, ['http']);
    assert.deepEqual(http('keepalive').contexts, ['upstream']);
    assert.deepEqual([http('proxy_http_version').arity, http('proxy_http_version').contexts], [['TAKE1'], ['http', 'server', 'location']]);
    assert.equal(http('add_header').repeatable, true);
    assert.equal(http('proxy_read_timeout').repeatable, false);
    assert.deepEqual([http('gzip_types').contexts, http('gzip_types').arity], [['http', 'server', 'location'], ['1MORE']]);
    assert.ok(http('ssl_protocols'));
    assert.equal(http('add_header_inherit').since, '1.29.3');
    assert.equal(http('http2').since, '1.25.1');
    assert.deepEqual([http('listen').contexts, http('listen').repeatable], [['server'], true]);
    assert.deepEqual([http('ssl').deprecated, http('ssl').removed], ['1.15.0', '1.25.1']);
    assert.equal(nginx.stable, '1.30');
  });

  it('has every directive of the installed nginx configuration, for that nginx release', function () {
    if (!requireOracle(this, 'nginx', ['-v']) || !existsSync('/etc/nginx/nginx.conf')) return;
    // nginx prints its version on standard error.
    const release = /nginx\/(\S+)/.exec(execFileSync('sh', ['-c', 'nginx -v 2>&1'], { encoding: 'utf8' }))![1]!;
    const files: string[] = [];
    const walk = (directory: string) => {
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (!/koi-|win-utf|mime\.types/.test(name)) files.push(path);
      }
    };
    walk('/etc/nginx');
    const missing = new Set<string>();
    for (const path of files) {
      walkNginx(parseNginx(readFileSync(path, 'utf8')).directives, (directive, ancestors) => {
        if (ancestors.some((ancestor) => ['types', 'map', 'charset_map', 'geo', 'split_clients'].includes(ancestor.name))) return;
        if (!nginx.directives.some((entry) => entry.name === directive.name && availableIn(entry, release))) missing.add(`${path}: ${directive.name}`);
      });
    }
    assert.deepEqual([...missing], []);
  });
});
