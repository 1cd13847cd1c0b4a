import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../server/src/cli/main';
import { requireOracle } from '../helpers/oracles';

interface JsonFinding {
  rule: string;
  severity: string;
  range: { start: { line: number }; end: { line: number } };
}

function deploylintJson(paths: string[], release: string): { files: { path: string; findings: JsonFinding[] }[] } {
  let stdout = '';
  run(['--format', 'json', '--fail-on', 'none', '--host', `systemd=${release}`, ...paths], {
    stdout: (text) => (stdout += text),
    stderr: () => undefined,
    isTerminal: false,
    cwd: '/',
  });
  return JSON.parse(stdout);
}

/** The lines systemd-analyze verify complains about in a unit file (syntax and parsing, not the unit's environment). */
function verifyLines(path: string): number[] {
  const result = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
  const lines = new Set<number>();
  for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
    const match = new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+): (.*)$`).exec(line);
    if (match && !/is not safe|Special user/.test(match[2]!)) lines.add(Number(match[1]));
  }
  return [...lines].sort((a, b) => a - b);
}

function installedRelease(): string {
  return /^systemd (\d+)/.exec(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }))![1]!;
}

describe('systemd: deploylint agrees with systemd-analyze verify', function () {
  this.timeout(120_000);

  it('reports no error on Debian\'s own units that verify does not report on the same line', function () {
    if (!requireOracle(this, 'systemd-analyze')) return;
    const report = deploylintJson(['/lib/systemd/system'], installedRelease());
    assert.ok(report.files.length > 100, 'the units were read');
    const unexplained: string[] = [];
    for (const file of report.files) {
      const errors = file.findings.filter((finding) => finding.severity === 'error');
      if (errors.length === 0) continue;
      const confirmed = verifyLines(file.path);
      for (const error of errors) {
        if (!confirmed.includes(error.range.start.line + 1)) unexplained.push(`${file.path}:${error.range.start.line + 1} ${error.rule}`);
      }
    }
    assert.deepEqual(unexplained, []);
  });

  it('on a corpus: errors on exactly the lines verify complains about', function () {
    if (!requireOracle(this, 'systemd-analyze')) return;
    const corpus = 'test/fixtures/systemd-corpus';
    const folder = mkdtempSync(join(tmpdir(), 'deploylint-systemd-'));
    try {
      const release = installedRelease();
      const disagreements: string[] = [];
      for (const name of readdirSync(corpus).sort()) {
        const path = join(folder, name);
        copyFileSync(join(corpus, name), path);
        const oracle = verifyLines(path);
        const ours = deploylintJson([path], release).files[0]!.findings.filter((f) => f.severity === 'error').map((f) => f.range.start.line + 1);
        if (JSON.stringify([...new Set(ours)].sort((a, b) => a - b)) !== JSON.stringify(oracle)) {
          disagreements.push(`${name}: verify lines [${oracle.join(', ')}], deploylint lines [${ours.join(', ')}]`);
        }
        if (name.startsWith('valid-') !== (oracle.length === 0)) disagreements.push(`${name}: verify says [${oracle.join(', ')}]`);
      }
      assert.deepEqual(disagreements, []);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
