import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { splitExecValue } from '../../server/src/core/formats/systemd/exec';
import type { UnitEntry } from '../../server/src/core/formats/systemd/model';
import { LONG_LINE_MAX, parseUnit, valueToSource } from '../../server/src/core/formats/systemd/parser';
import { underlined } from '../helpers/text';

const entries = (text: string): UnitEntry[] => parseUnit(text).sections.flatMap((section) => section.entries);

describe('parseUnit', () => {
  it('reads the Trunk8 unit of seed 003, continuation lines and all', () => {
    const text = readFileSync('examples/trunk8/trunk8.service', 'utf8');
    const unit = parseUnit(text);
    assert.deepEqual(unit.problems, []);
    assert.deepEqual(unit.sections.map((section) => section.name), ['Unit', 'Service', 'Install']);
    const execStart = entries(text).find((entry) => entry.key === 'ExecStart')!;
    assert.ok(execStart.value.startsWith('/opt/trunk8/.venv/bin/gunicorn      --workers 9'));
    assert.ok(underlined(text, execStart.valueSpan).endsWith('run:app'));
    assert.equal(entries(text).filter((entry) => entry.key === 'Environment').length, 3);
  });

  it('keeps exact spans for keys, values, headers and comments', () => {
    const text = '# top\n[Service]\n  Restart = on-failure  \n; semi\nExecStartPre=\n';
    const unit = parseUnit(text);
    const [restart, reset] = unit.sections[0]!.entries;
    assert.equal(underlined(text, unit.sections[0]!.headerSpan), '[Service]');
    assert.equal(underlined(text, unit.sections[0]!.nameSpan), 'Service');
    assert.equal(underlined(text, restart!.keySpan), 'Restart');
    assert.equal(underlined(text, restart!.valueSpan), 'on-failure');
    assert.equal(underlined(text, restart!.span), 'Restart = on-failure');
    assert.equal(reset!.value, '');
    assert.equal(reset!.valueSpan.start, reset!.valueSpan.end);
    assert.deepEqual(unit.comments.map((comment) => underlined(text, comment.span)), ['# top', '; semi']);
  });

  it('joins continuations as systemd does, skipping comment lines inside them', () => {
    const text = '[Service]\nExecStart=/usr/bin/gunicorn \\\n# a comment\n    --workers 2 \\\n    app:app\n';
    const [entry] = entries(text);
    assert.equal(entry!.value, '/usr/bin/gunicorn      --workers 2      app:app');
    const offset = entry!.value.indexOf('app:app');
    assert.equal(underlined(text, valueToSource(entry!, offset, offset + 7)), 'app:app');
  });

  it('keeps repeated keys in order and repeated sections apart', () => {
    const unit = parseUnit('[Service]\nEnvironment=A=1\nEnvironment=B=2\n[Service]\nUser=app\n');
    assert.deepEqual(unit.sections.map((section) => section.entries.map((entry) => entry.value)), [['A=1', 'B=2'], ['app']]);
  });

  it('reports what systemd refuses or ignores, and reads on', () => {
    const text = 'Orphan=1\n[Service\n[Service]\nNoEquals\n=value\nUser=app\n';
    const unit = parseUnit(text);
    assert.deepEqual(
      unit.problems.map((problem) => [underlined(text, problem.span), problem.message]),
      [
        ['[Service', 'Invalid section header "[Service": systemd refuses to load this file'],
        ['NoEquals', "Missing '=': systemd ignores this line"],
        ['=value', "Missing key name before '=': systemd ignores this line"],
      ],
    );
    // Lines under a broken header belong nowhere; systemd refuses the file anyway.
    assert.deepEqual(unit.orphans.map((entry) => entry.key), ['Orphan']);
    assert.deepEqual(unit.sections[0]!.entries.map((entry) => entry.key), ['User']);
  });

  it('treats an inline comment after a header as part of it, as systemd does', () => {
    assert.equal(parseUnit('[Service] # main\n').problems.length, 1);
  });

  it('handles CRLF, a byte order mark, NUL as a line end and an empty file', () => {
    const crlf = '\uFEFF[Unit]\r\nDescription=x\r\n';
    const [description] = entries(crlf);
    assert.equal(underlined(crlf, description!.valueSpan), 'x');
    assert.deepEqual(parseUnit('').sections, []);
    assert.deepEqual(entries('[Unit]\nA=1\0B=2\n').map((entry) => entry.key), ['A', 'B']);
  });

  it('refuses a line longer than systemd does', () => {
    const text = `[Unit]\nDescription=${'x'.repeat(LONG_LINE_MAX + 10)}\nAfter=network.target\n`;
    const unit = parseUnit(text);
    assert.equal(unit.problems.length, 1);
    assert.match(unit.problems[0]!.message, /^Line longer than/);
    assert.deepEqual(unit.sections[0]!.entries.map((entry) => entry.key), ['After']);
  });

  it('never throws, keeps spans inside the text and maps values back to the source', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\[\]=\\#; "'a-zA-Z\n\r\t%$]{0,200}$/), (text) => {
        const unit = parseUnit(text);
        const all = [...unit.orphans, ...unit.sections.flatMap((section) => section.entries)];
        for (const entry of all) {
          for (const span of [entry.keySpan, entry.valueSpan, entry.span]) {
            assert.ok(span.start >= 0 && span.start <= span.end && span.end <= text.length);
          }
          for (const piece of entry.pieces) {
            assert.equal(entry.value.slice(piece.valueOffset, piece.valueOffset + piece.length), text.slice(piece.sourceOffset, piece.sourceOffset + piece.length));
          }
        }
        for (const problem of unit.problems) assert.ok(problem.span.end <= text.length);
      }),
      { seed: 4242, numRuns: 400 },
    );
  });
});

describe('splitExecValue', () => {
  const exec = (value: string) => {
    const text = `[Service]\nExecStart=${value}\n`;
    const [entry] = entries(text);
    return { text, ...splitExecValue(entry!) };
  };

  it('splits words with quotes and escapes, keeping each word’s span', () => {
    const { text, commands } = exec(`-/usr/bin/gunicorn --bind "127.0.0.1:8000" --env 'A=b c' --name=x\\ty app:app`);
    assert.equal(commands[0]!.prefixes, '-');
    assert.deepEqual(commands[0]!.argv.map((word) => word.text), ['/usr/bin/gunicorn', '--bind', '127.0.0.1:8000', '--env', 'A=b c', '--name=x\ty', 'app:app']);
    assert.deepEqual(commands[0]!.argv.map((word) => underlined(text, word.span)).slice(0, 3), ['/usr/bin/gunicorn', '--bind', '"127.0.0.1:8000"']);
  });

  it('separates commands at a lone semicolon and keeps \\; literal', () => {
    const { commands } = exec('/bin/echo a \\; b ; /bin/true');
    assert.deepEqual(commands.map((command) => command.argv.map((word) => word.text)), [['/bin/echo', 'a', ';', 'b'], ['/bin/true']]);
  });

  it('gives words on continuation lines their own lines', () => {
    const text = '[Service]\nExecStart=/usr/bin/gunicorn \\\n    --workers 9 \\\n    run:app\n';
    const [entry] = entries(text);
    const argv = splitExecValue(entry!).commands[0]!.argv;
    assert.deepEqual(argv.map((word) => underlined(text, word.span)), ['/usr/bin/gunicorn', '--workers', '9', 'run:app']);
  });

  it('reports unbalanced quoting', () => {
    const { text, problems } = exec('/bin/echo "open');
    assert.deepEqual(problems.map((problem) => underlined(text, problem.span)), ['"']);
  });
});
