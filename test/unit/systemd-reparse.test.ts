import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseUnit } from '../../server/src/core/formats/systemd/parser';
import { reparseUnit, type PreviousUnit } from '../../server/src/core/formats/systemd/reparse';

/** Lines of unit files systemd reads without a problem: sections, entries, continuations, comments inside them. */
const LINES = [
  '[Unit]', '[Service]', '[Install]', '[X-Custom]', 'Description=app', 'After=network.target', 'ExecStart=/usr/bin/gunicorn \\', '    --workers 2 app:app',
  '# a comment', '; another', '  Environment=A=1 B=2', 'Restart=always', 'KillMode=mixed \\\\', '\\', '', '   ', 'Key = spaced value ',
];
/** Lines it has something to say about. */
const BROKEN = ['NoEquals', '=novalue', '[Bad'];
const TYPED = ['\n', '\\', '#', '=', ' ', 'x', 'x', 'x', 'Restart=on-failure\n', '[Service]\n', '[X-New]\n', '# note\n', 'é'];
/** Characters after which the reparse reads whole files: typed now and then. */
const AWKWARD = ['\r', '\uFEFF', '\0'];

const unitText = fc
  .array(fc.oneof({ arbitrary: fc.constantFrom(...LINES), weight: 30 }, { arbitrary: fc.constantFrom(...BROKEN), weight: 1 }), { minLength: 5, maxLength: 40 })
  // Mostly under a first header: an assignment before any is a problem, and a parse with problems is read whole.
  .chain((lines) => fc.constantFrom('[Unit]\n', '[Unit]\n', '[Unit]\n', '').map((head) => `${head}${lines.join('\n')}\n`));
const edits = fc.array(
  fc.tuple(
    fc.noBias(fc.integer({ min: 0, max: 1000 })),
    fc.nat({ max: 12 }),
    fc.array(fc.oneof({ arbitrary: fc.constantFrom(...TYPED), weight: 20 }, { arbitrary: fc.constantFrom(...AWKWARD), weight: 1 }), { maxLength: 3 }).map((pieces) => pieces.join('')),
  ),
  { minLength: 1, maxLength: 6 },
);

function units(count: number): string {
  const lines = ['# keystrokes land here: x', '[Unit]', 'Description=bench', '', '[Service]', 'ExecStart=/usr/bin/app'];
  for (let index = 0; index < count; index++) lines.push(`Environment=VARIABLE_${index}=value${index}`);
  return `${lines.join('\n')}\n[Install]\nWantedBy=multi-user.target\n`;
}

describe('reparseUnit', () => {
  it('after any run of edits, gives exactly what a fresh parse of the new text gives', () => {
    let reparses = 0;
    let reused = 0;
    fc.assert(
      fc.property(fc.oneof(unitText, fc.integer({ min: 5, max: 60 }).map(units)), edits, (text, steps) => {
        let previous: PreviousUnit = { text, unit: parseUnit(text) };
        for (const [place, deleted, inserted] of steps) {
          const at = Math.floor((place / 1000) * previous.text.length);
          const next = previous.text.slice(0, at) + inserted + previous.text.slice(at + deleted);
          const entriesBefore = new Set([...previous.unit.orphans, ...previous.unit.sections.flatMap((section) => section.entries)]);
          const reparsed = reparseUnit(previous, next);
          if ([...reparsed.orphans, ...reparsed.sections.flatMap((section) => section.entries)].some((entry) => entriesBefore.has(entry))) reused++;
          assert.deepEqual(reparsed, parseUnit(next), `${JSON.stringify(previous.text)} -> ${JSON.stringify(next)}`);
          reparses++;
          previous = { text: next, unit: reparsed };
        }
      }),
      { seed: 2_024, numRuns: 600 },
    );
    assert.ok(reparses > 1_500 && reused > 600, `${reused} of ${reparses} reparses took entries over`);
  });

  it('a keystroke in a comment above 2,000 entries takes them over, moved, in the same objects', () => {
    const before = units(2000);
    const previous = parseUnit(before);
    const lastEntry = previous.sections[1]!.entries[2000];
    const after = before.replace('here: x', 'here: xy');
    const reparsed = reparseUnit({ text: before, unit: previous }, after);
    assert.deepEqual(reparsed, parseUnit(after));
    assert.equal(reparsed.sections[1]!.entries[2000], lastEntry);
    assert.equal(after.slice(lastEntry!.span.start, lastEntry!.span.end), 'Environment=VARIABLE_1999=value1999');
  });

  it('typing a section header in the middle splits the section as a fresh parse does', () => {
    const before = units(10);
    const at = before.indexOf('Environment=VARIABLE_5');
    const after = `${before.slice(0, at)}[X-Split]\n${before.slice(at)}`;
    const reparsed = reparseUnit({ text: before, unit: parseUnit(before) }, after);
    assert.deepEqual(reparsed, parseUnit(after));
    assert.deepEqual(reparsed.sections.map((section) => [section.name, section.entries.length]), [['Unit', 1], ['Service', 6], ['X-Split', 5], ['Install', 1]]);
  });

  it('reads on past the edit while the section differs: a line X- sections allow is a problem in another', () => {
    const before = '[X-Notes]\nA=1\nB=2\nNo equals sign here\n';
    const after = before.replace('[X-Notes]\n', '[X-Notes]\n[Service]\n');
    const reparsed = reparseUnit({ text: before, unit: parseUnit(before) }, after);
    assert.deepEqual(reparsed, parseUnit(after));
    assert.deepEqual(reparsed.problems.map((problem) => problem.message), ["Missing '=': systemd ignores this line"]);
  });
});
