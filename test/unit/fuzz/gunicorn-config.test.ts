import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseGunicornConfig } from '../../../server/src/core/formats/gunicorn/config-parser';
import type { GunicornConfig } from '../../../server/src/core/formats/gunicorn/model';
import { analyzeAppModule } from '../../../server/src/core/formats/python/app-module';
import { readDatabasePools } from '../../../server/src/core/formats/python/database-pools';
import { lintFiles } from '../../helpers/lint';
import {
  assertRangeInside,
  assertSpansInside,
  fuzzTimeout,
  LINT_MS_PER_MB,
  mutatedSeed,
  PARSE_MS_PER_MB,
  pipelineProperties,
  pythonSeeds,
  randomText,
  seedsOf,
  settings,
  withinTime,
  writtenSeed,
  type PipelineSubject,
} from './support';
import { SourceText } from '../../../server/src/core/text/source-text';

const PIECES = [
  '"', "'", '"""', "'''", 'f"', 'b"', 'r"', '{', '}', '(', ')', '[', ']', '#', '\\\n', ':', ',', '=', '+', '*', '**', '//', '%', '.', 'lambda: ',
  '\n', '    ', '\t', 'if x:\n    ', 'else:\n    ', 'try:\n    ', 'except Exception:\n    ', 'def post_fork(server, worker):\n    ', 'def f(a, *b, c=1, **d):\n    ',
  'import multiprocessing\n', 'import os\n', 'from os import environ as env\n', 'workers = ', 'workers = multiprocessing.cpu_count() * 2 + 1\n',
  'bind = "0.0.0.0:8000"\n', 'bind = ["unix:/run/app.sock", "127.0.0.1:8000"]\n', 'threads = 4\n', 'worker_class = "gthread"\n', 'worker_class = "sync"\n',
  'timeout = int(os.environ.get("TIMEOUT", "30"))\n', 'umask = 0o007\n', 'umask = 007\n', 'max_requests = 1000\n', 'daemon = True\n', 'raw_env = ["A=b"]\n',
  'worker.pid', 'server.log.info("x")', 'return', 'pass', '0x1F', '1_000', '1e3', '-1', 'None', 'True', 'not ', ' and ', ' or ', ' if x else ',
  '# deploylint: disable-next-line', '# deploylint: host cpus=2 memory=1G', 'socket.socket(socket.AF_INET, socket.SOCK_DGRAM)', '.bind(("0.0.0.0", 514))',
];

/** A config most gunicorn rules with a fix find something in, run by a unit so the run rules see it. */
const FIXABLE = `import multiprocessing
bind = "0.0.0.0:8000"
workers = multiprocessing.cpu_count() * 2 + 1
workers = 3
threads = 2
worker_class = "sync"
worker_connections = 1000
max_requests = 1000
keep_alive = 5
umask = 0o000
reload = True
daemon = True

def post_fork(server):
    server.log.info("forked")
`;
const FIXABLE_UNIT = `[Service]
ExecStart=/srv/venv/bin/gunicorn -c /srv/fixable/gunicorn.conf.py app:app
TimeoutStopSec=5
`;
const FIXABLE_APP = `import socket
from flask import Flask
app = Flask(__name__)
receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(("0.0.0.0", 514))
`;

/**
 * @lezer/python takes time quadratic in the length of a line full of unterminated strings
 * (`x = "a` 16,000 times, 96 KB: 5 s; docs/robustness.md): mutated lines stay below this,
 * where that costs well under the time limit, so the long run keeps finding new things.
 */
const MAX_LINE = 16_000;

const gunicorn: PipelineSubject = {
  kind: 'gunicorn',
  maxLineLength: MAX_LINE,
  path: '/srv/fuzz/gunicorn.conf.py',
  seeds: [
    ...seedsOf('gunicorn').filter((seed) => seed.path.endsWith('.py')),
    writtenSeed('fixable gunicorn.conf.py', '/srv/fixable/gunicorn.conf.py', FIXABLE, { others: { '/srv/fixable/app.service': FIXABLE_UNIT }, files: { '/srv/fixable/app.py': FIXABLE_APP } }),
  ],
  pieces: PIECES,
  comment: '# an unrelated comment',
  // Python stops at the first syntax error: a file loads or it does not. Past the first
  // error, how many more lezer reports depends on how its recovery resynchronises, which
  // removing a line next to the error can change (2 problems become 11 in a file python
  // rejects either way), so only "loads" turning into "does not" counts as worse.
  syntaxProblems: (text) => (parseGunicornConfig(text).problems.length > 0 ? 1 : 0),
  appendedIsUnrelated: (text, offset) => parseGunicornConfig(text).comments.some((comment) => comment.span.start === offset),
};

/** The config as plain data (sets become sorted arrays) for a deep comparison. */
function plain(config: GunicornConfig): unknown {
  return JSON.parse(JSON.stringify(config, (_key, value: unknown) => (value instanceof Set ? [...value].sort() : value)));
}

function checkConfig(text: string): GunicornConfig {
  const config = withinTime('parseGunicornConfig', text.length, PARSE_MS_PER_MB, () => parseGunicornConfig(text));
  assertSpansInside(text, config, 'parseGunicornConfig');
  return config;
}

function checkAppModule(text: string): void {
  const facts = withinTime('analyzeAppModule', text.length, PARSE_MS_PER_MB, () => analyzeAppModule(text));
  assertSpansInside(text, facts, 'analyzeAppModule');
  const pools = withinTime('readDatabasePools', text.length, PARSE_MS_PER_MB, () => readDatabasePools(text, facts.importedNames));
  assertSpansInside(text, pools, 'readDatabasePools');
}

describe('fuzz: gunicorn.conf.py and app modules', () => {
  const python = [...pythonSeeds(), ...gunicorn.seeds];

  describe('parsers', () => {
    it('random text: the config reader never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(randomText(PIECES, 300), (text) => void checkConfig(text)), settings(200));
    });

    it('mutated real files: the config reader never throws, spans inside, ends in time; reusing the old tree changes nothing', function () {
      fuzzTimeout(this);
      fc.assert(
        fc.property(mutatedSeed(python, PIECES, { inflate: true, maxLineLength: MAX_LINE }), ({ seed, text }) => {
          const fresh = checkConfig(text);
          assert.deepEqual(plain(parseGunicornConfig(text, parseGunicornConfig(seed.text))), plain(fresh));
        }),
        settings(60),
      );
    });

    it('random and mutated text: the app module and database pool readers never throw, spans inside, end in time', function () {
      fuzzTimeout(this);
      const texts = fc.oneof(randomText(PIECES, 300), mutatedSeed(python, PIECES, { inflate: true, maxLineLength: MAX_LINE }).map(({ text }) => text));
      fc.assert(fc.property(texts, checkAppModule), settings(100));
    });
  });

  describe('whole pipeline', () => {
    pipelineProperties(gunicorn, { random: 40, mutated: 30, stable: 30, fixes: 25 });

    it('lint: a mutated app module never breaks the deployment that imports it', function () {
      fuzzTimeout(this);
      // The example deployments whose units or configs name an app module beside them.
      const modules = pythonSeeds().filter((seed) => Object.keys(seed.setup.others ?? {}).length > 0 && !seed.path.includes('gunicorn'));
      assert.ok(modules.length > 0, 'no example has an app module');
      fc.assert(
        fc.property(mutatedSeed(modules, PIECES, { inflate: true, maxLineLength: MAX_LINE }), ({ seed, text }) => {
          const others = Object.entries(seed.setup.others ?? {});
          const [first, ...rest] = others;
          const files = { ...seed.setup.files, [seed.path]: text };
          const reports = withinTime('lint with a mutated app module', text.length, LINT_MS_PER_MB, () => lintFiles(first![0], first![1], { others: Object.fromEntries(rest), files }));
          for (const report of reports) {
            const source = new SourceText([first!, ...rest].find(([path]) => path === report.path)![1]);
            for (const finding of report.findings) {
              assert.notEqual(finding.rule, 'deploylint/internal-error', finding.message);
              assertRangeInside(source, finding.range, `${report.path}: ${finding.rule}`);
            }
          }
        }),
        settings(40, 0.25),
      );
    });
  });
});
