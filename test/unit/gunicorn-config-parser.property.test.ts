import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseGunicornConfig } from '../../server/src/core/formats/gunicorn/config-parser';
import type { GunicornConfig } from '../../server/src/core/formats/gunicorn/model';

/**
 * The language server parses a new version of a gunicorn.conf.py reusing the syntax tree
 * of the previous one. Whatever the edit, the result must be what a parse from scratch gives.
 */

/**
 * The PXE seed's config with a long list and a hook after it: lezer reuses only nodes of
 * some size, so the file must have large statements for the reuse to be exercised.
 */
const SEED_CONFIG = [
  readFileSync('examples/nutanix-pxe/gunicorn.conf.py', 'utf8'),
  'raw_env = [',
  ...Array.from({ length: 200 }, (_, index) => `    "VARIABLE_${index}=value${index}",`),
  ']',
  '',
  'def post_fork(server, worker):',
  ...Array.from({ length: 50 }, (_, index) => `    server.log.info("step ${index}: %s", worker.pid)`),
  '',
].join('\n');
/** Pieces that change Python's structure: strings opened and closed, blocks, continuations, comments. */
const PIECES = ['"', "'", '"""', '#', '\n', '    ', ':', '(', ')', '[', ']', '\\\n', 'if x:\n    ', 'def f(a):\n', 'workers = 4\n', 'bind = "0.0.0.0:80"', '= ', 'x', '0o7', '😀'];
const insertion = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((pieces) => pieces.join(''));

/** An edit: a range of the text replaced by new text, as a keystroke or a paste makes it. */
const edit = fc.tuple(fc.nat(), fc.nat({ max: 40 }), insertion);

function apply(text: string, [at, removed, inserted]: [number, number, string]): string {
  const start = at % (text.length + 1);
  return text.slice(0, start) + inserted + text.slice(Math.min(text.length, start + removed));
}

/** The config as plain data (sets become sorted arrays) for a deep comparison. */
function plain(config: GunicornConfig): unknown {
  return JSON.parse(JSON.stringify(config, (_key, value: unknown) => (value instanceof Set ? [...value].sort() : value)));
}

describe('gunicorn.conf.py parsed incrementally', () => {
  it('gives the same config as a fresh parse after any sequence of edits (seeded)', function () {
    this.timeout(60_000);
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
        let text = SEED_CONFIG;
        let config = parseGunicornConfig(text);
        for (const change of edits) {
          text = apply(text, change);
          config = parseGunicornConfig(text, config);
          assert.deepEqual(plain(config), plain(parseGunicornConfig(text)));
        }
      }),
      { seed: 20261122, numRuns: 100 },
    );
  });

  it('reads a setting typed into the middle of the file', () => {
    const before = parseGunicornConfig(SEED_CONFIG);
    const at = SEED_CONFIG.indexOf('\n', SEED_CONFIG.length / 2) + 1;
    const after = parseGunicornConfig(`${SEED_CONFIG.slice(0, at)}limit_request_line = 8190\n${SEED_CONFIG.slice(at)}`, before);
    const binding = after.bindings.find((candidate) => candidate.name === 'limit_request_line');
    assert.deepEqual(binding?.value, { kind: 'number', value: 8190, integer: true });
    assert.equal(binding?.nameSpan.start, at);
  });
});
