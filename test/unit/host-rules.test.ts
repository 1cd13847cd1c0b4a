import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lintDocuments, type FileReport } from '../../server/src/core/engine/lint';
import { parseDocument } from '../../server/src/core/engine/document';
import type { RuleContext, FindingDraft } from '../../server/src/core/engine/rule';
import { resolveHost } from '../../server/src/core/host/resolve';
import { loadKnowledge } from '../../server/src/core/knowledge/tables';
import { MemoryFiles } from '../../server/src/core/model/file-access';
import type { FileKind, Finding } from '../../server/src/core/model/finding';
import { hostspecRules } from '../../server/src/core/rules/hostspec';
import { applyEdits } from '../../server/src/core/text/edits';
import { underlinedRange } from '../helpers/text';

const knowledge = loadKnowledge();
const NEWEST = { gunicorn: '26.1.0', systemd: '258', nginx: '1.28.0', python: '3.13' };
const KNOWN = new Set(['systemd/wrong-section', 'gunicorn/invalid-value', 'hostspec/unknown-key', 'hostspec/invalid-value']);

/** Lints one file with the hostspec rules only, through the engine. */
function check(path: string, kind: FileKind, text: string, host = resolveHost([], NEWEST), known: () => ReadonlySet<string> = () => KNOWN): FileReport {
  return lintDocuments([{ path, kind, text }], { knowledge, files: new MemoryFiles([]), hostFor: () => host, rules: hostspecRules(known) })[0]!;
}

function seen(findings: readonly Finding[], text: string): string[] {
  return findings.map((finding) => `${underlinedRange(text, finding.range)} | ${finding.rule} | ${finding.severity} | ${finding.message}`);
}

describe('hostspec rules', () => {
  it('are two, with the ids, severities and docs pages the registry expects', () => {
    const rules = hostspecRules(() => KNOWN);
    assert.deepEqual(rules.map((rule) => [rule.id, rule.severity]), [['hostspec/unknown-key', 'warning'], ['hostspec/invalid-value', 'error']]);
    for (const rule of rules) {
      assert.equal(readFileSync(`docs/rules/${rule.id}.md`, 'utf8').split('\n')[0], `# ${rule.id}`);
      assert.ok(rule.summary.length > 0 && rule.document);
    }
  });

  it('report the problems of a .deploylint.ini where they are, each under its rule', () => {
    const text = '[host]\ncpu = 2\ncpus = 0\nmemory = 1G\nmemory = 2G\n[rules]\nsystemd/wrong-sektion = off\n';
    assert.deepEqual(seen(check('/srv/app/.deploylint.ini', 'hostspec', text).findings, text), [
      'cpu | hostspec/unknown-key | warning | "cpu" is not a key of [host] (it has cpus, memory, distro, container); did you mean "cpus"?',
      '0 | hostspec/invalid-value | error | cpus must be a whole number of at least 1, not "0"',
      'memory | hostspec/invalid-value | warning | memory is set again on line 5, and the last one counts: this line changes nothing',
      'systemd/wrong-sektion | hostspec/unknown-key | warning | "systemd/wrong-sektion" is no deploylint rule, so this line changes nothing; did you mean "systemd/wrong-section"?',
    ]);
  });

  it('offer renames as unsafe fixes and the removal of a dead line as a safe one', () => {
    const text = '[host]\ncpu = 2\nmemory = 1G\nmemory = 2G\n';
    const findings = check('/srv/app/.deploylint.ini', 'hostspec', text).findings;
    const fixes = findings.flatMap((finding) => finding.fixes.map((fix) => ({ fix, finding })));
    assert.deepEqual(fixes.map(({ fix }) => [fix.title, fix.safe, fix.preferred ?? false]), [['Change to cpus', false, true], ['Remove this line', true, true]]);
    const fixed = applyEdits(text, fixes.flatMap(({ fix }) => fix.edits));
    assert.equal(fixed, '[host]\ncpus = 2\nmemory = 2G\n');
    assert.deepEqual(check('/srv/app/.deploylint.ini', 'hostspec', fixed!).findings, []);
    for (const { fix } of fixes) for (const edit of fix.edits) assert.equal(edit.path, '/srv/app/.deploylint.ini');
  });

  it('report a bad host comment in a unit, a gunicorn.conf.py and an nginx file', () => {
    const cases: [string, FileKind, string, string][] = [
      ['/srv/app/app.service', 'systemd', '[Service]\n# deploylint: host cpus=two\nExecStart=/usr/bin/true\n', 'two'],
      ['/srv/app/gunicorn.conf.py', 'gunicorn', 'workers = 2  # deploylint: host cpus=two\n', 'two'],
      ['/srv/app/site.conf', 'nginx', 'server {\n    # deploylint: host cpus=two\n    listen 80;\n}\n', 'two'],
    ];
    for (const [path, kind, text, underlined] of cases) {
      assert.deepEqual(seen(check(path, kind, text).findings, text), [`${underlined} | hostspec/invalid-value | error | cpus must be a whole number of at least 1, not "two"`], path);
    }
  });

  it('ask for the known rule ids only when a .deploylint.ini is checked', () => {
    let asked = 0;
    const known = () => {
      asked++;
      return KNOWN;
    };
    check('/srv/app/app.service', 'systemd', '[Service]\n# deploylint: host cpus=2\n', undefined, known);
    assert.equal(asked, 0);
    check('/srv/app/.deploylint.ini', 'hostspec', '[rules]\nsystemd/wrong-section = off\n', undefined, known);
    assert.equal(asked, 1);
  });

  it('follow the severity the user chose in [rules], and can be turned off there', () => {
    const text = '[host]\ncpus = 0\n[rules]\nhostspec/invalid-value = warning\n';
    const host = resolveHost([{ spec: { versions: {}, rules: { 'hostspec/invalid-value': 'warning' } }, origin: '/srv/app/.deploylint.ini' }], NEWEST);
    assert.deepEqual(check('/srv/app/.deploylint.ini', 'hostspec', text, host).findings.map((finding) => finding.severity), ['warning']);
    const off = resolveHost([{ spec: { versions: {}, rules: { 'hostspec/invalid-value': 'off' } }, origin: '/srv/app/.deploylint.ini' }], NEWEST);
    assert.deepEqual(check('/srv/app/.deploylint.ini', 'hostspec', text, off).findings, []);
  });

  it('find nothing in a clean file, or in a file with no host comment', () => {
    assert.deepEqual(check('/srv/app/.deploylint.ini', 'hostspec', readFileSync('examples/lernmanager/.deploylint.ini', 'utf8')).findings, []);
    assert.deepEqual(check('/srv/app/gunicorn.conf.py', 'gunicorn', '# workers for 1 CPU\nworkers = 3\n').findings, []);
  });

  it('can be called directly with a hand-made context', () => {
    const document = parseDocument({ path: '/srv/.deploylint.ini', kind: 'hostspec', text: '[host]\nmemory = 1024\n' }, knowledge);
    const drafts: FindingDraft[] = [];
    const host = resolveHost([], NEWEST);
    const context = { document, knowledge, host, targets: host.targets, report: (draft: FindingDraft) => drafts.push(draft) } as unknown as RuleContext;
    for (const rule of hostspecRules(() => KNOWN)) rule.document!(document, context);
    assert.deepEqual(drafts.map((draft) => [draft.span, draft.message, draft.severity]), [
      [{ start: 16, end: 20 }, 'memory must be a size such as 512M or 1G: "1024" has no unit (K, M, G, T are powers of 1024)', 'error'],
    ]);
  });
});
