import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/text/edits';
import { findingsOf } from '../helpers/lint';
import { requireOracle } from '../helpers/oracles';

/**
 * stack/compression-lost against a running nginx: each site proxies to a small upstream
 * that answers with an uncompressed HTML page (and tells which Accept-Encoding it got).
 * Where the rule reports the site, nginx sends the page uncompressed (to a plain request,
 * or for the info finding to one with Via); where it does not, nginx compresses it; and
 * after the rule's preferred fix, nginx compresses it.
 */

const RULE = 'stack/compression-lost';
const SITE = '/srv/deploy/nginx/sites-enabled/site';
const PAGE = `<html><body>${'a page worth compressing '.repeat(200)}</body></html>`;

interface Case {
  readonly name: string;
  readonly site: string;
  /** What the rule says: nothing, a warning (every request), or an info (requests with Via). */
  readonly finding?: 'warning' | 'info';
}

const lernmanager = readFileSync('examples/lernmanager/lernmanager.nginx', 'utf8');
const CASES: Case[] = [
  { name: 'the Lernmanager site (seed 004): gzip on, so nginx compresses what the app may not', site: lernmanager },
  { name: 'the Lernmanager site with gzip off', site: lernmanager.replace(/ {4}gzip on;\n[\s\S]*?application\/javascript;\n\n/, ''), finding: 'warning' },
  { name: 'gzip on behind another proxy: requests with Via stay uncompressed', site: lernmanager.replace('    gzip on;\n', '    gzip on;\n    set_real_ip_from 10.0.0.0/8;\n'), finding: 'info' },
  {
    name: 'gzip off in the location, a one-line location clearing with identity',
    site: 'server {\n    location / {\n        gzip off;\n        proxy_pass http://127.0.0.1:8080;\n        proxy_set_header Accept-Encoding "";\n    }\n    location /api { proxy_pass http://127.0.0.1:8080; proxy_set_header Accept-Encoding identity; }\n}\n',
    finding: 'warning',
  },
];

describe('stack/compression-lost agrees with what a running nginx sends', function () {
  this.timeout(60_000);
  let upstream: Server | undefined;
  let upstreamPort = 0;
  let prefix = '';

  before(async function () {
    if (!requireOracle(this, 'nginx', ['-v'])) return;
    prefix = mkdtempSync(join(tmpdir(), 'deploylint-nginx-gzip-'));
    upstream = createServer((incoming, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(PAGE), 'X-Seen-Accept-Encoding': incoming.headers['accept-encoding'] ?? '-' });
      response.end(PAGE);
    });
    await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
    upstreamPort = (upstream.address() as AddressInfo).port;
  });

  after(async () => {
    if (upstream) await new Promise((resolve) => upstream!.close(resolve));
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  CASES.forEach((example, index) => {
    it(example.name, async function () {
      if (!requireOracle(this, 'nginx', ['-v'])) return;
      const findings = findingsOf(RULE, SITE, example.site);
      assert.equal(findings.length > 0, example.finding !== undefined, 'a finding where the case expects one');
      assert.ok(findings.every((finding) => finding.severity === example.finding), findings.map((finding) => finding.message).join('\n'));
      const via = example.finding === 'info';
      for (const path of paths(example.site)) {
        assert.equal(await encodingThrough(example.site, index, path, via), example.finding ? 'identity' : 'gzip', `${path} before any fix`);
      }
      if (findings.length === 0) return;
      // Each clearing line's preferred fix, all applied.
      const fixes = findings.map((finding) => finding.fixes.find((candidate) => candidate.preferred)!);
      const fixed = applyEdits(example.site, fixes.flatMap((fix) => fix.edits))!;
      for (const path of paths(fixed)) assert.equal(await encodingThrough(fixed, index, path, via), 'gzip', `${path} after "${fixes[0]!.title}"`);
    });
  });

  /** The Content-Encoding nginx answers a request for `path` with, the app having been offered no compression. */
  async function encodingThrough(site: string, index: number, path: string, via: boolean): Promise<string> {
    const folder = join(prefix, String(index));
    mkdirSync(join(folder, 'logs'), { recursive: true });
    const port = await freePort();
    // The site as written, on a free port, proxying to the test's upstream.
    const served = site.replace(/listen [^;]*;\n/g, '').replace(/server \{\n/, `server {\n    listen 127.0.0.1:${port};\n`).replace(/http:\/\/127\.0\.0\.1:8080/g, `http://127.0.0.1:${upstreamPort}`);
    writeFileSync(join(folder, 'site.conf'), served);
    writeFileSync(join(folder, 'nginx.conf'), `events {}\nhttp {\n    access_log off;\n    include site.conf;\n}\n`);
    const nginx = spawn('nginx', ['-p', `${folder}/`, '-c', 'nginx.conf', '-g', `daemon off; master_process off; pid ${folder}/nginx.pid; error_log ${folder}/logs/error.log;`], { stdio: 'ignore' });
    try {
      const response = await getWhenUp(port, path, via);
      assert.ok(['-', 'identity'].includes(response.seen), `the app was offered no compression, yet saw "${response.seen}"`);
      return response.encoding;
    } finally {
      await stop(nginx);
    }
  }
});

/** The paths a site proxies: each location's that has a proxy_pass. */
function paths(site: string): string[] {
  return [...site.matchAll(/location ([^\s{]+) \{[^}]*proxy_pass/g)].map((match) => (match[1] === '/' ? '/page' : match[1]!));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function getWhenUp(port: number, path: string, via: boolean): Promise<{ encoding: string; seen: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await get(port, path, via);
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function get(port: number, path: string, via: boolean): Promise<{ encoding: string; seen: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Accept-Encoding': 'gzip', ...(via ? { Via: '1.1 cdn' } : {}) };
    request({ host: '127.0.0.1', port, path, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ encoding: String(response.headers['content-encoding'] ?? 'identity'), seen: String(response.headers['x-seen-accept-encoding'] ?? '') }));
    })
      .on('error', reject)
      .end();
  });
}

function stop(process: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    process.once('exit', () => resolve());
    process.kill('SIGTERM');
  });
}
