import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gunicornCommandsInUnit } from '../../../server/src/core/engine/gunicorn-commands';
import { splitExecValue, splitUnitWords } from '../../../server/src/core/formats/systemd/exec';
import { parseUnit } from '../../../server/src/core/formats/systemd/parser';
import { specifiersInValue } from '../../../server/src/core/formats/systemd/specifiers';
import { linter } from '../../helpers/lint';
import { assertSpansInside, fuzzTimeout, mutatedSeed, PARSE_MS_PER_MB, pipelineProperties, randomText, seedsOf, settings, withinTime, writtenSeed, type PipelineSubject } from './support';

const PIECES = [
  '[', ']', '=', '\\', '\\\n', '#', ';', '"', "'", '%', '%i', '%Z', '$', '${', '}', '\n', ' ', '-', '@', '+', '!',
  '[Unit]', '[Service]', '[Install]', '[X-Custom]', 'Description=app', 'After=network.target',
  'ExecStart=', 'ExecStart=/usr/bin/gunicorn --workers 4 --bind 127.0.0.1:8000 app:app', 'ExecStart=-/bin/sh -c "echo $HOME; exit 1"',
  'ExecStartPre=+/bin/mkdir -p /run/app', 'ExecReload=/bin/kill -HUP $MAINPID', 'Environment="A=b c" D=e',
  'Environment=GUNICORN_CMD_ARGS="--workers=3 --threads 2"', 'User=root', 'Type=notify', 'Restart=always', 'RestartSec=0',
  'TimeoutStopSec=5', 'MemoryMax=1G', 'MemoryHigh=2G', 'TasksMax=4', 'LimitNOFILE=65536', 'ProtectSystem=strict',
  'ReadWritePaths=/srv/app', 'PrivateTmp=yes', 'WorkingDirectory=/srv/app', 'WantedBy=multi-user.target',
  '# deploylint: disable-next-line', '# deploylint: host cpus=2 memory=1G',
];

/** A service most systemd rules with a fix find something in (and a gunicorn command line for the gunicorn rules). */
const FIXABLE = `[Unit]
Description=app
After=network.target

[Service]
User=root
Type=notify
ExecStart=/srv/venv/bin/gunicorn --workers 16 --threads 4 --worker-class sync --timeout 30 --graceful-timeout 60 --daemon app:app
Restart=always
RestartSec=0
TimeoutStopSec=5
Environment=DATABASE_PASSWORD=hunter2 SECRET_KEY=abc
MemoryHigh=2G
MemoryMax=1G
TasksMax=4
PIDFile=/var/run/app.pid
ReadWritePaths=/srv/app
MemoryLimit=1G
Resart=always
WorkingDirectory=/srv/app
Environment=GUNICORN_CMD_ARGS="--workers=3 --max-requests 1000"

[Install]
WantedBy=multi-user.target
`;

const systemd: PipelineSubject = {
  kind: 'systemd',
  path: '/etc/systemd/system/fuzz.service',
  seeds: [...seedsOf('systemd'), writtenSeed('fixable app.service', '/etc/systemd/system/app.service', FIXABLE)],
  pieces: PIECES,
  comment: '# an unrelated comment',
  syntaxProblems: (text) => parseUnit(text).problems.length,
  appendedIsUnrelated: (text, offset) => {
    const unit = parseUnit(text);
    // A comment line inside a continuation is dropped from the value, but the assignment reaches past it.
    const entries = [...unit.orphans, ...unit.sections.flatMap((section) => section.entries)];
    return unit.comments.some((comment) => comment.span.start === offset) && entries.every((entry) => entry.span.end < offset);
  },
};

function checkUnit(text: string): void {
  const unit = withinTime('parseUnit', text.length, PARSE_MS_PER_MB, () => parseUnit(text));
  assertSpansInside(text, unit, 'parseUnit');
  // The readers of values, on every assignment: exec command lines, words, specifiers.
  withinTime('values of the unit', text.length, PARSE_MS_PER_MB, () => {
    for (const entry of [...unit.orphans, ...unit.sections.flatMap((section) => section.entries)]) {
      assertSpansInside(text, splitExecValue(entry), `splitExecValue ${entry.key}`);
      assertSpansInside(text, splitUnitWords(entry), `splitUnitWords ${entry.key}`);
      assertSpansInside(text, specifiersInValue(entry), `specifiersInValue ${entry.key}`);
    }
    assertSpansInside(text, gunicornCommandsInUnit(text, unit, linter.knowledge.gunicorn), 'gunicorn command lines');
  });
}

describe('fuzz: systemd units', () => {
  it('has seeds: the examples and the corpus', () => {
    assert.ok(systemd.seeds.length >= 30, `${systemd.seeds.length} seeds`);
  });

  describe('parser', () => {
    it('random text: never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(randomText(PIECES, 400), checkUnit), settings(400));
    });

    it('mutated real files: never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(mutatedSeed(systemd.seeds, PIECES, { inflate: true }), ({ text }) => checkUnit(text)), settings(300));
    });
  });

  describe('whole pipeline', () => pipelineProperties(systemd, { random: 60, mutated: 40, stable: 40, fixes: 25 }));
});
