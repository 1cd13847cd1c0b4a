import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { UnitEntry, UnitFile } from '../../server/src/core/formats/systemd/model';
import { LONG_LINE_MAX, parseUnit, valueOffsetToSource, valueToSource } from '../../server/src/core/formats/systemd/parser';
import { underlined } from '../helpers/text';

const SEED_UNITS = [
  'examples/nutanix-pxe/nutanix-pxe.service',
  'examples/trunk8/trunk8.service',
  'examples/lernmanager/lernmanager.service',
  'examples/netmonitor/netmonitor-dashboard.service',
  'examples/netflow-dashboard/netflow-dashboard.service',
];

const fixture = (name: string) => readFileSync(`test/fixtures/systemd/${name}`, 'utf8');
const entriesOf = (unit: UnitFile): UnitEntry[] => unit.sections.flatMap((section) => section.entries);
const entries = (text: string): UnitEntry[] => entriesOf(parseUnit(text));
const entry = (text: string, key: string): UnitEntry => {
  const found = entries(text).find((candidate) => candidate.key === key);
  assert.ok(found, `no ${key}= in the text`);
  return found;
};
/** The problems as a user sees them: underlined text, message, what systemd does. */
const problems = (text: string) => parseUnit(text).problems.map((problem) => [underlined(text, problem.span), problem.message, problem.effect]);
/** The source text under a range of an entry's value. */
const underValue = (text: string, found: UnitEntry, needle: string) => {
  const at = found.value.indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is not in the value`);
  return underlined(text, valueToSource(found, at, at + needle.length));
};

describe('parseUnit', () => {
  describe('the seed units', () => {
    for (const path of SEED_UNITS) {
      it(`reads ${path} without a problem, every span on its text`, () => {
        const text = readFileSync(path, 'utf8');
        const unit = parseUnit(text);
        assert.deepEqual(unit.problems, []);
        assert.deepEqual(unit.orphans, []);
        assert.deepEqual(unit.sections.map((section) => underlined(text, section.headerSpan)), unit.sections.map((section) => `[${section.name}]`));
        for (const found of entriesOf(unit)) {
          assert.equal(underlined(text, found.keySpan), found.key);
          // No comments inside the seeds' continuations: the value is the text with each backslash break a space.
          assert.equal(underlined(text, found.valueSpan).replace(/\\\n/g, ' '), found.value);
        }
        assert.ok(unit.comments.every((comment) => underlined(text, comment.span).startsWith('#')));
      });
    }

    it('joins the multi-line gunicorn ExecStart of trunk8 and maps each word back to its line', () => {
      const text = readFileSync('examples/trunk8/trunk8.service', 'utf8');
      const unit = parseUnit(text);
      assert.deepEqual(unit.sections.map((section) => section.name), ['Unit', 'Service', 'Install']);
      const execStart = entry(text, 'ExecStart');
      assert.ok(execStart.value.startsWith('/opt/trunk8/.venv/bin/gunicorn      --workers 9      --worker-class sync'));
      assert.ok(execStart.value.endsWith('--log-level info      run:app'));
      assert.equal(underlined(text, execStart.keySpan), 'ExecStart');
      assert.ok(underlined(text, execStart.valueSpan).startsWith('/opt/trunk8/.venv/bin/gunicorn \\\n    --workers 9'));
      assert.ok(underlined(text, execStart.valueSpan).endsWith('run:app'));
      assert.ok(underlined(text, execStart.span).startsWith('ExecStart=/opt'));
      for (const word of ['--workers 9', 'unix:/opt/trunk8/trunk8.sock', '/var/log/trunk8/error.log', 'run:app']) {
        assert.equal(underValue(text, execStart, word), word);
      }
      assert.equal(entries(text).filter((found) => found.key === 'Environment').length, 3);
    });
  });

  describe('spans', () => {
    it('underlines keys, values, headers and comments exactly', () => {
      const text = '# top\n[Service]\n  Restart = on-failure  \n; semi\nExecStartPre=\n';
      const unit = parseUnit(text);
      const section = unit.sections[0]!;
      const [restart, reset] = section.entries;
      assert.equal(underlined(text, section.headerSpan), '[Service]');
      assert.equal(underlined(text, section.nameSpan), 'Service');
      assert.equal(underlined(text, restart!.keySpan), 'Restart');
      assert.equal(underlined(text, restart!.valueSpan), 'on-failure');
      assert.equal(underlined(text, restart!.span), 'Restart = on-failure');
      assert.deepEqual(unit.comments.map((comment) => [underlined(text, comment.span), comment.text]), [
        ['# top', ' top'],
        ['; semi', ' semi'],
      ]);
      assert.equal(reset!.value, '');
      assert.equal(underlined(text, reset!.span), 'ExecStartPre=');
    });

    it('puts the span of an empty value, a reset, just after the "="', () => {
      const text = fixture('resets-and-repeats.service');
      const reset = entries(text).filter((found) => found.key === 'ExecStartPre')[1]!;
      assert.equal(reset.value, '');
      assert.deepEqual(reset.pieces, []);
      assert.equal(reset.valueSpan.start, reset.valueSpan.end);
      assert.equal(text.slice(reset.valueSpan.start - 'ExecStartPre='.length, reset.valueSpan.start), 'ExecStartPre=');
      assert.deepEqual(valueToSource(reset, 0, 0), reset.valueSpan);
      // Blanks after the "=" are not part of an empty value either.
      const spaced = '[Service]\nUser=   \n';
      assert.equal(entry(spaced, 'User').valueSpan.start, spaced.indexOf('=') + 1);
    });
  });

  describe('continuation lines', () => {
    it('joins them, drops comment lines inside them, and keeps a map to every piece', () => {
      const text = fixture('continuation-comments.service');
      const unit = parseUnit(text);
      assert.deepEqual(unit.problems, []);
      const execStart = entry(text, 'ExecStart');
      assert.equal(
        execStart.value,
        `/srv/app/venv/bin/gunicorn      --workers 3      --bind "127.0.0.1:8000"  \t--name 'my app'      wsgi:application`,
      );
      assert.equal(underValue(text, execStart, '--bind "127.0.0.1:8000"'), '--bind "127.0.0.1:8000"');
      assert.equal(underValue(text, execStart, `'my app'`), `'my app'`);
      assert.equal(underValue(text, execStart, 'wsgi:application'), 'wsgi:application');
      assert.deepEqual(
        unit.comments.map((comment) => underlined(text, comment.span)).slice(2),
        ['# a comment inside the continuation', '; a semicolon comment too'],
      );
      assert.equal(entry(text, 'Restart').value, 'on-failure', 'the line after the continuation is its own');
      assert.ok(underlined(text, execStart.span).endsWith('wsgi:application'));
    });

    it('maps the space that stands for a backslash to the backslash', () => {
      const text = '[Service]\nExecStart=/bin/echo a\\\nb\n';
      const execStart = entry(text, 'ExecStart');
      assert.equal(execStart.value, '/bin/echo a b');
      assert.equal(text[valueOffsetToSource(execStart, execStart.value.indexOf(' b'))], '\\');
      assert.equal(underValue(text, execStart, 'a b'), 'a\\\nb');
      assert.equal(valueOffsetToSource(execStart, execStart.value.length), text.lastIndexOf('b') + 1);
    });

    it('continues only on a last character that is an unescaped backslash', () => {
      assert.deepEqual(entries('[Service]\nA=x \\ \nB=y\n').map((found) => [found.key, found.value]), [
        ['A', 'x \\'],
        ['B', 'y'],
      ]);
      assert.deepEqual(entries('[Service]\nA=x\\\\\nB=y\n').map((found) => [found.key, found.value]), [
        ['A', 'x\\\\'],
        ['B', 'y'],
      ]);
      assert.deepEqual(entries('[Service]\nA=x\\\\\\\nB=y\n').map((found) => [found.key, found.value]), [['A', 'x\\\\ B=y']]);
    });

    it('ends at an empty line, and at the end of the file', () => {
      assert.deepEqual(entries('[Service]\nA=x \\\n\nB=y\n').map((found) => [found.key, found.value]), [
        ['A', 'x'],
        ['B', 'y'],
      ]);
      assert.deepEqual(entries('[Service]\nA=x \\').map((found) => [found.key, found.value]), [['A', 'x']]);
      // A lone backslash line continues, with nothing but the space.
      assert.deepEqual(entries('[Service]\nA=x\n\\\nB=y\n').map((found) => [found.key, found.value]), [
        ['A', 'x'],
        ['B', 'y'],
      ]);
    });

    it('reads a section header over a continuation, as systemd does', () => {
      const text = '[Serv\\\nice]\nA=1\n';
      const [section] = parseUnit(text).sections;
      assert.equal(section!.name, 'Serv ice');
      assert.equal(underlined(text, section!.nameSpan), 'Serv\\\nice');
    });
  });

  describe('line breaks, byte order marks, NUL', () => {
    it('reads CRLF files exactly as LF files, spans and all', () => {
      const lf = fixture('continuation-comments.service');
      const crlf = lf.replace(/\n/g, '\r\n');
      const lfUnit = parseUnit(lf);
      const crlfUnit = parseUnit(crlf);
      assert.deepEqual(crlfUnit.problems, []);
      assert.deepEqual(entriesOf(crlfUnit).map((found) => [found.key, found.value]), entriesOf(lfUnit).map((found) => [found.key, found.value]));
      const execStart = entry(crlf, 'ExecStart');
      assert.equal(underValue(crlf, execStart, 'wsgi:application'), 'wsgi:application');
      assert.equal(underValue(crlf, execStart, '--workers 3'), '--workers 3');
      for (const found of entriesOf(crlfUnit)) assert.ok(!underlined(crlf, found.valueSpan).endsWith('\r'));
    });

    it('takes a lone CR as a break, and "\\n\\r" as one break, as read_line() does', () => {
      assert.deepEqual(entries('[Service]\rA=1\rB=2').map((found) => found.key), ['A', 'B']);
      // "\n\r" is one break, so "\n\r\n" is two: the empty line between ends the continuation.
      assert.deepEqual(entries('[Service]\nA=x \\\n\r\nB=y\n').map((found) => [found.key, found.value]), [
        ['A', 'x'],
        ['B', 'y'],
      ]);
      assert.deepEqual(entries('[Service]\nA=x \\\n\rB=y\n').map((found) => [found.key, found.value]), [['A', 'x  B=y']]);
    });

    it('ends a line at NUL, with "\\r\\n\\0" one break', () => {
      const text = '[Service]\nExecStart=/bin/true\0NoEquals\r\n\0User=app\n';
      assert.deepEqual(entries(text).map((found) => [found.key, found.value]), [
        ['ExecStart', '/bin/true'],
        ['User', 'app'],
      ]);
      assert.deepEqual(problems(text), [['NoEquals', "Missing '=': systemd ignores this line", 'ignored']]);
    });

    it('skips a byte order mark once, but not before a comment test', () => {
      const marked = '\uFEFF[Unit]\r\nDescription=x\r\n';
      assert.equal(underlined(marked, entry(marked, 'Description').valueSpan), 'x');
      assert.equal(underlined(marked, parseUnit(marked).sections[0]!.headerSpan), '[Unit]');
      // Until one is seen, a later line loses its mark too; after that, marks are text.
      assert.deepEqual(entries('[Unit]\n\uFEFFA=1\n\uFEFFB=2\n').map((found) => found.key), ['A', '\uFEFFB']);
      // systemd tests for comments before it drops the mark: "\uFEFF# x" is no comment.
      const commentAfterMark = '\uFEFF# hello\n[Unit]\nA=1\n';
      assert.deepEqual(problems(commentAfterMark), [['# hello', 'Assignment outside of any section: systemd ignores this line', 'ignored']]);
      assert.deepEqual(parseUnit(commentAfterMark).comments, []);
    });

    it('treats U+FFFD as an ordinary character (it is valid UTF-8)', () => {
      const text = '[Service]\nEnvironment=A=\uFFFD\n';
      assert.deepEqual(parseUnit(text).problems, []);
      assert.equal(entry(text, 'Environment').value, 'A=\uFFFD');
    });

    it('reads an empty file, and one of blanks and comments, as nothing', () => {
      for (const text of ['', '\n\n', '   \n\t\n', '# only\n; comments\n']) {
        const unit = parseUnit(text);
        assert.deepEqual([unit.sections, unit.orphans, unit.problems], [[], [], []], JSON.stringify(text));
      }
    });
  });

  describe('sections and assignments', () => {
    it('keeps repeated keys in order and repeated sections apart', () => {
      const text = fixture('resets-and-repeats.service');
      const unit = parseUnit(text);
      assert.deepEqual(unit.problems, []);
      assert.deepEqual(unit.sections.map((section) => section.name), ['Unit', 'Service', 'Service']);
      assert.deepEqual(unit.sections[0]!.entries.filter((found) => found.key === 'After').map((found) => found.value), ['network.target', 'postgresql.service']);
      assert.deepEqual(unit.sections[1]!.entries.filter((found) => found.key === 'ExecStartPre').map((found) => found.value), ['/bin/true', '', '/bin/echo again']);
      assert.deepEqual(unit.sections[2]!.entries.map((found) => found.key), ['User']);
      assert.deepEqual(unit.comments.map((comment) => underlined(text, comment.span)), ['; comments may start with a semicolon', '# or be indented']);
    });

    it('trims keys and values and keeps "=" inside the value', () => {
      const text = '[Service]\n\t Environment \t=\t "A=1" B=2 \t\n';
      const found = entry(text, 'Environment');
      assert.equal(found.value, '"A=1" B=2');
      assert.equal(underlined(text, found.keySpan), 'Environment');
    });

    it('reports what systemd refuses or ignores, and reads on', () => {
      const text = fixture('broken.service');
      assert.deepEqual(problems(text), [
        ['NoEqualsBeforeSection', 'Assignment outside of any section: systemd ignores this line', 'ignored'],
        ['NoEquals', "Missing '=': systemd ignores this line", 'ignored'],
        ['=value without key', "Missing key name before '=': systemd ignores this line", 'ignored'],
        ['[Install', "Invalid section header '[Install': systemd refuses to load this file", 'file-refused'],
      ]);
      const unit = parseUnit(text);
      assert.deepEqual(unit.orphans.map((found) => underlined(text, found.span)), ['Description=before any section']);
      assert.deepEqual(unit.sections.map((section) => section.name), ['Unit', 'Service']);
      // Lines under a broken header belong nowhere: systemd has refused the file by then.
      assert.deepEqual(entriesOf(unit).map((found) => found.key), ['Description', 'ExecStart']);
    });

    it('refuses headers with text after them or characters systemd finds unsafe', () => {
      const text = '[Service] # main\n[Ser"vice]\n[Ser\tvice]\n[Unit\n[\n[Unit]\n';
      assert.deepEqual(
        problems(text).map(([underline, message]) => [underline, message?.replace(/:.*/, '')]),
        [
          ['[Service] # main', "Invalid section header '[Service] # main'"],
          ['[Ser"vice]', `Bad characters in section header '[Ser"vice]' (control characters, quotes and backslashes are not allowed)`],
          ['[Ser\tvice]', "Bad characters in section header '[Ser\tvice]' (control characters, quotes and backslashes are not allowed)"],
          ['[Unit', "Invalid section header '[Unit'"],
          ['[', "Invalid section header '['"],
        ],
      );
      assert.deepEqual(parseUnit(text).sections.map((section) => section.name), ['Unit']);
    });

    it('accepts "[]" and "[A]]" as headers: systemd only finds the sections unknown', () => {
      const text = '[]\nA=1\n[B]]\nC=2\n';
      const unit = parseUnit(text);
      assert.deepEqual(unit.problems, []);
      assert.deepEqual(unit.sections.map((section) => [section.name, underlined(text, section.nameSpan)]), [
        ['', ''],
        ['B]', 'B]'],
      ]);
    });

    it('does not report lines in X- sections, which systemd never reads', () => {
      assert.deepEqual(problems('[X-Mine]\nanything goes\n=here\n'), []);
    });
  });

  describe('line length', () => {
    const longLine = (length: number, character = 'x') => `[Unit]\nDescription=${character.repeat(length - 'Description='.length)}\nAfter=network.target\n`;

    it('refuses a 2 MB line and reads the rest', () => {
      const text = longLine(2 * 1024 * 1024);
      const unit = parseUnit(text);
      assert.equal(unit.problems.length, 1);
      const [problem] = unit.problems;
      assert.equal(problem!.effect, 'file-refused');
      assert.match(problem!.message, /^Line too long \(2097152 bytes, systemd's limit is 1048575\): systemd refuses to load this file$/);
      assert.equal(underlined(text, problem!.span).length, 2 * 1024 * 1024);
      assert.deepEqual(entriesOf(unit).map((found) => found.key), ['After']);
    });

    it('draws the line where systemd 252 does, counting UTF-8 bytes', () => {
      assert.deepEqual(parseUnit(longLine(LONG_LINE_MAX - 1)).problems, []);
      assert.equal(parseUnit(longLine(LONG_LINE_MAX)).problems.length, 1);
      // "é" is two bytes: half as many characters reach the limit.
      const accented = `[Unit]\nDescription=${'é'.repeat(LONG_LINE_MAX / 2)}\n`;
      assert.equal(parseUnit(accented).problems[0]?.effect, 'file-refused');
    });

    it('refuses a continuation that joins to more than the limit, comments not counted', () => {
      const half = 'x'.repeat(LONG_LINE_MAX / 2);
      const fits = `[Unit]\nA=${half.slice(3)}\\\n# ${half}\n${half.slice(1)}\nB=1\n`;
      assert.deepEqual(parseUnit(fits).problems, []);
      const tooLong = `[Unit]\nA=${half.slice(3)}\\\n${half}x\nB=1\n`;
      assert.deepEqual(parseUnit(tooLong).problems.map((problem) => [problem.effect, problem.message.replace(/ \(.*/, '')]), [['file-refused', 'Continuation line too long']]);
      assert.deepEqual(entries(tooLong).map((found) => found.key), ['B']);
    });
  });
});
