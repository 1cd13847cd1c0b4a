import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Asserts that real gunicorn accepts a config file's text: `python3 -m py_compile`, then
 * `gunicorn --check-config` against a three-line WSGI app, in a folder of its own. The
 * caller checks with requireOracle first that gunicorn is installed.
 */
export function assertGunicornLoads(configText: string): void {
  const folder = mkdtempSync(join(tmpdir(), 'deploylint-gunicorn-'));
  try {
    const configPath = join(folder, 'gunicorn.conf.py');
    writeFileSync(configPath, configText);
    writeFileSync(join(folder, 'app.py'), 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"ok"]\n');
    const compiled = spawnSync('python3', ['-m', 'py_compile', configPath], { encoding: 'utf8' });
    assert.equal(compiled.status, 0, compiled.stderr);
    const checked = spawnSync('gunicorn', ['--check-config', '-c', configPath, 'app:app'], { cwd: folder, encoding: 'utf8' });
    assert.equal(checked.status, 0, `${configText}\n${checked.stdout}${checked.stderr}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
