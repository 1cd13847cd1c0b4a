import assert from 'node:assert/strict';
import type { Span } from '../../server/src/core/text/source-text';
import type { NginxDirective, NginxFile } from '../../server/src/core/formats/nginx/model';
import { parseNginx, unescapeWord } from '../../server/src/core/formats/nginx/parser';
import { walkNginx } from '../../server/src/core/formats/nginx/walk';

/** Every directive as "outer>inner>name", in source order. */
export function outline(file: NginxFile): string[] {
  const found: string[] = [];
  walkNginx(file.directives, (directive, ancestors) => {
    found.push([...ancestors.map((ancestor) => ancestor.name), directive.name].join('>'));
  });
  return found;
}

/** What a user sees of each syntax problem: the underlined text and the message. */
export function problemsSeen(text: string): [string, string][] {
  return parseNginx(text).problems.map((problem) => [text.slice(problem.span.start, problem.span.end), problem.message]);
}

/** The words of the only (or first) directive: name then argument values. */
export function wordsOf(text: string): string[] {
  const [directive] = parseNginx(text).directives;
  assert.ok(directive, `no directive in ${JSON.stringify(text)}`);
  return [directive.name, ...directive.args.map((arg) => arg.value)];
}

export function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

const SPACE = new Set([' ', '\t', '\r', '\n']);

/**
 * Checks what must hold for any text, broken or not: spans inside the text, in source
 * order, not overlapping; each span underlines what its node says it is. Iterative, so
 * it can check deeply nested files too.
 */
export function assertWellFormed(text: string, file: NginxFile): void {
  const inside = (span: Span, what: string) => {
    assert.ok(span.start >= 0 && span.start <= span.end && span.end <= text.length, `${what} ${JSON.stringify(span)} outside the text`);
  };
  // Pre-order position of the last thing seen, to check source order across the tree.
  let lastName = -1;
  // Per nesting level: where the previous sibling ended.
  const siblingEnd: number[] = [];
  walkNginx(file.directives, (directive: NginxDirective, ancestors) => {
    const depth = ancestors.length;
    siblingEnd.length = depth + 1;
    const parent = ancestors[depth - 1];
    if (parent) {
      const block = parent.block!;
      assert.ok(directive.span.start >= block.openSpan.end, 'child after its parent\'s "{"');
      assert.ok(directive.span.end <= (block.closeSpan?.start ?? text.length), 'child before its parent\'s "}"');
    }
    assert.ok(directive.nameSpan.start > lastName, `directives in source order at ${directive.nameSpan.start}`);
    lastName = directive.nameSpan.start;
    assert.ok(directive.span.start >= (siblingEnd[depth] ?? 0), 'siblings do not overlap');
    siblingEnd[depth] = directive.span.end;

    inside(directive.span, 'directive');
    inside(directive.nameSpan, 'name');
    assert.equal(directive.span.start, directive.nameSpan.start, 'a directive starts at its name');
    checkWord(text, { value: directive.name, span: directive.nameSpan, ...quoteOf(text, directive.nameSpan) });
    let previous = directive.nameSpan.end;
    for (const arg of directive.args) {
      inside(arg.span, 'argument');
      assert.ok(arg.span.start >= previous, 'arguments in order');
      previous = arg.span.end;
      checkWord(text, arg);
    }
    assert.ok(directive.span.end >= previous, 'the directive covers its words');
    if (directive.semicolonSpan) {
      assert.equal(slice(text, directive.semicolonSpan), ';');
      assert.equal(directive.block, undefined);
      assert.equal(directive.span.end, directive.semicolonSpan.end);
    }
    if (directive.block) {
      const block = directive.block;
      assert.equal(slice(text, block.openSpan), '{');
      assert.ok(block.openSpan.start >= previous, '"{" after the words');
      if (block.closeSpan) {
        assert.equal(slice(text, block.closeSpan), '}');
        assert.equal(directive.span.end, block.closeSpan.end);
      } else {
        assert.equal(directive.span.end, text.length, 'an unclosed block reaches the end of the file');
      }
    }
  });
  let previousComment = -1;
  for (const comment of file.comments) {
    inside(comment.span, 'comment');
    assert.ok(comment.span.start > previousComment, 'comments in order');
    previousComment = comment.span.start;
    assert.equal(text[comment.span.start], '#');
    assert.equal(comment.text, text.slice(comment.span.start + 1, comment.span.end));
  }
  for (const problem of file.problems) inside(problem.span, 'problem');
}

function quoteOf(text: string, span: Span): { quote?: '"' | "'" } {
  const first = text[span.start];
  return first === '"' || first === "'" ? { quote: first } : {};
}

function checkWord(text: string, word: { value: string; span: Span; quote?: '"' | "'" }): void {
  const raw = slice(text, word.span);
  if (word.quote) {
    assert.equal(raw[0], word.quote, 'a quoted word starts with its quote');
    return;
  }
  assert.ok(raw.length > 0, 'an unquoted word is not empty');
  assert.ok(!SPACE.has(raw[0]!), 'an unquoted word does not start with white space');
  assert.equal(word.value, unescapeWord(raw), 'an unquoted word is its text, unescaped');
}
