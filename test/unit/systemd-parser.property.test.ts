import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Span } from '../../server/src/core/text/source-text';
import { splitExecValue } from '../../server/src/core/formats/systemd/exec';
import type { UnitEntry } from '../../server/src/core/formats/systemd/model';
import { parseUnit, valueToSource } from '../../server/src/core/formats/systemd/parser';
import { specifiersInValue } from '../../server/src/core/formats/systemd/specifiers';

/** Characters that matter to the parser, weighted towards the troublesome ones. */
const ALPHABET = ['[', ']', '=', '\\', '#', ';', '"', "'", '\n', '\r', '\n', ' ', '\t', 'a', 'b', 'K', 'x', '%', '$', '{', '}', '-', '@', '\0', '\uFEFF', 'é'];
const unitText = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 300 });
/** Texts that look like units more often: a header, then lines of key=value with continuations. */
const unitLike = fc
  .array(fc.tuple(fc.constantFrom('', '[Service]', 'ExecStart=', 'A=', '  B = ', '# c', '; c', '\\'), unitText.map((text) => text.slice(0, 40))), { maxLength: 12 })
  .map((lines) => lines.map(([head, tail]) => head + tail).join('\n'));

const SETTINGS = { seed: 20250252, numRuns: 300 };

function inside(span: Span, text: string): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= text.length;
}

function checkUnit(text: string): void {
  const unit = parseUnit(text);
  const all: UnitEntry[] = [...unit.orphans, ...unit.sections.flatMap((section) => section.entries)];
  for (const section of unit.sections) {
    assert.ok(inside(section.headerSpan, text) && inside(section.nameSpan, text));
  }
  for (const comment of unit.comments) assert.ok(inside(comment.span, text));
  for (const problem of unit.problems) assert.ok(inside(problem.span, text), problem.message);
  for (const entry of all) {
    for (const span of [entry.keySpan, entry.valueSpan, entry.span]) assert.ok(inside(span, text));
    // Every character of the value that came from the source maps to that same character.
    let fromSource = 0;
    for (const piece of entry.pieces) {
      for (let offset = piece.valueOffset; offset < piece.valueOffset + piece.length; offset++) {
        const span = valueToSource(entry, offset, offset + 1);
        assert.equal(text.slice(span.start, span.end), entry.value[offset], `value offset ${offset} of ${JSON.stringify(entry.value)}`);
        fromSource++;
      }
    }
    // What did not come from the source is a space standing for a continuation backslash.
    const synthetic = entry.value.length - fromSource;
    assert.ok(synthetic >= 0);
    if (synthetic > 0) assert.ok([...entry.value].filter((character) => character === ' ').length >= synthetic);
    assert.ok(inside(valueToSource(entry, 0, entry.value.length), text));
    // The layers above must hold too: exec words and specifiers stay on the text.
    const exec = splitExecValue(entry);
    for (const command of exec.commands) {
      assert.ok(inside(command.span, text) && inside(command.prefixSpan, text));
      for (const word of command.argv) assert.ok(inside(word.span, text));
      for (const variable of command.variables) assert.ok(inside(variable.span, text));
    }
    for (const problem of exec.problems) assert.ok(inside(problem.span, text));
    for (const use of specifiersInValue(entry).uses) assert.equal(text.slice(use.span.start, use.span.end), use.text);
  }
}

describe('parseUnit, on random text', () => {
  it('never throws, keeps every span inside the text and maps values back character by character', () => {
    fc.assert(fc.property(unitText, checkUnit), SETTINGS);
  });

  it('holds the same on text shaped like units', () => {
    fc.assert(fc.property(unitLike, checkUnit), SETTINGS);
  });
});
