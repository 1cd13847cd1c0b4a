import assert from 'node:assert/strict';
import gunicornTable from '../../schemas/gunicorn.json';
import type { Word } from '../../server/src/core/formats/common';
import { findGunicornProgram, parseGunicornArguments } from '../../server/src/core/formats/gunicorn/command-line';
import { dockerfileCommands } from '../../server/src/core/formats/shell/dockerfile';
import { splitShell } from '../../server/src/core/formats/shell/words';
import { GunicornIndex } from '../../server/src/core/knowledge/knowledge';
import type { GunicornKnowledge } from '../../server/src/core/knowledge/types';
import { underlined } from '../helpers/text';

const flags = new GunicornIndex(gunicornTable as unknown as GunicornKnowledge);

function parse(line: string) {
  const [command] = splitShell(line).commands;
  const words = command!.words;
  const programIndex = findGunicornProgram(words);
  assert.ok(programIndex !== undefined, `no gunicorn in ${line}`);
  return parseGunicornArguments(words, programIndex, flags);
}

describe('gunicorn command lines', () => {
  it('reads the Lernmanager command line of seed 004 with a span for every flag and value', () => {
    const line =
      'gunicorn --workers 2 --threads 2 --worker-class sync --worker-connections 100 --max-requests 1000 --max-requests-jitter 100 --timeout 120 --bind 0.0.0.0:8080 app:app';
    const command = parse(line);
    assert.deepEqual(command.problems, []);
    assert.deepEqual(
      command.options.map((option) => [option.spec.setting, option.value, underlined(line, option.span)]),
      [
        ['workers', '2', '--workers 2'],
        ['threads', '2', '--threads 2'],
        ['worker_class', 'sync', '--worker-class sync'],
        ['worker_connections', '100', '--worker-connections 100'],
        ['max_requests', '1000', '--max-requests 1000'],
        ['max_requests_jitter', '100', '--max-requests-jitter 100'],
        ['timeout', '120', '--timeout 120'],
        ['bind', '0.0.0.0:8080', '--bind 0.0.0.0:8080'],
      ],
    );
    assert.equal(command.app?.text, 'app:app');
  });

  it('reads attached values, short flags and argparse abbreviations', () => {
    const line = 'gunicorn -w4 --bind=unix:/run/app.sock -k gthread --max-requests-j 50 -c /etc/app/gunicorn.conf.py wsgi:application';
    const command = parse(line);
    assert.deepEqual(
      command.options.map((option) => [option.spec.setting, option.value, underlined(line, option.valueSpan!)]),
      [
        ['workers', '4', '4'],
        ['bind', 'unix:/run/app.sock', 'unix:/run/app.sock'],
        ['worker_class', 'gthread', 'gthread'],
        ['max_requests_jitter', '50', '50'],
        ['config', '/etc/app/gunicorn.conf.py', '/etc/app/gunicorn.conf.py'],
      ],
    );
  });

  it('finds gunicorn behind wrappers, virtualenv paths and python -m', () => {
    for (const line of [
      '/opt/venv/bin/gunicorn app:app',
      'exec gunicorn app:app',
      'env PORT=8000 gunicorn app:app',
      'poetry run gunicorn app:app',
      'python3 -m gunicorn app:app',
      'WEB_CONCURRENCY=3 gunicorn3 app:app',
    ]) {
      assert.equal(parse(line).app?.text, 'app:app', line);
    }
    assert.equal(findGunicornProgram(splitShell('python3 app.py').commands[0]!.words), undefined);
  });

  it('reports unknown options, missing values and extra arguments', () => {
    const line = 'gunicorn --max-worker-memory 200 app:app other --workers';
    const command = parse(line);
    assert.deepEqual(
      command.problems.map((problem) => [problem.kind, underlined(line, problem.span)]),
      [
        ['unknown-option', '--max-worker-memory'],
        ['extra-argument', 'other'],
        ['missing-value', '--workers'],
      ],
    );
  });

  it('lets an optional-value flag stand alone', () => {
    const command = parse('gunicorn --proxy-protocol --workers 2 app:app');
    assert.deepEqual(command.problems, []);
    assert.deepEqual(command.options.map((option) => [option.spec.setting, option.value]), [
      ['proxy_protocol', undefined],
      ['workers', '2'],
    ]);
  });
});

describe('shell words', () => {
  it('unquotes and keeps the span of each word as written', () => {
    const text = `gunicorn --bind "127.0.0.1:8000" --env 'A=b c' x\\ y`;
    const words: readonly Word[] = splitShell(text).commands[0]!.words;
    assert.deepEqual(words.map((word) => word.text), ['gunicorn', '--bind', '127.0.0.1:8000', '--env', 'A=b c', 'x y']);
    assert.deepEqual(words.map((word) => underlined(text, word.span)).slice(2), ['"127.0.0.1:8000"', '--env', "'A=b c'", 'x\\ y']);
  });

  it('splits commands on ; && | and newlines, skipping comments', () => {
    const { commands } = splitShell('cd /app && gunicorn app:app # run\nexport A=1; echo "a;b"');
    assert.deepEqual(commands.map((command) => command.words.map((word) => word.text)), [
      ['cd', '/app'],
      ['gunicorn', 'app:app'],
      ['export', 'A=1'],
      ['echo', 'a;b'],
    ]);
  });

  it('reports an unterminated quote without throwing', () => {
    const { problems } = splitShell('gunicorn "app:app');
    assert.deepEqual(problems.map((problem) => problem.message), ['Unterminated double quote']);
  });
});

describe('Dockerfile commands', () => {
  it('reads exec form and shell form, with continuation lines', () => {
    const text = 'FROM python:3.12\nRUN pip install gunicorn\nCMD ["gunicorn", "-w", "4", \\\n  "app:app"]\nENTRYPOINT gunicorn --bind 0.0.0.0:8000 \\\n  app:app\n';
    const commands = dockerfileCommands(text);
    assert.deepEqual(commands.map((words) => words.map((word) => word.text)), [
      ['pip', 'install', 'gunicorn'],
      ['gunicorn', '-w', '4', 'app:app'],
      ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'],
    ]);
    assert.equal(underlined(text, commands[1]![3]!.span), '"app:app"');
  });
});
