import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseNginx } from '../../../server/src/core/formats/nginx/parser';
import { parseUnit } from '../../../server/src/core/formats/systemd/parser';
import { parseHostOption } from '../../../server/src/core/host/host-spec';
import { parseHostIni } from '../../../server/src/core/host/ini-file';
import { hostComment } from '../../../server/src/core/host/inline';
import { linter } from '../../helpers/lint';
import { assertSpansInside, fuzzTimeout, mutatedSeed, PARSE_MS_PER_MB, pipelineProperties, randomText, seedsOf, settings, withinTime, writtenSeed, type PipelineSubject } from './support';

const KNOWN_RULES: ReadonlySet<string> = new Set(linter.rules.map((rule) => rule.id));
/** Messages of the lines the reader cannot take apart: an unclosed header, text after one, a line starting with "=". */
const STRUCTURAL = [/is missing its closing "\]"/, /may follow a section header/, /has no key before "="/];

const PIECES = [
  '[', ']', '=', ' = ', ';', '#', '\\;', '"', "'", '\n', ' ', '\t', ',',
  '[host]', '[versions]', '[app]', '[rules]', '[hots]', '[host', '[host] ; comment', '[host] trailing',
  'cpus = 2', 'cpus = 0', 'cpus = -1', 'cpus = 99999999999999999999', 'cpu = 2', 'memory = 1G', 'memory = 512M', 'memory = 1.5 GiB', 'memory = lots',
  'distro = debian-12', 'distro = debian12', 'distro = ubuntu-24.04', 'container = true', 'container = maybe',
  'gunicorn = 23.0', 'systemd = 252', 'nginx = 1.22', 'nginx = 1.x', 'python = 3.12', 'worker_memory = 120M', 'workload = io', 'workload = ios',
  'nginx/unknown-directive = off', 'gunicorn/worker-count = warning', 'nope/rule = error', 'systemd/runs-as-root = loud',
  'deploylint: host cpus=2 memory=1G', 'deploylint: host cpus=2,memory=1G distro=debian-12', 'deploylint : host', 'deploylint: host cpus=',
];

/** A declaration with something for each hostspec problem that has a fix. */
const FIXABLE = `[host]
cpu = 2
memory = 1G
distro = debian12
[versions]
nginx = 1.22
[app]
workload = io
[rules]
nginx/unknwn-directive = off
[host]
cpus = 2
cpus = 4
`;

const host: PipelineSubject = {
  kind: 'hostspec',
  path: '/srv/fuzz/.deploylint.ini',
  seeds: [...seedsOf('hostspec'), writtenSeed('fixable .deploylint.ini', '/srv/fixable/.deploylint.ini', FIXABLE)],
  pieces: PIECES,
  comment: '; an unrelated comment',
  // The reader's structural problems only: a fix that renames [ost] to [host] rightly
  // exposes the keys under it to checking, so other problems may grow in number.
  syntaxProblems: (text) => parseHostIni(text, KNOWN_RULES).problems.filter((problem) => STRUCTURAL.some((pattern) => pattern.test(problem.message))).length,
  // Every line of an ini file stands alone: a comment line is a comment wherever it is.
  appendedIsUnrelated: () => true,
};

function checkIni(text: string): void {
  const read = withinTime('parseHostIni', text.length, PARSE_MS_PER_MB, () => parseHostIni(text, KNOWN_RULES));
  assertSpansInside(text, read, 'parseHostIni');
}

/** The `# deploylint: host …` comment reader, on the comments of the nginx and unit parsers. */
function checkInline(text: string): void {
  for (const comments of [parseNginx(text).comments, parseUnit(text).comments]) {
    const declared = withinTime('hostComment', text.length, PARSE_MS_PER_MB, () => hostComment(comments, text));
    if (!declared) continue;
    assertSpansInside(text, declared, 'hostComment');
    // A problem underlines part of the declaring comment, or a later declaration.
    for (const problem of declared.problems) assert.ok(comments.some((comment) => comment.span.start <= problem.span.start && problem.span.end <= comment.span.end), problem.message);
  }
}

describe('fuzz: host declarations (.deploylint.ini, host comments, --host)', () => {
  it('has seeds: the examples', () => {
    assert.ok(host.seeds.length >= 5, `${host.seeds.length} seeds`);
  });

  describe('readers', () => {
    it('.deploylint.ini, random text: never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(randomText(PIECES, 300), checkIni), settings(400));
    });

    it('.deploylint.ini, mutated real files: never throws, spans inside, ends in time', function () {
      fuzzTimeout(this);
      fc.assert(fc.property(mutatedSeed(host.seeds, PIECES, { inflate: true }), ({ text }) => checkIni(text)), settings(300));
    });

    it('host comments: never throw, problems inside the comments, end in time', function () {
      fuzzTimeout(this);
      const commented = fc.array(fc.tuple(fc.constantFrom('# ', '#', '; '), randomText(PIECES, 12)), { maxLength: 6 }).map((lines) => lines.map(([marker, body]) => marker + body.replace(/[\r\n]/g, ' ')).join('\n'));
      fc.assert(fc.property(fc.oneof(commented, randomText(PIECES, 200)), checkInline), settings(300));
    });

    it('--host option: never throws', function () {
      fuzzTimeout(this);
      fc.assert(
        fc.property(randomText(PIECES, 20), (text) => {
          const read = parseHostOption(text);
          assert.ok('error' in read ? typeof read.error === 'string' : typeof read === 'object');
        }),
        settings(300),
      );
    });
  });

  describe('whole pipeline', () => pipelineProperties(host, { random: 60, mutated: 40, stable: 40, fixes: 25 }));
});
