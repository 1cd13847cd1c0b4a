import assert from 'node:assert/strict';
import { SourceText } from '../../server/src/core/text/source-text';
import { applyEdits } from '../../server/src/core/text/edits';

describe('SourceText', () => {
  it('maps offsets to positions across \\n, \\r\\n and lone \\r line breaks', () => {
    const source = new SourceText('ab\ncd\r\nef\rgh');
    assert.deepEqual(source.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(source.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(source.positionAt(7), { line: 2, character: 0 });
    assert.deepEqual(source.positionAt(10), { line: 3, character: 0 });
    assert.equal(source.lineCount, 4);
    assert.equal(source.lineEnd(1), 5);
  });

  it('round-trips every offset through a position', () => {
    const text = 'x = 1\r\n\r\ny = "é"\n\tz\r';
    const source = new SourceText(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const position = source.positionAt(offset);
      const back = source.offsetAt(position);
      // An offset between \r and \n has no position of its own: it maps to the line end.
      if (text[offset - 1] === '\r' && text[offset] === '\n') assert.equal(back, offset - 1);
      else assert.equal(back, offset);
    }
  });

  it('clamps positions past the end of a line or document', () => {
    const source = new SourceText('abc\nde');
    assert.equal(source.offsetAt({ line: 0, character: 99 }), 3);
    assert.equal(source.offsetAt({ line: 9, character: 0 }), 6);
    assert.deepEqual(source.positionAt(99), { line: 1, character: 2 });
  });
});

describe('applyEdits', () => {
  it('applies edits given in any order', () => {
    const text = 'one two three';
    const result = applyEdits(text, [
      { range: { start: { line: 0, character: 8 }, end: { line: 0, character: 13 } }, newText: '3' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, newText: '1' },
    ]);
    assert.equal(result, '1 two 3');
  });

  it('refuses overlapping edits', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } };
    assert.equal(applyEdits('abcdef', [{ range, newText: 'x' }, { range, newText: 'y' }]), undefined);
  });
});
