import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../server/src/core/engine/document';
import { checkDocument, checkDocumentByRule, type LintOptions } from '../../server/src/core/engine/lint';
import { Workspace } from '../../server/src/core/engine/workspace';
import { MemoryFiles } from '../../server/src/core/model/file-access';
import { linter } from '../helpers/lint';

describe('checking a document one rule at a time (what the language server does)', () => {
  const path = '/srv/trunk8/nginx/sites-available/trunk8';
  const text = readFileSync('examples/trunk8/nginx/sites-available/trunk8', 'utf8');
  const files = new MemoryFiles([[path, text]]);
  const document = parseDocument({ path, text, kind: 'nginx' }, linter.knowledge);
  const options = (severityFor?: LintOptions['severityFor']): LintOptions => ({
    knowledge: linter.knowledge,
    files,
    hostFor: (parsed, workspace) => linter.hostFor(parsed, workspace, { versions: {} }),
    rules: linter.rules,
    ...(severityFor ? { severityFor } : {}),
  });

  it('pauses once after each rule it runs, and ends with the findings of a check in one go', () => {
    const steps = checkDocumentByRule(document, new Workspace([document], files, linter.knowledge), options());
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    assert.equal(pauses, linter.rules.length);
    const whole = checkDocument(document, new Workspace([document], files, linter.knowledge), options());
    assert.ok(whole.length > 0);
    assert.deepEqual(step.value, whole);
  });

  it('does not pause for a rule the user turned off', () => {
    const steps = checkDocumentByRule(document, new Workspace([document], files, linter.knowledge), options((rule) => (rule.startsWith('nginx/') ? 'off' : undefined)));
    let pauses = 0;
    for (let step = steps.next(); !step.done; step = steps.next()) pauses++;
    assert.equal(pauses, linter.rules.filter((rule) => !rule.id.startsWith('nginx/')).length);
  });
});
