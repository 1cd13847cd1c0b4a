import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument } from '../../server/src/core/engine/document';
import type { Comment } from '../../server/src/core/formats/common';
import { hostComment } from '../../server/src/core/host/inline';
import { loadKnowledge } from '../../server/src/core/knowledge/tables';
import type { FileKind } from '../../server/src/core/model/finding';

const knowledge = loadKnowledge();

function declared(path: string, kind: FileKind, text: string) {
  const document = parseDocument({ path, kind, text }, knowledge);
  return hostComment(document.comments, text);
}

function seen(path: string, kind: FileKind, text: string): string[] {
  return (declared(path, kind, text)?.problems ?? []).map((problem) => `${text.slice(problem.span.start, problem.span.end)} | ${problem.rule} | ${problem.severity} | ${problem.message}`);
}

describe('# deploylint: host', () => {
  it('is read in a gunicorn.conf.py, a unit and an nginx file alike', () => {
    const python = 'workers = 3\n# deploylint: host cpus=1 memory=1G distro=debian-12\n';
    const unit = '[Service]\n; deploylint: host cpus=1, memory=1G, distro=debian-12\nExecStart=/usr/bin/gunicorn app:app\n';
    const nginx = 'server {\n    listen 80;  # deploylint: host cpus=1,memory=1G,distro=debian-12\n}\n';
    for (const [path, kind, text] of [['/a/gunicorn.conf.py', 'gunicorn', python], ['/a/app.service', 'systemd', unit], ['/a/site.conf', 'nginx', nginx]] as const) {
      const found = declared(path, kind, text);
      assert.ok(found, path);
      assert.deepEqual(found.spec, { cpus: 1, memoryMiB: 1024, distro: 'debian-12', versions: {} }, path);
      assert.deepEqual(found.problems, [], path);
      assert.match(text.slice(found.span.start, found.span.end), /^[#;] deploylint: host cpus=1/, path);
    }
  });

  it('takes every key of --host: the machine, the app and the versions', () => {
    const found = declared('/a/gunicorn.conf.py', 'gunicorn', '# deploylint: host cpus=4 memory=8G container=true worker_memory=250M workload=cpu gunicorn=23.0 nginx=1.22 systemd=252 python=3.11\n');
    assert.deepEqual(found?.spec, {
      cpus: 4,
      memoryMiB: 8192,
      container: true,
      workerMemoryMiB: 250,
      workload: 'cpu',
      versions: { gunicorn: '23.0', nginx: '1.22', systemd: '252', python: '3.11' },
    });
  });

  it('is not a declaration unless the comment starts with it', () => {
    assert.equal(declared('/a/gunicorn.conf.py', 'gunicorn', '# see deploylint: host cpus=2\n# deploylint: hosts cpus=2\nx = "# deploylint: host cpus=2"\n'), undefined);
    assert.equal(declared('/a/.deploylint.ini', 'hostspec', '# deploylint: host cpus=2\n'), undefined);
  });

  it('tolerates spaces around the colon and no space after the marker character', () => {
    assert.equal(declared('/a/app.service', 'systemd', '#deploylint : host cpus=2\n')?.spec.cpus, 2);
  });

  it('underlines an invalid value, an unknown key (with a fix), a pair with no value, and words that are no pairs', () => {
    const text = '# deploylint: host cpus=0, cpu=2 memory= distro=debain-12 -- the small VPS workload=io\n';
    assert.deepEqual(seen('/a/gunicorn.conf.py', 'gunicorn', text), [
      '0 | hostspec/invalid-value | error | cpus must be a whole number of at least 1, not "0"',
      'cpu | hostspec/unknown-key | warning | "cpu" is no host key (cpus, memory, distro, container, worker_memory, workload, gunicorn, systemd, nginx, python); did you mean "cpus"?',
      'memory= | hostspec/invalid-value | error | memory has no value',
      'debain-12 | hostspec/invalid-value | error | "debain-12" is no distro deploylint knows (debian-11, debian-12, debian-13, ubuntu-22.04, ubuntu-24.04); did you mean "debian-12"?',
      '-- the small VPS | hostspec/invalid-value | error | "-- the small VPS" is not a key=value pair: a host comment reads pairs such as cpus=2 memory=1G, separated by spaces or commas',
    ]);
    const found = declared('/a/gunicorn.conf.py', 'gunicorn', text)!;
    // What is valid still counts.
    assert.deepEqual(found.spec, { workload: 'io', versions: {} });
    const fixes = found.problems.flatMap((problem) => (problem.fixes ?? []).map((fix) => `${text.slice(fix.span.start, fix.span.end)} -> ${fix.newText}`));
    assert.deepEqual(fixes, ['cpu -> cpus', 'debain-12 -> debian-12']);
  });

  it('a key given twice: the last counts, the earlier pair is a warning', () => {
    const text = 'server { }  # deploylint: host cpus=2 cpus=4\n';
    assert.deepEqual(seen('/a/site.conf', 'nginx', text), ['cpus=2 | hostspec/invalid-value | warning | cpus is given again later in this comment (cpus=4), and the last one counts: this pair changes nothing']);
    assert.equal(declared('/a/site.conf', 'nginx', text)?.spec.cpus, 4);
  });

  it('only the first host comment counts; a second one is reported', () => {
    const text = '[Unit]\n# deploylint: host cpus=2\n[Service]\n# deploylint: host memory=2G\n';
    const found = declared('/a/app.service', 'systemd', text)!;
    assert.deepEqual(found.spec, { cpus: 2, versions: {} });
    assert.deepEqual(seen('/a/app.service', 'systemd', text), [
      'deploylint: host | hostspec/invalid-value | warning | Only the first "deploylint: host" comment of a file counts (line 2): this one is ignored; merge its pairs into that one',
    ]);
  });

  it('keeps its spans inside the comment when a parser hands over a span that does not end with the text', () => {
    const text = '#  deploylint: host cpus=x   \n';
    const comment: Comment = { text: ' deploylint: host cpus=x', span: { start: 0, end: 29 } };
    const found = hostComment([comment], text)!;
    assert.deepEqual(found.problems.map((problem) => text.slice(problem.span.start, problem.span.end)), ['x']);
  });

  it('never throws on arbitrary comments, and keeps every span inside the comment', () => {
    const ALPHABET = ['d', 'e', 'p', 'l', 'o', 'y', 'i', 'n', 't', ':', ' ', 'h', 's', '=', ',', 'c', 'u', '1', 'G', '\t', '-', '.', 'é', '\0'];
    const body = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 80 });
    fc.assert(
      fc.property(fc.constantFrom(' deploylint: host ', 'deploylint:host ', ' deploylint : host', ''), body, fc.constantFrom('# ', '#', ';'), (marker, rest, lead) => {
        const commentText = marker + rest;
        const prefix = 'x = 1\n';
        const text = `${prefix}${lead.trimEnd()}${commentText}\n`;
        const start = prefix.length;
        const comment: Comment = { text: commentText, span: { start, end: start + lead.trimEnd().length + commentText.length } };
        const found = hostComment([comment, comment], text);
        for (const problem of found?.problems ?? []) {
          assert.ok(problem.span.start >= comment.span.start && problem.span.start <= problem.span.end && problem.span.end <= comment.span.end, JSON.stringify(problem));
          for (const fix of problem.fixes ?? []) assert.ok(fix.span.start >= comment.span.start && fix.span.end <= comment.span.end);
        }
      }),
      { seed: 20250302, numRuns: 400 },
    );
  });
});

describe('# deploylint: host, on a hostile file', () => {
  it('reads a comment of 100,000 pairs in linear time', () => {
    const body = ' deploylint: host' + ' cpus=2'.repeat(100_000);
    const started = Date.now();
    const found = hostComment([{ text: body, span: { start: 0, end: body.length + 1 } }], `#${body}`)!;
    assert.equal(found.spec.cpus, 2);
    assert.equal(found.problems.length, 99_999);
    assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
  });
});
