import assert from 'node:assert/strict';
import { lintFiles } from '../helpers/lint';
import type { FileKind } from '../../server/src/core/model/finding';

/**
 * Hostile input through the whole pipeline (detection aside): every kind of file, every
 * rule. Nothing may throw or hang, and the file must still be reported on.
 */
const PATHS: Record<Exclude<FileKind, 'hostspec'>, string> = {
  gunicorn: '/srv/app/gunicorn.conf.py',
  systemd: '/etc/systemd/system/app.service',
  nginx: '/etc/nginx/sites-enabled/app',
};

const HOSTILE: Record<string, string> = {
  'NUL bytes': 'workers = 2\0\0\n[Service]\0\nserver {\0}\n',
  'CRLF and a byte order mark': '\uFEFFworkers = 2\r\n[Service]\r\nExecStart=/bin/true\r\nserver { listen 80; }\r\n',
  'lone surrogates': 'x = "\uD800"\n[Service]\nDescription=\uDC00\nserver_name \uD800;\n',
  'unterminated quotes': 'bind = "127.0.0.1\n[Service]\nExecStart=/bin/echo "open\nreturn 200 "open;\n',
  'a 10 MB single line': `workers = ${'9'.repeat(10 * 1024 * 1024)}`,
  '10,000 nested blocks': `${'location / {'.repeat(10_000)}${'}'.repeat(10_000)}`,
  '100,000 unclosed brackets': '('.repeat(100_000) + '{'.repeat(100_000) + '['.repeat(1000),
  'random bytes': Array.from({ length: 20_000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join(''),
  'empty file': '',
  'an add_header without arguments above a level with its own': 'events {}\nhttp { add_header; server { add_header X-A b; } }\n',
};

describe('hostile input, end to end', function () {
  this.timeout(60_000);
  for (const [kind, path] of Object.entries(PATHS) as [Exclude<FileKind, 'hostspec'>, string][]) {
    for (const [label, text] of Object.entries(HOSTILE)) {
      it(`${kind}: ${label}`, () => {
        const started = Date.now();
        const reports = lintFiles(path, text, { kind });
        const report = reports.find((candidate) => candidate.path === path)!;
        assert.equal(report.kind, kind);
        assert.ok(report.findings.every((finding) => finding.rule !== 'deploylint/internal-error'), JSON.stringify(report.findings.find((f) => f.rule === 'deploylint/internal-error')));
        // Bounded time: generous, to catch hangs and quadratic blow-ups, not to benchmark.
        assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
      });
    }
  }

  it('an include of a directory is reported as unreadable, not followed', () => {
    const reports = lintFiles('/etc/nginx/nginx.conf', 'events {}\nhttp { include conf.d; }\n', { others: { '/etc/nginx/conf.d/a.conf': 'server {}\n' } });
    const findings = reports.find((report) => report.path === '/etc/nginx/nginx.conf')!.findings;
    assert.ok(findings.some((finding) => finding.rule === 'nginx/include'), JSON.stringify(findings));
  });
});
