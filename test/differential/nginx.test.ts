import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../../server/src/cli/main';
import { requireOracle } from '../helpers/oracles';

interface JsonFinding {
  rule: string;
  message: string;
  severity: string;
  range: { start: { line: number }; end: { line: number } };
}

/** deploylint's report, checked against the nginx release installed here. */
function deploylintJson(paths: string[]): { files: { path: string; findings: JsonFinding[] }[] } {
  let stdout = '';
  const version = /nginx\/(\d+(?:\.\d+)*)/.exec(spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr)?.[1];
  const host = version ? ['--host', `nginx=${version}`] : [];
  run(['--format', 'json', '--fail-on', 'none', ...host, ...paths], { stdout: (text) => (stdout += text), stderr: () => undefined, isTerminal: false, cwd: '/' });
  return JSON.parse(stdout);
}

/** Files Debian's package installs beside nginx.conf that corpus configurations include: copied into the prefix as installed. */
const PACKAGED = ['mime.types', 'proxy_params', 'fastcgi_params', 'fastcgi.conf', 'snippets/fastcgi-php.conf'];
/** Debian's loadable modules, which `load_module modules/….so` finds under the prefix (the stream module is one). */
const MODULES = '/usr/lib/nginx/modules';

/** A prefix holding what the corpus names: logs/, the packaged includes, modules/, and a self-signed cert.pem and key.pem. */
function preparePrefix(prefix: string): void {
  mkdirSync(join(prefix, 'logs'));
  mkdirSync(join(prefix, 'snippets'));
  for (const name of PACKAGED) if (existsSync(join('/etc/nginx', name))) copyFileSync(join('/etc/nginx', name), join(prefix, name));
  if (existsSync(MODULES)) symlinkSync(MODULES, join(prefix, 'modules'));
  const pair = ['-keyout', join(prefix, 'key.pem'), '-out', join(prefix, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=deploylint.test', '-days', '1', ...pair], { stdio: 'ignore' });
}

/** nginx -t on one file with its own prefix; the 1-based line of the error nginx names, or undefined when it accepts. */
function nginxTest(config: string, prefix: string): { ok: boolean; line?: number; output: string } {
  const result = spawnSync('nginx', ['-t', '-q', '-c', config, '-p', prefix, '-g', 'pid /dev/null;'], { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  const line = /:(\d+)\s*$/m.exec(output.split('\n').find((l) => l.includes('[emerg]')) ?? '')?.[1];
  return { ok: result.status === 0, ...(line ? { line: Number(line) } : {}), output };
}

describe('nginx: deploylint agrees with nginx -t', function () {
  this.timeout(60_000);

  it('reports no error on Debian\'s packaged /etc/nginx, which nginx -t accepts', function () {
    if (!requireOracle(this, 'nginx', ['-v']) || !existsSync('/etc/nginx/nginx.conf')) return;
    assert.equal(spawnSync('nginx', ['-t', '-q'], { encoding: 'utf8' }).status, 0, 'nginx -t accepts /etc/nginx');
    const report = deploylintJson(['/etc/nginx']);
    const errors = report.files.flatMap((file) => file.findings.filter((f) => f.severity === 'error').map((f) => `${file.path}:${f.range.start.line + 1} ${f.rule}`));
    assert.deepEqual(errors, []);
    assert.ok(report.files.length >= 3, 'the tree was read');
  });

  it('on a corpus: an error exactly where nginx -t rejects, on the line nginx names', function () {
    if (!requireOracle(this, 'nginx', ['-v'])) return;
    const corpus = 'test/fixtures/nginx-corpus';
    const names = readdirSync(corpus).filter((name) => name.endsWith('.conf')).sort();
    assert.ok(names.length >= 30, `the corpus has ${names.length} configurations; the issue asks for at least 30`);
    const prefix = mkdtempSync(join(tmpdir(), 'deploylint-nginx-'));
    preparePrefix(prefix);
    try {
      const disagreements: string[] = [];
      for (const name of names) {
        const config = join(prefix, name);
        writeFileSync(config, readFileSync(join(corpus, name)));
        const oracle = nginxTest(config, `${prefix}/`);
        const ours = deploylintJson([config]).files.find((file) => resolve('/', file.path) === config)!.findings.filter((f) => f.severity === 'error');
        const ourLines = ours.map((f) => `${f.range.start.line + 1}-${f.range.end.line + 1}`);
        // nginx names the line a statement ends on; a finding that covers it agrees. When the file ends
        // inside a block or a string, nginx names the end of the file and deploylint points at the
        // opening brace or quote instead, where the fix belongs: it agrees when it says the same thing.
        const lastLine = readFileSync(config, 'utf8').split('\n').length;
        const endOfFile = /unexpected end of file/.test(oracle.output) && oracle.line !== undefined && oracle.line >= lastLine - 1;
        const covers = (line: number) =>
          ours.some((f) => (f.range.start.line + 1 <= line && line <= f.range.end.line + 1) || (endOfFile && /^(unexpected end of file|unterminated)/.test(f.message)));
        if (oracle.ok && ours.length > 0) disagreements.push(`${name}: nginx accepts it, deploylint reports ${ours.map((f) => f.rule).join(', ')}`);
        if (!oracle.ok && ours.length === 0) disagreements.push(`${name}: nginx rejects it (${oracle.output.trim()}), deploylint reports no error`);
        if (!oracle.ok && oracle.line !== undefined && ours.length > 0 && !covers(oracle.line)) {
          disagreements.push(`${name}: nginx names line ${oracle.line}, deploylint lines ${ourLines.join(', ')}`);
        }
        // Our name for the file says which way it should go.
        if (name.startsWith('valid-') !== oracle.ok) disagreements.push(`${name}: nginx -t says ${oracle.ok ? 'ok' : oracle.output.trim()}`);
      }
      assert.deepEqual(disagreements, []);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
