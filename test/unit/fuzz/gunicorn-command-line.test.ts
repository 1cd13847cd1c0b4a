import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gunicornCommandsInScript } from '../../../server/src/core/engine/gunicorn-commands';
import { findGunicornProgram, parseGunicornArguments, parseGunicornCmdArgs } from '../../../server/src/core/formats/gunicorn/command-line';
import { dockerfileCommands } from '../../../server/src/core/formats/shell/dockerfile';
import { splitShell } from '../../../server/src/core/formats/shell/words';
import { parseUnit } from '../../../server/src/core/formats/systemd/parser';
import { linter } from '../../helpers/lint';
import { assertSpansInside, fuzzTimeout, mutatedSeed, PARSE_MS_PER_MB, pipelineProperties, randomText, seedsOf, settings, withinTime, writtenSeed, type PipelineSubject, type Seed } from './support';

const flags = linter.knowledge.gunicorn;

const PIECES = [
  ' ', '  ', '\t', '\n', '\\\n', ';', '&&', '|', '&', '"', "'", '\\', '#', '$', '$PORT', '${PORT:-8000}', '=', '-', '--', ':', '[', ']', ',',
  'gunicorn', 'gunicorn3', '/opt/venv/bin/gunicorn', 'python -m gunicorn', 'python3.12 -m', 'exec', 'env -i', 'sudo -u www-data', 'poetry run', 'nice',
  '-w', '-w4', '--workers', '--workers=3', '--work', '--threads 2', '-k gthread', '--worker-class=sync', '--bind', '-b 0.0.0.0:$PORT',
  '--bind=unix:/run/app.sock', '-c gunicorn.conf.py', '--config', '--daemon', '--reload', '--preload', '--max-requests 1000', '--timeout',
  '--bogus', '-', '-1', 'app:app', 'wsgi:application', 'app:create_app()', 'GUNICORN_CMD_ARGS="--workers 2 --threads 4"', 'web:', 'worker:',
  'CMD ', 'RUN ', 'ENTRYPOINT ', 'CMD ["gunicorn", "-w", "4", "app:app"]', '["', '", "', '"]',
];

/** Files that start gunicorn from a command line, one per holder the engine knows. */
const SCRIPT_SEEDS: Seed[] = [
  writtenSeed(
    'Procfile',
    '/srv/app/Procfile',
    'web: GUNICORN_CMD_ARGS="--max-requests 1000" gunicorn --workers 16 --threads 4 --worker-class sync --bind 0.0.0.0:$PORT --daemon --reload app:app\nworker: python worker.py\n',
  ),
  writtenSeed(
    'start.sh',
    '/srv/app/start.sh',
    '#!/bin/sh\nset -e\ncd /srv/app && exec /opt/venv/bin/gunicorn -w 4 -k sync --threads 2 \\\n  --timeout 30 --keep-alive 5 -b unix:/run/app.sock --umask 000 "wsgi:application"\n',
  ),
  writtenSeed(
    'Dockerfile',
    '/srv/app/Dockerfile',
    'FROM python:3.12-slim\nRUN pip install gunicorn\nENV PORT=8000\nCMD ["gunicorn", "--workers", "9", "--threads", "2", "--worker-class", "sync", "--bind", "0.0.0.0:8000", "--daemon", "app:app"]\n',
  ),
];

/** ExecStart= and Environment= values of the example and corpus units: real command lines. */
function unitCommandLines(): string[] {
  return seedsOf('systemd').flatMap((seed) =>
    parseUnit(seed.text)
      .sections.flatMap((section) => section.entries)
      .filter((entry) => entry.key.startsWith('Exec') || entry.key === 'Environment')
      .map((entry) => entry.value),
  );
}

const script: PipelineSubject = {
  kind: 'gunicorn',
  path: '/srv/app/Procfile',
  seeds: SCRIPT_SEEDS,
  pieces: PIECES,
  comment: '# an unrelated comment',
  syntaxProblems: (text) => splitShell(text).problems.length,
  appendedIsUnrelated: (text, offset) =>
    splitShell(text).commands.every((command) => command.span.end <= offset) && dockerfileCommands(text).every((words) => words.every((word) => word.span.end <= offset)),
};

/** Every reader of command lines, on one text: shell words, Dockerfile instructions, gunicorn's argparse. */
function checkCommandLines(text: string): void {
  withinTime('command lines', text.length, PARSE_MS_PER_MB, () => {
    const shell = splitShell(text);
    assertSpansInside(text, shell, 'splitShell');
    const docker = dockerfileCommands(text);
    assertSpansInside(text, docker, 'dockerfileCommands');
    for (const words of [...shell.commands.map((command) => command.words), ...docker]) {
      const program = findGunicornProgram(words);
      if (program !== undefined) {
        assert.ok(program >= 0 && program < words.length, `program word ${program} of ${words.length}`);
        assertSpansInside(text, parseGunicornArguments(words, program, flags), 'parseGunicornArguments');
      }
      // Any words read as GUNICORN_CMD_ARGS: options only.
      assertSpansInside(text, parseGunicornCmdArgs(words, flags) ?? {}, 'parseGunicornCmdArgs');
    }
    for (const holder of ['Procfile', 'shell script', 'Dockerfile']) assertSpansInside(text, gunicornCommandsInScript(text, holder, flags), `commands in a ${holder}`);
  });
}

describe('fuzz: gunicorn command lines (Procfile, scripts, Dockerfile, GUNICORN_CMD_ARGS)', () => {
  const lines = unitCommandLines();
  const lineSeeds = lines.map((line, index) => writtenSeed(`command line ${index}`, '/srv/app/Procfile', line));

  it('has seeds: the command lines of the example units and written scripts', () => {
    assert.ok(lines.length >= 20, `${lines.length} command lines`);
  });

  describe('parsers', () => {
    it('random text: never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(randomText(PIECES, 300), checkCommandLines), settings(400));
    });

    it('mutated real command lines: never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(mutatedSeed([...lineSeeds, ...SCRIPT_SEEDS], PIECES, { inflate: true }), ({ text }) => checkCommandLines(text)), settings(300));
    });
  });

  describe('whole pipeline', () => pipelineProperties(script, { random: 60, mutated: 40, stable: 40, fixes: 25 }));
});
