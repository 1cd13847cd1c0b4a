/**
 * `npm run docs:rules`: rewrites the rule table in README.md from the rules themselves
 * (id, default severity, summary), so the README cannot drift from the code.
 * test/unit/docs.test.ts fails when it has.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_RULES } from '../server/src/core/rules';

const HEADER = '| rule | default | what it finds |\n|---|---|---|\n';
const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(HEADER);
const end = readme.indexOf('\n\n', start);
if (start < 0 || end < 0) throw new Error('README.md has no rule table to replace');
const rows = ALL_RULES.map((rule) => `| [\`${rule.id}\`](docs/rules/${rule.id}.md) | ${rule.severity} | ${rule.summary} |`).join('\n');
writeFileSync('README.md', `${readme.slice(0, start)}${HEADER}${rows}${readme.slice(end)}`);
