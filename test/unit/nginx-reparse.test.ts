import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NginxDirective } from '../../server/src/core/formats/nginx/model';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { reparseNginx, type PreviousNginx } from '../../server/src/core/formats/nginx/reparse';
import { configuration } from '../helpers/nginx-arbitraries';

/** What can be typed or pasted: pieces that matter to nginx's reader, and whole configurations. */
const TYPED = ['{', '}', ';', '"', "'", '\\', '#', '$', '${', ' ', '\n', '\r\n', 'a', 'server', 'listen 80;', 'location / {', 'x { y; }', '# c\n', '\uFEFF'];
const typed = fc.oneof(
  fc.array(fc.constantFrom(...TYPED), { maxLength: 4 }).map((pieces) => pieces.join('')),
  configuration.map((generated) => generated.text),
);

/** A text and a run of edits, each at a place drawn in thousandths of the text's length (unbiased: fast-check favours the ends). */
const editing = fc.record({
  text: fc.oneof(
    { arbitrary: fc.array(configuration, { minLength: 2, maxLength: 8 }).map((parts) => parts.map((part) => part.text).join('\n')), weight: 4 },
    { arbitrary: configuration.map((generated) => generated.text), weight: 1 },
    // Longer than the chunks the texts are compared in.
    { arbitrary: fc.array(configuration, { minLength: 4, maxLength: 8 }).map((parts) => parts.map((part) => part.text).join('\n').repeat(12)), weight: 1 },
    { arbitrary: fc.array(fc.constantFrom(...TYPED), { maxLength: 40 }).map((pieces) => pieces.join('')), weight: 1 },
  ),
  edits: fc.array(fc.tuple(fc.noBias(fc.integer({ min: 0, max: 1000 })), fc.nat({ max: 6 }), typed), { minLength: 1, maxLength: 5 }),
});

function edited(text: string, [place, deleted, inserted]: [number, number, string]): string {
  const at = Math.floor((place / 1000) * text.length);
  return text.slice(0, at) + inserted + text.slice(Math.min(text.length, at + deleted));
}

function sites(count: number): string {
  const blocks = ['# keystrokes land here: x'];
  for (let index = 0; index < count; index++) blocks.push(`server {\n    listen ${8000 + index};\n    location / {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}`);
  return `${blocks.join('\n')}\n`;
}

function reparse(before: string, after: string) {
  return reparseNginx({ text: before, file: parseNginx(before) }, after);
}

describe('reparseNginx', () => {
  it('after any run of edits, gives exactly what a fresh parse of the new text gives', () => {
    let reparses = 0;
    let reusedBefore = 0;
    let reusedAfter = 0;
    let inBlocks = 0;
    fc.assert(
      fc.property(editing, ({ text, edits }) => {
        let previous: PreviousNginx = { text, file: parseNginx(text) };
        for (const edit of edits) {
          const next = edited(previous.text, edit);
          const reparsed = reparseNginx(previous, next);
          assert.deepEqual(reparsed.file, parseNginx(next), `${JSON.stringify(previous.text)} -> ${JSON.stringify(next)}`);
          reparses++;
          if (reparsed.keptBefore > 0) reusedBefore++;
          if (reparsed.keptAfter > 0) reusedAfter++;
          if (reparsed.depth > 0) inBlocks++;
          // The next edit builds on this reparse, as the editor's next keystroke does.
          previous = { text: next, file: reparsed.file };
        }
      }),
      { seed: 4_242, numRuns: 500 },
    );
    // The property says something only if reuse happened often, on both sides of edits.
    assert.ok(reusedBefore > 250 && reusedAfter > 150 && inBlocks > 200, `of ${reparses} reparses, ${reusedBefore} reused directives before the edit, ${reusedAfter} after it, ${inBlocks} read inside a block`);
  });

  it('a keystroke in a comment above 300 server blocks takes every block over, with its offsets moved', () => {
    const before = sites(300);
    const after = before.replace('here: x', 'here: xy');
    const reparsed = reparse(before, after);
    assert.deepEqual([reparsed.keptBefore, reparsed.keptAfter], [0, 300]);
    assert.deepEqual(reparsed.file, parseNginx(after));
    const last = reparsed.file.directives[299]!;
    assert.equal(after.slice(last.nameSpan.start, last.span.end), 'server {\n    listen 8299;\n    location / {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}');
  });

  it('a keystroke inside a block rereads the directive it touched, in that block', () => {
    const before = sites(10);
    const at = before.indexOf('listen 8004;') + 'listen 800'.length;
    const after = `${before.slice(0, at)}9${before.slice(at)}`;
    const reparsed = reparse(before, after);
    // In the fifth server: the listen line read again, the location after it taken over.
    assert.deepEqual([reparsed.depth, reparsed.keptBefore, reparsed.keptAfter], [1, 0, 1]);
    assert.deepEqual(reparsed.file, parseNginx(after));
    assert.equal(reparsed.file.directives[4]!.block!.directives[0]!.args[0]!.value, '80094');
    // The blocks around the edit are the very objects of the previous parse.
    const previous = parseNginx(before);
    const [third, fifth] = [previous.directives[3], previous.directives[5]];
    const kept = reparseNginx({ text: before, file: previous }, after);
    assert.equal(kept.file.directives[3], third);
    assert.equal(kept.file.directives[5], fifth);
  });

  it('an opened quote rereads to the end of the file, and closing it takes the blocks over again', () => {
    const before = sites(10);
    const at = before.indexOf('listen 8004;') + 'listen '.length;
    const opened = `${before.slice(0, at)}"${before.slice(at)}`;
    const withQuote = reparse(before, opened);
    // Reading in the server met the end of the file: the top level is read instead, from the fifth server on.
    assert.deepEqual([withQuote.depth, withQuote.keptBefore, withQuote.keptAfter], [0, 4, 0]);
    assert.deepEqual(withQuote.file, parseNginx(opened));
    assert.equal(withQuote.file.problems[0]!.message, 'unterminated double-quoted string: the closing " is missing, nginx reads to the end of the file and fails');
    // A parse with problems is not built on: the next keystroke is a whole reading.
    const closed = `${before.slice(0, at)}"8004"${before.slice(at + 4)}`;
    const afterQuote = reparseNginx({ text: opened, file: withQuote.file }, closed);
    assert.deepEqual([afterQuote.keptBefore, afterQuote.keptAfter], [0, 0]);
    assert.deepEqual(afterQuote.file, parseNginx(closed));
    const fromClean = reparse(before, closed);
    assert.deepEqual([fromClean.depth, fromClean.keptBefore, fromClean.keptAfter], [1, 0, 1]);
  });

  it('a keystroke in an http block of 300 servers rereads a comment, and copies the http block only', () => {
    const servers = sites(300).replace('# keystrokes land here: x\n', '').replace(/^/gm, '    ');
    const before = `events {}\nhttp {\n    # keystrokes land here: x\n${servers}}\n`;
    const after = before.replace('here: x', 'here: xy');
    const previous = parseNginx(before);
    const [events, http] = previous.directives;
    const lastServer = http!.block!.directives[299];
    const reparsed = reparseNginx({ text: before, file: previous }, after);
    assert.deepEqual([reparsed.depth, reparsed.keptBefore, reparsed.keptAfter], [1, 0, 300]);
    assert.deepEqual(reparsed.file, parseNginx(after));
    assert.equal(reparsed.file.directives[0], events);
    assert.notEqual(reparsed.file.directives[1], http);
    assert.equal(reparsed.file.directives[1]!.block!.directives[299], lastServer);
    assert.equal(after.slice(lastServer!.span.start, lastServer!.span.start + 28), 'server {\n        listen 8299');
  });

  it('typing just before a block\'s "}" stops at the "}"', () => {
    const before = 'http {\n    server {\n        listen 80;\n    }\n    server {\n        listen 81;\n    }\n}\n';
    const at = before.indexOf('listen 80;') + 'listen 80;'.length;
    const after = `${before.slice(0, at)}\n        server_name a;${before.slice(at)}`;
    const reparsed = reparse(before, after);
    assert.deepEqual([reparsed.depth, reparsed.keptBefore, reparsed.keptAfter], [2, 1, 0]);
    assert.deepEqual(reparsed.file, parseNginx(after));
  });

  it('deleting the "}" of a location rereads the top level, as nginx would now read it', () => {
    const before = 'http {\n    server {\n        location / {\n            return 200;\n        }\n    }\n}\nevents {}\n';
    const at = before.indexOf('        }');
    const after = before.slice(0, at) + before.slice(at + '        }\n'.length);
    const reparsed = reparse(before, after);
    assert.equal(reparsed.depth, 0);
    assert.deepEqual(reparsed.file, parseNginx(after));
    assert.equal(reparsed.file.problems[0]!.message, 'unexpected end of file, expecting "}": the "http" block opened on line 1 is never closed');
  });

  it('moves blocks nested 100,000 deep without exhausting the stack', () => {
    const depth = 100_000;
    const before = `# x\n${'a {\n'.repeat(depth)}b;\n${'}\n'.repeat(depth)}`;
    const after = before.replace('# x', '# xy');
    const reparsed = reparse(before, after);
    assert.equal(reparsed.keptAfter, 1);
    const innermost = (directives: readonly NginxDirective[]): NginxDirective => {
      let directive = directives[0]!;
      while (directive.block) directive = directive.block.directives[0]!;
      return directive;
    };
    const moved = innermost(reparsed.file.directives);
    assert.deepEqual(moved, innermost(parseNginx(after).directives));
    assert.equal(after.slice(moved.span.start, moved.span.end), 'b;');
  });

  it('the same text gives the same parse', () => {
    const text = sites(3);
    const previous = parseNginx(text);
    assert.deepEqual(reparseNginx({ text, file: previous }, text).file, previous);
  });
});
