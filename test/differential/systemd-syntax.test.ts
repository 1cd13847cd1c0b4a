import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { splitExecValue, splitUnitWords } from '../../server/src/core/formats/systemd/exec';
import type { UnitEntry, UnitProblemEffect } from '../../server/src/core/formats/systemd/model';
import { parseUnit } from '../../server/src/core/formats/systemd/parser';
import { specifiersInValue, unitSpecifier } from '../../server/src/core/formats/systemd/specifiers';
import { requireOracle } from '../helpers/oracles';
import { systemdLineOf, verifyUnits } from '../helpers/systemd-verify';

/**
 * The format layer against `systemd-analyze verify`: on a corpus of small units with syntax
 * problems, we must report a problem on exactly the lines verify complains about for syntax
 * reasons, no more, no fewer.
 */

const CORPUS = 'test/fixtures/systemd/syntax-corpus';
const SYSTEM_UNITS = '/lib/systemd/system';

/** The keys config_parse_exec() reads. */
const EXEC_KEYS = new Set(['ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost', 'ExecCondition']);
/** Keys of the corpus that resolve specifiers, and what an unknown one does there (from verify 252). */
const SPECIFIER_EFFECT: Readonly<Record<string, UnitProblemEffect>> = { Description: 'ignored', Environment: 'ignored', WorkingDirectory: 'unit-fails' };

interface Finding {
  line: number;
  readonly effect: UnitProblemEffect;
}

/**
 * The lines we report on, as systemd numbers them. Problems inside an assignment count on
 * its last line, where systemd reports a continued line. Nothing after the first fatal
 * problem counts: systemd stops reading the file there.
 */
function ourLines(text: string): number[] {
  const unit = parseUnit(text);
  const findings: Finding[] = unit.problems.map((problem) => ({ line: systemdLineOf(text, problem.span.end - 1), effect: problem.effect }));
  const lastLine = (entry: UnitEntry) => systemdLineOf(text, Math.max(entry.span.start, entry.span.end - 1));
  for (const orphan of unit.orphans) findings.push({ line: lastLine(orphan), effect: 'ignored' });
  for (const section of unit.sections) {
    if (section.name.startsWith('X-')) continue;
    for (const entry of section.entries) {
      const line = lastLine(entry);
      if (EXEC_KEYS.has(entry.key) && entry.value !== '') {
        const { commands, problems } = splitExecValue(entry);
        for (const problem of problems) findings.push({ line, effect: problem.effect });
        for (const unknown of specifiersInValue(entry).unknown) {
          const command = commands.find((candidate) => candidate.span.start <= unknown.span.start && unknown.span.end <= candidate.span.end);
          findings.push({ line, effect: command?.prefixes.includes('-') ? 'ignored' : 'unit-fails' });
        }
      }
      if (entry.key === 'Environment') {
        for (const problem of splitUnitWords(entry).problems) findings.push({ line, effect: problem.effect });
      }
      const specifierEffect = SPECIFIER_EFFECT[entry.key];
      if (specifierEffect && specifiersInValue(entry).unknown.length > 0) findings.push({ line, effect: specifierEffect });
    }
  }
  // A file that ends inside a continuation: systemd parses it after the last line, and numbers it one past.
  const content = text.replace(/[\r\n\0]+$/, '');
  if (/(^|[^\\])(\\\\)*\\$/.test(content)) {
    const last = systemdLineOf(text, content.length - 1);
    for (const finding of findings) if (finding.line === last) finding.line = last + 1;
  }
  const fatal = findings.filter((finding) => finding.effect === 'file-refused' || finding.effect === 'unit-fails').map((finding) => finding.line);
  const stop = fatal.length > 0 ? Math.min(...fatal) : Infinity;
  return [...new Set(findings.map((finding) => finding.line).filter((line) => line <= stop))].sort((a, b) => a - b);
}

/** Each corpus file as written, with CRLF line breaks, and behind a byte order mark. */
function corpusVariants(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(CORPUS).filter((file) => file.endsWith('.service')).sort()) {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    files.set(name, text);
    files.set(`crlf-${name}`, text.replace(/\n/g, '\r\n'));
    files.set(`bom-${name}`, `\uFEFF${text}`);
  }
  return files;
}

describe('systemd syntax: the format layer agrees with systemd-analyze verify', function () {
  this.timeout(180_000);

  it('reports problems on exactly the lines verify complains about, on the corpus and its CRLF and BOM variants', function () {
    if (!requireOracle(this, 'systemd-analyze')) return;
    const files = corpusVariants();
    // Files a text editor would not keep: NUL as a line break, breaks in odd orders.
    files.set('nul-breaks.service', '[Service]\nExecStart=/bin/true\0NoEquals\r\n\0User=root\n\rAlso no equals\n');
    files.set('lone-cr.service', '[Service]\rExecStart=/bin/true\rNoEquals\r\r=x\r');
    files.set('continued-at-end.service', '[Service]\nExecStart=/bin/true\nNoEquals \\');
    assert.ok(files.size > 30, 'the corpus was read');
    const verdicts = verifyUnits(files);
    const disagreements: string[] = [];
    for (const [name, text] of files) {
      const oracle = verdicts.get(name)!;
      const ours = ourLines(text);
      if (JSON.stringify(ours) !== JSON.stringify(oracle.lines)) {
        disagreements.push(`${name}: verify [${oracle.lines.join(', ')}], we [${ours.join(', ')}]\n    ${oracle.messages.join('\n    ')}`);
      }
      if (!name.includes('valid-') && oracle.lines.length === 0) disagreements.push(`${name}: verify finds nothing: the corpus file tests nothing`);
      if (name.startsWith('valid-') && oracle.lines.length > 0) disagreements.push(`${name}: verify complains: ${oracle.messages.join('; ')}`);
    }
    assert.deepEqual(disagreements, []);
  });

  it('refuses overlong lines where verify refuses the file', function () {
    if (!requireOracle(this, 'systemd-analyze')) return;
    const half = 'x'.repeat(512 * 1024);
    const files = new Map<string, string>([
      ['two-megabyte-line.service', `[Service]\nExecStart=/bin/true\nX-Long=${'y'.repeat(2 * 1024 * 1024)}\n`],
      ['just-too-long.service', `[Service]\nExecStart=/bin/true\nX-A=${'y'.repeat(1024 * 1024 - 4)}\n`],
      ['just-fits.service', `[Service]\nExecStart=/bin/true\nX-A=${'y'.repeat(1024 * 1024 - 5)}\n`],
      ['long-comment.service', `[Service]\nExecStart=/bin/true\n# ${'y'.repeat(1024 * 1024)}\n`],
      ['continuation-too-long.service', `[Service]\nExecStart=/bin/true\nX-A=${half.slice(4)}\\\n${half}x\n`],
      ['continuation-fits.service', `[Service]\nExecStart=/bin/true\nX-A=${half.slice(4)}\\\n# ${half}\n${half.slice(1)}\n`],
      ['multibyte-too-long.service', `[Service]\nExecStart=/bin/true\nX-A=${'é'.repeat(512 * 1024)}\n`],
    ]);
    const verdicts = verifyUnits(files);
    assert.deepEqual([...verdicts].filter(([, verdict]) => verdict.tooLong).map(([name]) => name).sort(), [
      'continuation-too-long.service',
      'just-too-long.service',
      'long-comment.service',
      'multibyte-too-long.service',
      'two-megabyte-line.service',
    ]);
    const disagreements: string[] = [];
    for (const [name, text] of files) {
      const ours = parseUnit(text).problems.some((problem) => problem.effect === 'file-refused');
      if (ours !== verdicts.get(name)!.tooLong) disagreements.push(`${name}: verify refuses: ${verdicts.get(name)!.tooLong}, we refuse: ${ours}`);
    }
    assert.deepEqual(disagreements, []);
  });

  it('knows exactly the specifier letters and digits verify accepts', function () {
    if (!requireOracle(this, 'systemd-analyze')) return;
    const characters = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
    // Description= warns about an unknown specifier and reads on, so one unit tests them all.
    const text = `[Unit]\n${characters.map((character) => `Description=x%${character}y`).join('\n')}\n[Service]\nExecStart=/bin/true\n`;
    const verdict = verifyUnits(new Map([['letters.service', text]])).get('letters.service')!;
    const refusedByVerify = verdict.lines.map((line) => characters[line - 2]).join('');
    const refusedByUs = characters.filter((character) => !unitSpecifier(character, '252')).join('');
    assert.equal(refusedByUs, refusedByVerify);
  });

  it(`finds no syntax problem in any file of ${SYSTEM_UNITS}, and neither does verify`, function () {
    if (!existsSync(SYSTEM_UNITS)) {
      if (process.env.DEPLOYLINT_REQUIRE_ORACLES === '1') throw new Error(`${SYSTEM_UNITS} is required (DEPLOYLINT_REQUIRE_ORACLES=1) but is missing`);
      console.log(`      (skipped: ${SYSTEM_UNITS} does not exist)`);
      this.skip();
    }
    const files = unitFilesBelow(SYSTEM_UNITS);
    assert.ok(files.length > 100, 'the units were read');
    const complaints: string[] = [];
    const toVerify = new Map<string, string>();
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const unit = parseUnit(text);
      for (const problem of unit.problems) complaints.push(`${path}:${systemdLineOf(text, problem.span.start)} ${problem.message}`);
      for (const orphan of unit.orphans) complaints.push(`${path}:${systemdLineOf(text, orphan.span.start)} assignment outside of any section`);
      for (const entry of unit.sections.flatMap((section) => section.entries)) {
        if (!EXEC_KEYS.has(entry.key) || entry.value === '') continue;
        for (const problem of splitExecValue(entry).problems) complaints.push(`${path}:${systemdLineOf(text, problem.span.start)} ${problem.message}`);
      }
      const name = path.slice(path.lastIndexOf('/') + 1);
      // verify cannot load a template or a drop-in by itself, and an alias would load its unit twice.
      if (!name.includes('@') && !path.includes('.d/') && !lstatSync(path).isSymbolicLink() && !toVerify.has(name)) toVerify.set(name, text);
    }
    assert.deepEqual(complaints, []);
    if (!requireOracle(this, 'systemd-analyze')) return;
    // A unit with a known problem shows that verify read the batch at all.
    toVerify.set('deploylint-control.service', '[Service]\nExecStart=/bin/true\nNoEquals\n');
    const verdicts = verifyUnits(toVerify);
    assert.deepEqual(verdicts.get('deploylint-control.service')!.lines, [3], 'verify read the units');
    verdicts.delete('deploylint-control.service');
    const confirmed = [...verdicts].filter(([, verdict]) => verdict.lines.length > 0 || verdict.tooLong).map(([name, verdict]) => `${name}: ${verdict.messages.join('; ')}`);
    assert.deepEqual(confirmed, []);
  });
});

/** Regular files below a folder, following links to files but skipping masks (links to /dev/null). */
function unitFilesBelow(folder: string): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  const visit = (directory: string) => {
    const real = realpathSync(directory);
    if (visited.has(real)) return;
    visited.add(real);
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        continue;
      }
      if (real === '/dev/null') continue;
      const stat = statSync(real);
      if (stat.isDirectory()) visit(path);
      else if (stat.isFile()) found.push(path);
    }
  };
  visit(folder);
  return found;
}
