import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { run } from '../../server/src/cli/main';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function deploylint(cwd: string, ...argv: string[]): Outcome {
  let stdout = '';
  let stderr = '';
  const code = run(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTerminal: false,
    cwd,
  });
  return { code, stdout, stderr };
}

describe('deploylint (command line)', () => {
  let workspace: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'deploylint-cli-'));
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  const write = (relative: string, text: string | Buffer) => {
    const path = join(workspace, relative);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  it('prints the JSON contract, listing every checked file even without findings', () => {
    write('app/gunicorn.conf.py', 'workers = 2\nworkers = 4\n');
    write('app/clean.service', '[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/true\n');
    write('app/README.md', 'not checked');
    const { code, stdout } = deploylint(workspace, '--format', 'json', 'app');
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.equal(report.version, 1);
    assert.deepEqual(Object.keys(report), ['version', 'files']);
    assert.deepEqual(
      report.files.map((file: { path: string; kind: string }) => [file.path, file.kind]),
      [
        ['app/clean.service', 'systemd'],
        ['app/gunicorn.conf.py', 'gunicorn'],
      ],
    );
    const finding = report.files[1].findings.find((f: { rule: string }) => f.rule === 'gunicorn/duplicate-setting');
    assert.deepEqual(Object.keys(finding), ['rule', 'severity', 'message', 'range', 'fixes']);
    assert.deepEqual(finding.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 11 } });
    assert.deepEqual(finding.fixes[0], {
      title: 'Remove the dead assignment of workers',
      edits: [{ path: 'app/gunicorn.conf.py', range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: '' }],
    });
  });

  it('exits 0 when nothing reaches the threshold, 1 when something does', () => {
    write('gunicorn.conf.py', 'workers = 2\nworkers = 2\n'); // a warning
    assert.equal(deploylint(workspace, 'gunicorn.conf.py').code, 1);
    assert.equal(deploylint(workspace, '--fail-on', 'error', 'gunicorn.conf.py').code, 0);
    assert.equal(deploylint(workspace, '--fail-on', 'none', 'gunicorn.conf.py').code, 0);
    write('gunicorn.conf.py', 'workers = 2\n');
    const clean = deploylint(workspace, 'gunicorn.conf.py');
    assert.equal(clean.code, 0);
    assert.equal(clean.stdout, 'No problems: 1 file checked.\n');
  });

  it('exits 2 with a one-line message naming the path for missing, binary and unrecognised files', () => {
    const missing = deploylint(workspace, 'nope.service');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^deploylint: nope\.service: no such file or directory$/m);

    write('blob.service', Buffer.from([0x5b, 0x00, 0x01, 0x02, 0xff]));
    const binary = deploylint(workspace, 'blob.service');
    assert.equal(binary.code, 2);
    assert.match(binary.stderr, /blob\.service: binary file, not checked/);

    write('notes.txt', 'hello');
    const unknown = deploylint(workspace, 'notes.txt');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /notes\.txt: not a gunicorn, systemd or nginx file that deploylint recognises/);
  });

  it('still reports the readable files when another path fails', () => {
    write('gunicorn.conf.py', 'workers = 0\n');
    const outcome = deploylint(workspace, '--format', 'json', 'gunicorn.conf.py', 'missing.conf');
    assert.equal(outcome.code, 2);
    assert.equal(JSON.parse(outcome.stdout).files.length, 1);
  });

  it('says so when a folder holds nothing to check, instead of an all clear', () => {
    write('docs/readme.md', '# nothing');
    const outcome = deploylint(workspace, 'docs');
    assert.equal(outcome.code, 2);
    assert.match(outcome.stderr, /no gunicorn, systemd or nginx files found in docs/);
  });

  it('rejects bad options and --host values with exit 2', () => {
    assert.equal(deploylint(workspace, '--format', 'xml', 'x').code, 2);
    const host = deploylint(workspace, '--host', 'cpus=0', 'x');
    assert.equal(host.code, 2);
    assert.match(host.stderr, /--host: cpus must be a whole number of at least 1, not "0"/);
    assert.match(deploylint(workspace, '--host', 'memory=1024', 'x').stderr, /memory must be a size such as 512M or 1G/);
    assert.equal(deploylint(workspace).code, 2);
  });

  it('writes valid SARIF 2.1.0', () => {
    write('gunicorn.conf.py', 'keep_alive = 5\nworkers = 2\nworkers = 3\n');
    const { stdout } = deploylint(workspace, '--format', 'sarif', '.');
    const log = JSON.parse(stdout);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const valid = ajv.validate(schema, log);
    assert.equal(valid, true, JSON.stringify(ajv.errors, null, 2));
    const results = log.runs[0].results;
    assert.deepEqual(
      results.map((r: { ruleId: string }) => r.ruleId),
      ['gunicorn/unknown-setting', 'gunicorn/duplicate-setting'],
    );
    assert.deepEqual(results[0].locations[0].physicalLocation.region, { startLine: 1, startColumn: 1, endLine: 1, endColumn: 11 });
    assert.match(log.runs[0].tool.driver.rules[0].helpUri, /docs\/rules\/gunicorn\/unknown-setting\.md$/);
  });

  it('--fix applies the safe fixes, says what changed, and a second run finds none of them', () => {
    const path = write('gunicorn.conf.py', 'workers = 2\ntimeout = 30\nworkers = 4\nkeep_alive = 5\n');
    const first = deploylint(workspace, '--fix', 'gunicorn.conf.py');
    assert.match(first.stdout, /^fixed gunicorn\.conf\.py: Remove the dead assignment of workers \(gunicorn\/duplicate-setting\)$/m);
    // The rename of keep_alive is not safe: it changes what gunicorn does, so it is left to a person.
    assert.equal(readFileSync(path, 'utf8'), 'timeout = 30\nworkers = 4\nkeep_alive = 5\n');
    const second = deploylint(workspace, '--format', 'json', 'gunicorn.conf.py');
    const rules = JSON.parse(second.stdout).files[0].findings.map((f: { rule: string }) => f.rule);
    assert.deepEqual(rules, ['gunicorn/unknown-setting']);
  });

  it('--fix keeps a byte order mark and CRLF line ends', () => {
    const path = write('gunicorn.conf.py', Buffer.from('\uFEFFworkers = 2\r\nworkers = 4\r\n', 'utf8'));
    deploylint(workspace, '--fix', 'gunicorn.conf.py');
    assert.equal(readFileSync(path, 'utf8'), '\uFEFFworkers = 4\r\n');
  });

  it('--fix changes no file when one of them cannot be written', () => {
    const first = write('a/gunicorn.conf.py', 'workers = 2\nworkers = 4\n');
    const second = write('b/gunicorn.conf.py', 'workers = 2\nworkers = 4\n');
    // A leftover temporary file of the same name blocks the second write.
    writeFileSync(`${second}.deploylint-${process.pid}.tmp`, '');
    const outcome = deploylint(workspace, '--fix', 'a', 'b');
    assert.equal(outcome.code, 2);
    assert.match(outcome.stderr, /cannot write the fixed file .*no file was changed/);
    assert.equal(readFileSync(first, 'utf8'), 'workers = 2\nworkers = 4\n');
    assert.equal(readFileSync(second, 'utf8'), 'workers = 2\nworkers = 4\n');
  });

  it('reports invalid UTF-8 as a finding and checks the rest', () => {
    write('gunicorn.conf.py', Buffer.concat([Buffer.from('workers = 2\n# caf'), Buffer.from([0xe9]), Buffer.from('\nworkers = 3\n')]));
    const report = JSON.parse(deploylint(workspace, '--format', 'json', 'gunicorn.conf.py').stdout);
    const rules = report.files[0].findings.map((f: { rule: string }) => f.rule).sort();
    assert.deepEqual(rules, ['gunicorn/duplicate-setting', 'gunicorn/syntax']);
  });

  it('does not follow a linked folder out of the tree', () => {
    const outside = mkdtempSync(join(tmpdir(), 'deploylint-outside-'));
    try {
      writeFileSync(join(outside, 'gunicorn.conf.py'), 'workers = 0\n');
      mkdirSync(join(workspace, 'app'));
      writeFileSync(join(workspace, 'app', 'gunicorn.conf.py'), 'workers = 2\n');
      symlinkSync(outside, join(workspace, 'app', 'linked'));
      const report = JSON.parse(deploylint(workspace, '--format', 'json', 'app').stdout);
      assert.deepEqual(report.files.map((f: { path: string }) => f.path), ['app/gunicorn.conf.py']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
