import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../server/src/core/engine/document';
import { checkDocument, checkDocumentByRule, type LintOptions } from '../../server/src/core/engine/lint';
import { Workspace } from '../../server/src/core/engine/workspace';
import { MemoryFiles } from '../../server/src/core/model/file-access';
import { linter, lintFiles } from '../helpers/lint';

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

describe('deploylint/too-many-findings', () => {
  const findingsFor = (options: number) =>
    lintFiles('/srv/app/Procfile', `web: gunicorn ${'-w 2 '.repeat(options)}app:app\n`, { kind: 'gunicorn' }).find((report) => report.path === '/srv/app/Procfile')!.findings;

  it('keeps all 5,000 findings of one rule, and says nothing more', () => {
    const findings = findingsFor(5_001);
    assert.equal(findings.filter((finding) => finding.rule === 'gunicorn/duplicate-setting').length, 5_000);
    assert.deepEqual(findings.filter((finding) => finding.rule === 'deploylint/too-many-findings'), []);
  });

  it('from the 5,001st, keeps 5,000 and counts the rest on the first line', () => {
    const findings = findingsFor(5_003);
    assert.equal(findings.filter((finding) => finding.rule === 'gunicorn/duplicate-setting').length, 5_000);
    assert.deepEqual(
      findings.filter((finding) => finding.rule === 'deploylint/too-many-findings').map((finding) => [finding.range.start.line, finding.severity, finding.message]),
      [[0, 'warning', 'gunicorn/duplicate-setting reported more than 5000 findings in this file: the first 5000 are kept, 2 more were left out']],
    );
  });
});
