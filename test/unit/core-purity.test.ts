import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Modules the core may not import: it takes text and returns data, nothing else. */
const FORBIDDEN = [/^node:/, /^(fs|path|child_process|net|http|https|os|process|worker_threads)$/, /^vscode/];

function sourcesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the core', () => {
  it('imports no file system, process, network or LSP module', () => {
    const offenders: string[] = [];
    for (const file of sourcesUnder('server/src/core')) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
        if (FORBIDDEN.some((pattern) => pattern.test(match[1]!))) offenders.push(`${file}: ${match[1]}`);
      }
      if (/\brequire\(/.test(text) || /\bprocess\.(env|argv|cwd|exit|stdout|stderr|platform)\b/.test(text)) offenders.push(`${file}: require() or process`);
    }
    assert.deepEqual(offenders, []);
  });
});
