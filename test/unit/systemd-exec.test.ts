import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { splitExecValue, splitUnitWords } from '../../server/src/core/formats/systemd/exec';
import type { UnitEntry } from '../../server/src/core/formats/systemd/model';
import { parseUnit } from '../../server/src/core/formats/systemd/parser';
import { underlined } from '../helpers/text';

const entryOf = (text: string, key = 'ExecStart'): UnitEntry => {
  const found = parseUnit(text).sections.flatMap((section) => section.entries).find((entry) => entry.key === key);
  assert.ok(found, `no ${key}=`);
  return found;
};

/** An ExecStart= line split, with what a user sees: texts, underlines, problems. */
function exec(value: string) {
  const text = `[Service]\nExecStart=${value}\n`;
  const result = splitExecValue(entryOf(text));
  return {
    text,
    ...result,
    argvs: result.commands.map((command) => command.argv.map((word) => word.text)),
    underlines: result.commands.map((command) => command.argv.map((word) => underlined(text, word.span))),
    seen: result.problems.map((problem) => [underlined(text, problem.span), problem.effect]),
  };
}

describe('splitExecValue', () => {
  describe('the seed units', () => {
    it('splits the multi-line gunicorn command of trunk8, each word underlined on its own line', () => {
      const text = readFileSync('examples/trunk8/trunk8.service', 'utf8');
      const { commands, problems } = splitExecValue(entryOf(text));
      assert.deepEqual(problems, []);
      assert.equal(commands.length, 1);
      const argv = commands[0]!.argv;
      assert.deepEqual(argv.map((word) => underlined(text, word.span)), argv.map((word) => word.text));
      assert.deepEqual(argv.map((word) => word.text).slice(0, 5), ['/opt/trunk8/.venv/bin/gunicorn', '--workers', '9', '--worker-class', 'sync']);
      assert.equal(argv[argv.length - 1]!.text, 'run:app');
      // The last word sits on the last line of the continuation.
      const lastLine = text.slice(0, argv[argv.length - 1]!.span.start).split('\n').length;
      assert.equal(text.split('\n')[lastLine - 1], '    run:app');
    });

    it('reads every Exec line of the seeds without a problem', () => {
      for (const path of [
        'examples/nutanix-pxe/nutanix-pxe.service',
        'examples/lernmanager/lernmanager.service',
        'examples/netmonitor/netmonitor-dashboard.service',
        'examples/netflow-dashboard/netflow-dashboard.service',
      ]) {
        const text = readFileSync(path, 'utf8');
        for (const entry of parseUnit(text).sections.flatMap((section) => section.entries).filter((candidate) => candidate.key.startsWith('Exec'))) {
          const { commands, problems } = splitExecValue(entry);
          assert.deepEqual(problems, [], path);
          for (const word of commands.flatMap((command) => command.argv)) assert.equal(underlined(text, word.span), word.text, path);
        }
      }
    });

    it('sees $MAINPID in the ExecReload of nutanix-pxe as a word of its own', () => {
      const text = readFileSync('examples/nutanix-pxe/nutanix-pxe.service', 'utf8');
      const [command] = splitExecValue(entryOf(text, 'ExecReload')).commands;
      assert.deepEqual(command!.argv.map((word) => word.text), ['/bin/kill', '-s', 'HUP', '$MAINPID']);
      assert.deepEqual(command!.variables.map((variable) => [variable.name, variable.form, underlined(text, variable.span), variable.wordIndex]), [['MAINPID', 'split', '$MAINPID', 3]]);
    });

    it('keeps spans across continuation lines with comments between them', () => {
      const text = readFileSync('test/fixtures/systemd/continuation-comments.service', 'utf8');
      const { commands, problems } = splitExecValue(entryOf(text));
      assert.deepEqual(problems, []);
      const argv = commands[0]!.argv;
      assert.deepEqual(argv.map((word) => word.text), ['/srv/app/venv/bin/gunicorn', '--workers', '3', '--bind', '127.0.0.1:8000', '--name', 'my app', 'wsgi:application']);
      assert.deepEqual(argv.map((word) => underlined(text, word.span)).slice(4, 7), ['"127.0.0.1:8000"', '--name', "'my app'"]);
    });
  });

  describe('words', () => {
    it('unquotes double and single quotes, anywhere in a word, quotes included in the span', () => {
      const { argvs, underlines } = exec(`/usr/bin/gunicorn --bind "127.0.0.1:8000" --env 'A=b c' --name=x"y z"w`);
      assert.deepEqual(argvs, [['/usr/bin/gunicorn', '--bind', '127.0.0.1:8000', '--env', 'A=b c', '--name=xy zw']]);
      assert.deepEqual(underlines[0]!.slice(2), ['"127.0.0.1:8000"', '--env', "'A=b c'", '--name=x"y z"w']);
    });

    it('decodes C escapes, inside single quotes too', () => {
      const { argvs, problems } = exec(`/bin/echo a\\tb 'c\\nd' \\x41\\101\\u00e9\\U0001F600 one\\stwo \\"q\\" \\\\`);
      assert.deepEqual(problems, []);
      assert.deepEqual(argvs, [['/bin/echo', 'a\tb', 'c\nd', 'AAé😀', 'one two', '"q"', '\\']]);
    });

    it('keeps unknown escapes as written and warns, as systemd does', () => {
      // A blank after the last backslash keeps it from continuing the line; the value ends in it.
      const { argvs, seen, problems } = exec(`/bin/echo \\d \\x00 \\000 \\400 \\U0010ffff ok \\ `);
      assert.deepEqual(argvs, [['/bin/echo', '\\d', '\\x00', '\\000', '\\400', '\\U0010ffff', 'ok', '\\']]);
      assert.deepEqual(seen, [
        ['\\d', 'warning'],
        ['\\x', 'warning'],
        ['\\0', 'warning'],
        ['\\4', 'warning'],
        ['\\U', 'warning'],
        ['\\', 'warning'],
      ]);
      assert.equal(problems[0]!.message, 'Unknown escape sequence "\\d": systemd warns and keeps it as written');
    });
  });

  describe('commands', () => {
    it('separates commands at a lone semicolon and keeps \\; standing alone as a literal', () => {
      const { argvs, underlines, problems } = exec('/bin/echo a \\; b ; /bin/true');
      assert.deepEqual(problems, []);
      assert.deepEqual(argvs, [['/bin/echo', 'a', ';', 'b'], ['/bin/true']]);
      assert.deepEqual(underlines[0], ['/bin/echo', 'a', '\\;', 'b']);
    });

    it('leaves a semicolon inside a word or in quotes to the word', () => {
      const { argvs, seen } = exec('/bin/echo a;b ";" x\\;y');
      assert.deepEqual(argvs, [['/bin/echo', 'a;b', ';', 'x\\;y']]);
      assert.deepEqual(seen, [['\\;', 'warning']]);
    });

    it('skips separators in the place of a command', () => {
      assert.deepEqual(exec('; ; /bin/true ;').argvs, [['/bin/true']]);
      assert.deepEqual(exec('";" /bin/true').argvs, [['/bin/true']]);
    });

    it('reads the prefixes from the unquoted first word, with their own span', () => {
      const cases: [string, string, string, string][] = [
        ['-/bin/true', '-', '-', '/bin/true'],
        ['@/bin/true argv0', '@', '@', '/bin/true'],
        [':/bin/true', ':', ':', '/bin/true'],
        ['+/bin/true', '+', '+', '/bin/true'],
        ['!/bin/true', '!', '!', '/bin/true'],
        ['!!/bin/true', '!!', '!!', '/bin/true'],
        ['-@:!!/bin/true argv0', '-@:!!', '-@:!!', '/bin/true'],
        ['"-/bin/true"', '-', '-', '/bin/true"'],
        ['-"/bin/true"', '-', '-', '"/bin/true"'],
      ];
      for (const [value, prefixes, prefixUnderline, pathUnderline] of cases) {
        const { text, commands, problems } = exec(value);
        assert.deepEqual(problems, [], value);
        assert.equal(commands[0]!.prefixes, prefixes, value);
        assert.equal(underlined(text, commands[0]!.prefixSpan), prefixUnderline, value);
        assert.equal(underlined(text, commands[0]!.argv[0]!.span), pathUnderline, value);
        assert.equal(commands[0]!.argv[0]!.text, '/bin/true', value);
      }
      const plain = exec('/bin/true');
      assert.deepEqual(plain.commands[0]!.prefixSpan, { start: plain.commands[0]!.argv[0]!.span.start, end: plain.commands[0]!.argv[0]!.span.start });
      assert.equal(underlined(plain.text, plain.commands[0]!.span), '/bin/true');
    });

    it('stops at prefixes systemd does not combine: "+!" leaves "!" in the path', () => {
      const { commands, seen } = exec('+!/bin/true');
      assert.equal(commands[0]!.prefixes, '+');
      assert.equal(commands[0]!.argv[0]!.text, '!/bin/true');
      assert.deepEqual(seen, [['!/bin/true', 'unit-fails']]);
      assert.equal(exec('!!!/bin/true').commands[0]!.argv[0]!.text, '!/bin/true');
    });
  });

  describe('problems', () => {
    it('reports unbalanced quoting at the quote: the unit fails, or with "-" the line is ignored', () => {
      const failing = exec('/bin/echo "open');
      assert.deepEqual(failing.seen, [['"', 'unit-fails']]);
      assert.equal(failing.problems[0]!.message, 'Unbalanced quoting: systemd rejects this command line and the unit will not start');
      assert.deepEqual(exec("-/bin/echo 'open").seen, [["'", 'ignored']]);
      // systemd gives up quietly when it cannot read the first word: no error, with or without "-".
      assert.deepEqual(exec('"/bin/echo').seen, [['"', 'ignored']]);
      assert.equal(exec('"/bin/echo').problems[0]!.message, 'Unbalanced quoting: systemd ignores this command and the rest of the line');
      // A backslash at the end inside quotes leaves the quote open.
      assert.deepEqual(exec('/bin/echo "ab\\').seen, [['"', 'unit-fails']]);
    });

    it('checks the path as systemd does', () => {
      assert.deepEqual(exec('-').seen, [['-', 'ignored']]);
      assert.deepEqual(exec('""').seen, [['""', 'unit-fails']]);
      assert.deepEqual(exec('./venv/bin/gunicorn app:app').seen, [['./venv/bin/gunicorn', 'unit-fails']]);
      assert.deepEqual(exec('venv/bin/gunicorn').seen, [['venv/bin/gunicorn', 'unit-fails']]);
      assert.deepEqual(exec('/bin/').seen, [['/bin/', 'unit-fails']]);
      assert.deepEqual(exec('"/bin/tr\\\\ue"').seen, [['"/bin/tr\\\\ue"', 'unit-fails']]);
      assert.deepEqual(exec('@/bin/true').seen, [['@/bin/true', 'unit-fails']]);
      // A bare name is searched for (since 239), and a specifier is resolved before the checks.
      assert.deepEqual(exec('gunicorn app:app').seen, []);
      assert.deepEqual(exec('%h/bin/app').seen, []);
      assert.match(exec('./app').problems[0]!.message, /^Neither a valid executable name nor an absolute path/);
    });

    it('reports nothing after the first failure, as systemd stops there', () => {
      assert.deepEqual(exec('./app \\d "open').seen, [['./app', 'unit-fails']]);
      assert.deepEqual(exec('/bin/echo "open" "again').seen, [['"', 'unit-fails']]);
    });

    it('still returns the words of a line systemd rejects, for the rest of the checks', () => {
      assert.deepEqual(exec('/usr/bin/gunicorn --bind "0.0.0.0:80 app:app').argvs, [['/usr/bin/gunicorn', '--bind', '0.0.0.0:80 app:app']]);
    });
  });

  describe('variables', () => {
    const variables = (value: string) => {
      const { text, commands } = exec(value);
      return commands.flatMap((command) => command.variables.map((variable) => [variable.name, variable.form, underlined(text, variable.span)]));
    };

    it('tells $NAME as a word (split) from ${NAME} (in place) and $NAME inside a word (left alone)', () => {
      assert.deepEqual(variables('/usr/bin/gunicorn $OPTIONS --bind=0.0.0.0:${PORT} --name=$NAME "$QUOTED" ${WHOLE}'), [
        ['OPTIONS', 'split', '$OPTIONS'],
        ['PORT', 'inline', '${PORT}'],
        ['NAME', 'literal', '$NAME'],
        ['QUOTED', 'split', '$QUOTED'],
        ['WHOLE', 'inline', '${WHOLE}'],
      ]);
    });

    it('takes all after the $ of a word as the name, as systemd does', () => {
      assert.deepEqual(variables('/bin/ls $HOME/bin'), [['HOME/bin', 'split', '$HOME/bin']]);
    });

    it('expands nothing in the path, nothing after ":", and not "$$" or "${A:-b}"', () => {
      assert.deepEqual(variables('$VENV/bin/gunicorn'), [['VENV', 'literal', '$VENV']]);
      assert.deepEqual(variables(':/bin/echo $A ${B}'), [
        ['A', 'literal', '$A'],
        ['B', 'literal', '${B}'],
      ]);
      assert.deepEqual(variables('/bin/echo $$A ${A:-b} ${open'), [['A', 'literal', '${A:-b}']]);
      assert.deepEqual(variables('/bin/echo ${A:-${B}}'), [
        ['A', 'literal', '${A:-${B}'],
        ['B', 'inline', '${B}'],
      ]);
    });

    it('underlines a reference on a continuation line', () => {
      const text = '[Service]\nExecStart=/usr/bin/gunicorn \\\n  --bind ${HOST}:${PORT} \\\n  $EXTRA\n';
      const [command] = splitExecValue(entryOf(text)).commands;
      assert.deepEqual(command!.variables.map((variable) => [underlined(text, variable.span), text.slice(0, variable.span.start).split('\n').length]), [
        ['${HOST}', 3],
        ['${PORT}', 3],
        ['$EXTRA', 4],
      ]);
    });
  });
});

describe('splitUnitWords', () => {
  it('splits Environment= into assignments, quotes removed', () => {
    const text = '[Service]\nEnvironment="A=1 2" B=x\\ty \'C=$D\'\n';
    const { words, problems } = splitUnitWords(entryOf(text, 'Environment'));
    assert.deepEqual(problems, []);
    assert.deepEqual(words.map((word) => [word.text, underlined(text, word.span)]), [
      ['A=1 2', '"A=1 2"'],
      ['B=x\ty', 'B=x\\ty'],
      ['C=$D', "'C=$D'"],
    ]);
  });

  it('reports what makes systemd ignore the whole assignment', () => {
    const text = '[Service]\nEnvironment=A=\\d "B=2\n';
    const { problems } = splitUnitWords(entryOf(text, 'Environment'));
    assert.deepEqual(problems.map((problem) => [underlined(text, problem.span), problem.effect, problem.message]), [
      ['\\d', 'ignored', 'Unknown escape sequence "\\d": systemd ignores this assignment'],
      ['"', 'ignored', 'Unbalanced quoting: systemd ignores this assignment'],
    ]);
  });
});
