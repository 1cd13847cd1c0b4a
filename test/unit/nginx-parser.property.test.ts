import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NginxFile } from '../../server/src/core/formats/nginx/model';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { walkNginx } from '../../server/src/core/formats/nginx/walk';
import { configuration, treeOf } from '../helpers/nginx-arbitraries';
import { assertWellFormed } from '../helpers/nginx-parse';

/** Characters that matter to nginx's reader, and a few that should not. */
const PIECES = [
  '{', '}', ';', '"', "'", '\\', '#', '$', '${', '(', ')',
  ' ', ' ', '\t', '\n', '\n', '\r\n', '\r',
  'a', 'b', 'x', 'server', 'listen 80;', 'location / {', 'map $a $b {', 'include x;',
  '\0', 'é', '\uFEFF', '\uD83D', '\uDE00', '\u{1F600}',
];

const hostileText = fc.array(fc.constantFrom(...PIECES), { maxLength: 120 }).map((pieces) => pieces.join(''));

/** Pieces that seldom make a syntax error, so that most texts parse cleanly. */
const FRIENDLY = ['a', 'b}c', ' ', ' ', '\n', '\r\n', '\t', ';', 'x { y; }', 'x{}', '"q \\" ; {" ', "'s # }' ", '#c ; {\n', '${v}', 'w$', '\\;', 'a#b', '(', ')', '"p")', '\0', 'é'];
const friendlyText = fc.array(fc.constantFrom(...FRIENDLY), { maxLength: 60 }).map((pieces) => `${pieces.join('')} end;`);

/** Every character is white space or in exactly one token: a word, a comment, ";", "{" or "}". */
function assertTokensCover(text: string, file: NginxFile): void {
  const owner = new Int32Array(text.length);
  const claim = (start: number, end: number) => {
    for (let index = start; index < end; index++) {
      if (owner[index] !== 0) assert.fail(`offset ${index} of ${JSON.stringify(text)} is in two tokens`);
      owner[index] = 1;
    }
  };
  walkNginx(file.directives, (directive) => {
    claim(directive.nameSpan.start, directive.nameSpan.end);
    for (const arg of directive.args) claim(arg.span.start, arg.span.end);
    if (directive.semicolonSpan) claim(directive.semicolonSpan.start, directive.semicolonSpan.end);
    if (directive.block) claim(directive.block.openSpan.start, directive.block.openSpan.end);
    if (directive.block?.closeSpan) claim(directive.block.closeSpan.start, directive.block.closeSpan.end);
  });
  for (const comment of file.comments) claim(comment.span.start, comment.span.end);
  for (let index = 0; index < text.length; index++) {
    if (owner[index] === 0 && !' \t\r\n'.includes(text[index]!)) assert.fail(`offset ${index} of ${JSON.stringify(text)} is in no token`);
  }
}

describe('parseNginx: properties', () => {
  it('never throws; spans stay inside the text, in source order; parsing again gives the same result', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const file = parseNginx(text);
        assertWellFormed(text, file);
        assert.deepEqual(parseNginx(text), file);
      }),
      { seed: 20_221_122, numRuns: 300 },
    );
  });

  it('on text without problems, every character is white space or in exactly one token', () => {
    let checked = 0;
    fc.assert(
      fc.property(friendlyText, (text) => {
        const file = parseNginx(text);
        if (file.problems.length > 0) return;
        checked++;
        assertTokensCover(text, file);
      }),
      { seed: 7, numRuns: 300 },
    );
    assert.ok(checked > 100, `only ${checked} texts without problems`);
  });

  it('reads back a generated configuration: names, values and nesting', () => {
    fc.assert(
      fc.property(configuration, ({ text, tree }) => {
        const file = parseNginx(text);
        assert.deepEqual(file.problems, [], text);
        assert.deepEqual(treeOf(file), tree, text);
        assertWellFormed(text, file);
        assertTokensCover(text, file);
      }),
      { seed: 1729, numRuns: 300 },
    );
  });
});
