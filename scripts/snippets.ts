/**
 * `npm run snippets`: writes snippets/*.json from the templates in
 * server/src/core/features/templates.ts, so the static snippets cannot drift from the
 * completions. test/unit/snippets.test.ts fails when they have.
 */
import { writeFileSync } from 'node:fs';
import { snippetFiles } from '../server/src/core/features/snippet-files';

for (const [path, text] of Object.entries(snippetFiles())) writeFileSync(path, text);
