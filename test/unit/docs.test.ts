import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { ALL_RULES } from '../../server/src/core/rules';

describe('documentation', () => {
  it('has a page for every rule, titled with its id', () => {
    for (const rule of ALL_RULES) {
      const page = `docs/rules/${rule.id}.md`;
      assert.ok(existsSync(page), `${page} is missing`);
      assert.equal(readFileSync(page, 'utf8').split('\n')[0], `# ${rule.id}`);
    }
  });

  it('lists every rule in the README table, with its default severity', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const rule of ALL_RULES) {
      assert.ok(readme.includes(`| [\`${rule.id}\`](docs/rules/${rule.id}.md) | ${rule.severity} |`), `${rule.id} is not in the README table`);
    }
  });

  it('gives every rule a unique id of the form format/name', () => {
    const ids = ALL_RULES.map((rule) => rule.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^(gunicorn|systemd|nginx|stack|hostspec)\/[a-z0-9-]+$/);
  });
});
