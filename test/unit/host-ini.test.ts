import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as iniParse } from 'ini';
import { parseHostIni, type HostSpecProblem } from '../../server/src/core/host/ini-file';

/** The example of the host-spec design, character for character. */
const DESIGN_EXAMPLE = `# .deploylint.ini — the machine these files are deployed to
[host]
cpus = 1
memory = 1G            ; K/M/G are base 1024, as systemd reads them
distro = debian-12     ; a preset: systemd 252, nginx 1.22, gunicorn 20.1, python 3.11
container = false      ; true: cpu_count() sees the host's CPUs, not the container's

[versions]             ; explicit versions win over the distro preset
gunicorn = 23.0

[app]
worker_memory = 120M   ; resident memory of one worker, measured (default 100M)
workload = io          ; io | cpu | mixed (default mixed)

[rules]                ; severity overrides: error | warning | info | off
systemd/runs-as-root = off
`;

const RULE_IDS = new Set(['systemd/runs-as-root', 'systemd/wrong-section', 'gunicorn/invalid-value', 'hostspec/unknown-key']);

/** What a user sees of each problem: the underlined text, the rule, the message. */
function seen(text: string, ids: ReadonlySet<string> = RULE_IDS): string[] {
  return parseHostIni(text, ids).problems.map((problem) => `${text.slice(problem.span.start, problem.span.end)} | ${problem.rule} | ${problem.message}`);
}

function only(text: string, ids: ReadonlySet<string> = RULE_IDS): HostSpecProblem {
  const { problems } = parseHostIni(text, ids);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  return problems[0]!;
}

describe('.deploylint.ini', () => {
  describe('reading', () => {
    it('reads the design example exactly, inline comments and comments after section headers included', () => {
      const { spec, problems } = parseHostIni(DESIGN_EXAMPLE, RULE_IDS);
      assert.deepEqual(problems, []);
      assert.deepEqual(spec, {
        cpus: 1,
        memoryMiB: 1024,
        distro: 'debian-12',
        container: false,
        versions: { gunicorn: '23.0' },
        workerMemoryMiB: 120,
        workload: 'io',
        rules: { 'systemd/runs-as-root': 'off' },
      });
    });

    it('is needed because ini.parse alone misreads that example: a header with a comment becomes a key', () => {
      const parsed = iniParse(DESIGN_EXAMPLE) as Record<string, Record<string, unknown>>;
      assert.equal(parsed.host!['gunicorn'], '23.0');
      assert.equal(parsed.versions, undefined);
    });

    it('reads the example of docs/host.md the same way', () => {
      const page = readFileSync('docs/host.md', 'utf8');
      const start = page.indexOf('```ini\n') + '```ini\n'.length;
      const example = page.slice(start, page.indexOf('```', start));
      const { spec, problems } = parseHostIni(example, RULE_IDS);
      assert.deepEqual(problems, []);
      assert.deepEqual([spec.cpus, spec.memoryMiB, spec.distro, spec.versions.gunicorn, spec.workload], [1, 1024, 'debian-12', '23.0', 'io']);
    });

    it('reads every example project\'s file without a problem', () => {
      for (const project of readdirSync('examples', { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
        const text = readFileSync(`examples/${project.name}/.deploylint.ini`, 'utf8');
        const { spec, problems } = parseHostIni(text, RULE_IDS);
        assert.deepEqual(problems, [], project.name);
        assert.equal(spec.distro, 'debian-12', project.name);
      }
    });

    it('decodes values as the ini package does: quotes removed, an escaped ";" kept, "#" starts a comment', () => {
      const { spec, problems } = parseHostIni('[host]\ndistro = "debian-12"   ; quoted\nmemory = 2G#no space before the comment\n[rules]\ngunicorn/invalid-value = \'warning\'\n', RULE_IDS);
      assert.deepEqual(problems, []);
      assert.deepEqual([spec.distro, spec.memoryMiB, spec.rules], ['debian-12', 2048, { 'gunicorn/invalid-value': 'warning' }]);
      // A value that really contains ";" must escape it; none of ours does, so it is a bad value, underlined as written.
      assert.deepEqual(seen('[versions]\nnginx = 1.22\\;x\n'), ['1.22\\;x | hostspec/invalid-value | nginx must be a version such as 1.22, not "1.22;x"']);
    });

    it('takes CRLF and lone CR line ends, indentation and sizes in every unit', () => {
      const { spec, problems } = parseHostIni('[host]\r\n  cpus = 2\r\n\tmemory = 1.5G\r[app]\rworker_memory = 512K\r\n', RULE_IDS);
      assert.deepEqual(problems, []);
      assert.deepEqual([spec.cpus, spec.memoryMiB, spec.workerMemoryMiB], [2, 1536, 0.5]);
    });

    it('accepts a distro in any case and container as yes/no, on/off, 1/0', () => {
      const { spec } = parseHostIni('[host]\ndistro = Ubuntu-24.04\ncontainer = yes\n');
      assert.deepEqual([spec.distro, spec.container], ['ubuntu-24.04', true]);
    });

    it('leaves out what is invalid, keeping the rest of the file', () => {
      const { spec } = parseHostIni('[host]\ncpus = 0\nmemory = 2G\n[versions]\nnginx = latest\nsystemd = 252\n');
      assert.deepEqual(spec, { memoryMiB: 2048, versions: { systemd: '252' } });
    });

    it('checks [rules] ids only when it is told which exist', () => {
      assert.deepEqual(parseHostIni('[rules]\nmade/up = off\n').problems, []);
      assert.deepEqual(parseHostIni('[rules]\nmade/up = off\n').spec.rules, { 'made/up': 'off' });
    });
  });

  describe('underlines what is wrong', () => {
    it('an unknown section, with the closest one', () => {
      const text = '[Host]\ncpus = 2\n';
      assert.deepEqual(seen(text), ['Host | hostspec/unknown-key | [Host] is no section deploylint reads (it reads [host], [versions], [app] and [rules]): the keys under it are ignored; did you mean [host]?']);
      assert.equal(applyFix(text, only(text).fixes![0]!), '[host]\ncpus = 2\n');
      assert.deepEqual(parseHostIni('[Host]\ncpus = 2\n').spec, { versions: {} });
    });

    it('a section with no name close to a known one, and its keys only once', () => {
      assert.deepEqual(seen('[server]\nlisten = 80\nroot = /srv\n'), [
        'server | hostspec/unknown-key | [server] is no section deploylint reads (it reads [host], [versions], [app] and [rules]): the keys under it are ignored',
      ]);
    });

    it('an unknown key, with the closest one and a fix', () => {
      const problem = only('[host]\ncpu = 2\n');
      assert.equal(problem.message, '"cpu" is not a key of [host] (it has cpus, memory, distro, container); did you mean "cpus"?');
      assert.deepEqual([problem.rule, problem.severity], ['hostspec/unknown-key', 'warning']);
      assert.deepEqual(problem.fixes, [{ title: 'Change to cpus', newText: 'cpus', span: { start: 7, end: 10 } }]);
    });

    it('a key in the wrong section', () => {
      assert.deepEqual(seen('[app]\nmemory = 2G\n'), ['memory | hostspec/unknown-key | memory belongs in [host], not [app]: deploylint ignores it here']);
    });

    it('a key outside any section', () => {
      assert.deepEqual(seen('cpus = 2\n[host]\n'), ['cpus | hostspec/unknown-key | "cpus" is outside any section, so deploylint ignores it; put it under [host]']);
      assert.deepEqual(seen('colour = red\n'), ['colour | hostspec/unknown-key | "colour" is outside any section, so deploylint ignores it; put it under one of [host], [versions], [app] and [rules]']);
    });

    it('cpus that is not a whole number of at least 1', () => {
      assert.deepEqual(seen('[host]\ncpus = 0\n'), ['0 | hostspec/invalid-value | cpus must be a whole number of at least 1, not "0"']);
      assert.deepEqual(seen('[host]\ncpus = 1.5 ; half\n'), ['1.5 | hostspec/invalid-value | cpus must be a whole number of at least 1, not "1.5"']);
      assert.deepEqual(seen('[host]\ncpus = -2\n'), ['-2 | hostspec/invalid-value | cpus must be a whole number of at least 1, not "-2"']);
    });

    it('memory that is not a size, has no unit, or is 0', () => {
      assert.deepEqual(seen('[host]\nmemory = lots\n'), ['lots | hostspec/invalid-value | memory must be a size such as 512M or 1G (K, M, G, T are powers of 1024), not "lots"']);
      assert.deepEqual(seen('[host]\nmemory = 1024\n'), ['1024 | hostspec/invalid-value | memory must be a size such as 512M or 1G: "1024" has no unit (K, M, G, T are powers of 1024)']);
      assert.deepEqual(seen('[host]\nmemory = 0G\n'), ['0G | hostspec/invalid-value | memory must be more than 0, not "0G"']);
      assert.deepEqual(seen(`[host]\nmemory = ${'9'.repeat(400)}G\n`).map((line) => line.split(' | ')[2]!.slice(0, 30)), ['memory must be a size such as ']);
    });

    it('an unknown distro: the ids, and the closest one or the id of a code name', () => {
      assert.deepEqual(seen('[host]\ndistro = debian12\n'), [
        'debian12 | hostspec/invalid-value | "debian12" is no distro deploylint knows (debian-11, debian-12, debian-13, ubuntu-22.04, ubuntu-24.04); did you mean "debian-12"?',
      ]);
      const problem = only('[host]\ndistro = bookworm   ; Debian 12\n');
      assert.match(problem.message, /"bookworm" is no distro deploylint knows .*; did you mean "debian-12"\?$/);
      assert.deepEqual(problem.fixes, [{ title: 'Change to debian-12', newText: 'debian-12', span: { start: 16, end: 24 } }]);
      assert.deepEqual(seen('[host]\ndistro = arch\n'), ['arch | hostspec/invalid-value | "arch" is no distro deploylint knows (debian-11, debian-12, debian-13, ubuntu-22.04, ubuntu-24.04)']);
    });

    it('a version that is no release number', () => {
      assert.deepEqual(seen('[versions]\nnginx = v1.22\ngunicorn = latest\n'), [
        'v1.22 | hostspec/invalid-value | nginx must be a version such as 1.22, not "v1.22"',
        'latest | hostspec/invalid-value | gunicorn must be a version such as 23.0, not "latest"',
      ]);
    });

    it('container that is not a boolean, workload that is not io, cpu or mixed', () => {
      assert.deepEqual(seen('[host]\ncontainer = maybe\n[app]\nworkload = web\n'), [
        'maybe | hostspec/invalid-value | container must be true or false, not "maybe"',
        'web | hostspec/invalid-value | workload must be io, cpu or mixed, not "web"',
      ]);
    });

    it('worker_memory that is not a size, or not below the memory', () => {
      assert.deepEqual(seen('[app]\nworker_memory = 100\n'), ['100 | hostspec/invalid-value | worker_memory must be a size such as 512M or 1G: "100" has no unit (K, M, G, T are powers of 1024)']);
      assert.deepEqual(seen('[host]\nmemory = 1G\n[app]\nworker_memory = 1.5G ; measured\n'), [
        "1.5G | hostspec/invalid-value | worker_memory (1.5G) is not below the machine's memory (1G): not even one worker fits",
      ]);
      assert.deepEqual(seen('[host]\nmemory = 2G\n[app]\nworker_memory = 1G\n'), []);
    });

    it('an unknown rule id in [rules], with the closest one and a fix', () => {
      const problem = only('[rules]\nsystemd/wrong-sektion = off\n');
      assert.equal(problem.message, '"systemd/wrong-sektion" is no deploylint rule, so this line changes nothing; did you mean "systemd/wrong-section"?');
      assert.deepEqual([problem.rule, problem.span], ['hostspec/unknown-key', { start: 8, end: 29 }]);
      assert.deepEqual(problem.fixes?.map((fix) => fix.newText), ['systemd/wrong-section']);
    });

    it('a severity that is none of error, warning, info, off', () => {
      assert.deepEqual(seen('[rules]\ngunicorn/invalid-value = warn\nsystemd/wrong-section = errors\n'), [
        'warn | hostspec/invalid-value | The severity of gunicorn/invalid-value must be error, warning, info or off, not "warn"',
        'errors | hostspec/invalid-value | The severity of systemd/wrong-section must be error, warning, info or off, not "errors"; did you mean "error"?',
      ]);
    });

    it('a key set twice: the earlier line, as a warning, with a safe fix that removes it', () => {
      const text = '[host]\ncpus = 2\nmemory = 1G\ncpus = 4 ; after the upgrade\n';
      const { spec, problems } = parseHostIni(text);
      assert.equal(spec.cpus, 4);
      assert.deepEqual(
        problems.map((problem) => [text.slice(problem.span.start, problem.span.end), problem.rule, problem.severity, problem.message]),
        [['cpus', 'hostspec/invalid-value', 'warning', 'cpus is set again on line 4, and the last one counts: this line changes nothing']],
      );
      const fix = problems[0]!.fixes![0]!;
      assert.deepEqual([fix.title, fix.safe], ['Remove this line', true]);
      const fixed = applyFix(text, fix);
      assert.equal(fixed, '[host]\nmemory = 1G\ncpus = 4 ; after the upgrade\n');
      assert.deepEqual(parseHostIni(fixed).problems, []);
    });

    it('of a key set twice, the last valid value counts', () => {
      const { spec, problems } = parseHostIni('[host]\ncpus = 2\ncpus = zero\n');
      assert.equal(spec.cpus, 2);
      assert.deepEqual(problems.map((problem) => problem.message), ['cpus must be a whole number of at least 1, not "zero"']);
    });

    it('the same section twice is one section', () => {
      assert.deepEqual(parseHostIni('[host]\ncpus = 2\n[app]\nworkload = io\n[host]\nmemory = 1G\n').problems, []);
    });

    it('a key with no value, a line with no key, a header without "]" or with text after it', () => {
      assert.deepEqual(seen('[host]\ncpus =\nmemory ; forgot\n= 4\n[app\nworkload = io\n[rules] extra\n'), [
        'cpus | hostspec/invalid-value | cpus has no value',
        'memory | hostspec/invalid-value | memory has no value',
        '= 4 | hostspec/unknown-key | "= 4" has no key before "="',
        '[app | hostspec/invalid-value | "[app" is missing its closing "]"',
        'extra | hostspec/invalid-value | Only a comment may follow a section header; deploylint ignores "extra"',
      ]);
      // The unclosed header still opens [app]: the workload is read.
      assert.equal(parseHostIni('[app\nworkload = io\n').spec.workload, 'io');
    });

    it('lists problems in the order of the file', () => {
      const text = '[host]\ncpus = 2\ncpus = 0\nmemory = 1G\nmemory = 2G\n[bogus]\n';
      const starts = parseHostIni(text).problems.map((problem) => problem.span.start);
      assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
    });
  });

  describe('on arbitrary text', () => {
    const ALPHABET = ['[', ']', '=', ';', '#', '\\', '"', "'", '\n', '\r', ' ', '\t', 'a', 'h', 'o', 's', 't', 'c', 'p', 'u', '1', '0', 'G', 'M', '.', '-', '/', '\0', '\uFEFF', 'é'];
    const randomText = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 300 });
    const LINES = ['[host]', '[versions]', '[app]', '[rules]', '[', 'cpus = ', 'memory = ', 'distro = ', 'container = ', 'worker_memory = ', 'workload = ', 'nginx = ', 'systemd/wrong-section = ', '; c', '# c', ' = ', ''];
    const iniLike = fc
      .tuple(fc.array(fc.tuple(fc.constantFrom(...LINES), randomText.map((text) => text.slice(0, 20))), { maxLength: 16 }), fc.constantFrom('\n', '\r\n', '\r'))
      .map(([lines, end]) => lines.map(([head, tail]) => head + tail).join(end));
    const SETTINGS = { seed: 20250301, numRuns: 400 };

    function check(text: string): void {
      const { spec, problems } = parseHostIni(text, RULE_IDS);
      assert.ok(typeof spec.versions === 'object');
      for (const problem of problems) {
        assert.ok(inside(problem.span, text), `${problem.message} ${JSON.stringify(problem.span)}`);
        assert.ok(problem.message.length > 0);
        for (const fix of problem.fixes ?? []) assert.ok(inside(fix.span, text));
      }
      if (spec.cpus !== undefined) assert.ok(Number.isSafeInteger(spec.cpus) && spec.cpus >= 1);
      if (spec.memoryMiB !== undefined) assert.ok(Number.isFinite(spec.memoryMiB) && spec.memoryMiB > 0);
    }

    it('never throws, and every span lies inside the text', () => {
      fc.assert(fc.property(randomText, check), SETTINGS);
    });

    it('holds the same on text shaped like the file', () => {
      fc.assert(fc.property(iniLike, check), SETTINGS);
    });

    it('takes names of Object.prototype as the unknown names they are', () => {
      const text = '[constructor]\ncpus = 1\n[__proto__]\nx = 1\n[host]\ntoString = 1\n__proto__ = 2\n[rules]\n__proto__ = off\nconstructor = off\n';
      assert.deepEqual(
        parseHostIni(text, RULE_IDS).problems.map((problem) => `${text.slice(problem.span.start, problem.span.end)} | ${problem.rule}`),
        ['constructor | hostspec/unknown-key', '__proto__ | hostspec/unknown-key', 'toString | hostspec/unknown-key', '__proto__ | hostspec/unknown-key', '__proto__ | hostspec/unknown-key', 'constructor | hostspec/unknown-key'],
      );
      assert.doesNotThrow(() => parseHostIni(text));
      assert.equal(Object.getPrototypeOf(parseHostIni(text).spec.rules), Object.prototype);
    });

    it('copes with a long file', () => {
      const text = '[host]\n' + 'cpus = 2\n'.repeat(20_000);
      const started = Date.now();
      const { problems } = parseHostIni(text);
      assert.equal(problems.length, 19_999);
      assert.ok(Date.now() - started < 2000);
    });
  });
});

function inside(span: { start: number; end: number }, text: string): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= text.length;
}

function applyFix(text: string, fix: { span: { start: number; end: number }; newText: string }): string {
  return text.slice(0, fix.span.start) + fix.newText + text.slice(fix.span.end);
}
