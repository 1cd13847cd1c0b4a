import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import util from 'node:util';
import fc from 'fast-check';
import { detectKind } from '../../../server/src/core/engine/detect';
import type { FileKind, Finding, Fix } from '../../../server/src/core/model/finding';
import { applyEdits } from '../../../server/src/core/text/edits';
import { SourceText, type Range } from '../../../server/src/core/text/source-text';
import { lint, linter, type LintSetup } from '../../helpers/lint';
import { underlinedRange } from '../../helpers/text';

/**
 * Shared machinery of the fuzz properties (test/unit/fuzz/*.test.ts).
 *
 * `npm test` runs every property with a fixed seed and a small number of cases, so the
 * run is quick and the same every time. `npm run fuzz` sets DEPLOYLINT_FUZZ_RUNS, which
 * scales the number of cases (and lifts the time limits); DEPLOYLINT_FUZZ_SEED picks
 * another seed, to explore past what the fixed one reaches.
 */

const requestedRuns = Number(process.env.DEPLOYLINT_FUZZ_RUNS);
/** Cases per property asked for by DEPLOYLINT_FUZZ_RUNS, or undefined for the quick default. */
export const FUZZ_RUNS = Number.isFinite(requestedRuns) && requestedRuns > 0 ? Math.floor(requestedRuns) : undefined;
const requestedSeed = Number(process.env.DEPLOYLINT_FUZZ_SEED);
export const FUZZ_SEED = Number.isSafeInteger(requestedSeed) ? requestedSeed : 20_261_123;

/**
 * How many cases a property runs: `quick` under `npm test`; under `npm run fuzz`,
 * DEPLOYLINT_FUZZ_RUNS times `share` (expensive properties take a share of it).
 */
export function runs(quick: number, share = 1): number {
  return FUZZ_RUNS === undefined ? quick : Math.max(quick, Math.round(FUZZ_RUNS * share));
}

/** fast-check parameters: the fixed seed, the number of cases, and no verbose noise. */
export function settings(quick: number, share = 1): fc.Parameters<unknown> {
  // DEPLOYLINT_FUZZ_PATH replays one failure (with its seed, and --grep for its property).
  const path = process.env.DEPLOYLINT_FUZZ_PATH;
  return { seed: FUZZ_SEED, numRuns: runs(quick, share), ...(path ? { path } : {}) };
}

/** Mocha's limit for a property: generous for the quick run, none for a long fuzz run. */
export function fuzzTimeout(context: Mocha.Context, quickMs = 60_000): void {
  context.timeout(FUZZ_RUNS === undefined ? quickMs : 0);
}

// ------------------------------------------------------------------------- seeds

export interface Seed {
  /** Where the text came from, for failure messages. */
  readonly name: string;
  /** Absolute path the text is linted under (the real one of the seed file). */
  readonly path: string;
  readonly text: string;
  /** The other files of the same example deployment: checked with it, so stack rules run. */
  readonly setup: LintSetup;
}

const ROOT = resolve(__dirname, '../../..');

function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const pending = [folder];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) pending.push(path);
      else found.push(path);
    }
  }
  return found.sort();
}

let allSeeds: { kind: FileKind | undefined; seed: Seed }[] | undefined;

/**
 * Real files to mutate: the example deployments (each file with the rest of its folder,
 * so the stack rules see a whole deployment) and the test corpora and fixtures.
 */
function loadSeeds(): { kind: FileKind | undefined; seed: Seed }[] {
  if (allSeeds) return allSeeds;
  allSeeds = [];
  const examples = join(ROOT, 'examples');
  for (const name of readdirSync(examples).sort()) {
    const folder = join(examples, name);
    if (!statSync(folder).isDirectory()) continue;
    const files = filesUnder(folder).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    const kinds = new Map(files.map((file) => [file.path, detectKind(file.path, file.text, linter.isNginxDirective)]));
    for (const file of files) {
      const others: Record<string, string> = {};
      const readable: Record<string, string> = {};
      for (const other of files) {
        if (other.path === file.path) continue;
        if (kinds.get(other.path)) others[other.path] = other.text;
        else readable[other.path] = other.text;
      }
      allSeeds.push({ kind: kinds.get(file.path), seed: makeSeed(relative(ROOT, file.path), file.path, file.text, { others, files: readable }) });
    }
  }
  const fixtures = join(ROOT, 'test', 'fixtures');
  for (const path of filesUnder(fixtures)) {
    const text = readFileSync(path, 'utf8');
    const folder = relative(fixtures, path).split('/')[0]!;
    const kind: FileKind | undefined = folder.startsWith('nginx') ? 'nginx' : folder.startsWith('systemd') ? 'systemd' : undefined;
    allSeeds.push({ kind, seed: makeSeed(relative(ROOT, path), path, text, {}) });
  }
  return allSeeds;
}

/** Seeds of one kind of file. */
export function seedsOf(kind: FileKind): Seed[] {
  return loadSeeds()
    .filter((entry) => entry.kind === kind)
    .map((entry) => entry.seed);
}

/** A seed written for the fuzz tests: a file that sets off many rules with fixes. */
export function writtenSeed(name: string, path: string, text: string, setup: LintSetup = {}): Seed {
  return makeSeed(name, path, text, setup);
}

/** A seed shows as its name in fast-check's counterexamples (the mutated text follows it in full). */
function makeSeed(name: string, path: string, text: string, setup: LintSetup): Seed {
  return { name, path, text, setup, [fc.toStringMethod]: () => `seed ${name}` } as Seed;
}

/** Python files of the examples (configs and app modules): seeds for the Python readers. */
export function pythonSeeds(): Seed[] {
  return loadSeeds()
    .map((entry) => entry.seed)
    .filter((seed) => seed.path.endsWith('.py'));
}

// ------------------------------------------------------------------------- texts

/** Pieces every format finds awkward: odd line breaks, NUL, BOM, lone surrogates, astral characters. */
export const AWKWARD = ['\n', '\r\n', '\r', '\t', ' ', '\0', '\uFEFF', '\uD800', '\uDC00', '😀', 'é', '\\', '"', "'", '#', ';', '{', '}', '[', ']', '(', ')', '=', '$', '%'];

/**
 * Random text: any code points, ASCII noise, or a soup of the pieces that matter to the
 * format (its keywords and punctuation) and the awkward ones.
 */
export function randomText(pieces: readonly string[], maxPieces = 150): fc.Arbitrary<string> {
  const soup = [...pieces, ...AWKWARD];
  return fc.oneof(
    { arbitrary: fc.array(fc.constantFrom(...soup), { maxLength: maxPieces }).map((chosen) => chosen.join('')), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 300 }), weight: 1 },
    { arbitrary: fc.string({ unit: fc.constantFrom(...AWKWARD), maxLength: 300 }), weight: 1 },
  );
}

type Mutation =
  | { readonly kind: 'insert'; readonly at: number; readonly piece: string }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'move'; readonly at: number; readonly length: number; readonly to: number }
  | { readonly kind: 'swap-lines'; readonly first: number; readonly second: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'replace'; readonly at: number; readonly code: number }
  | { readonly kind: 'inflate'; readonly at: number; readonly length: number; readonly times: number };

function mutation(pieces: readonly string[], inflate: boolean): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const length = fc.integer({ min: 1, max: 60 });
  const piece = fc.oneof(fc.constantFrom(...pieces, ...AWKWARD), fc.string({ unit: 'binary', maxLength: 8 }));
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('insert' as const), at, piece }),
    fc.record({ kind: fc.constant('insert' as const), at, piece }),
    fc.record({ kind: fc.constant('delete' as const), at, length }),
    fc.record({ kind: fc.constant('duplicate' as const), at, length }),
    fc.record({ kind: fc.constant('move' as const), at, length, to: fc.nat() }),
    fc.record({ kind: fc.constant('swap-lines' as const), first: fc.nat(), second: fc.nat() }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('replace' as const), at, code: fc.integer({ min: 0, max: 0xffff }) }),
  ];
  if (inflate) options.push(fc.record({ kind: fc.constant('inflate' as const), at, length, times: fc.integer({ min: 2, max: 3000 }) }));
  return fc.oneof(...options);
}

function applyMutation(text: string, change: Mutation): string {
  const position = (at: number) => at % (text.length + 1);
  switch (change.kind) {
    case 'insert': {
      const at = position(change.at);
      return text.slice(0, at) + change.piece + text.slice(at);
    }
    case 'delete': {
      const at = position(change.at);
      return text.slice(0, at) + text.slice(at + change.length);
    }
    case 'duplicate': {
      const at = position(change.at);
      return text.slice(0, at + change.length) + text.slice(at, at + change.length) + text.slice(at + change.length);
    }
    case 'move': {
      const at = position(change.at);
      const moved = text.slice(at, at + change.length);
      const rest = text.slice(0, at) + text.slice(at + change.length);
      const to = change.to % (rest.length + 1);
      return rest.slice(0, to) + moved + rest.slice(to);
    }
    case 'swap-lines': {
      const lines = text.split('\n');
      const first = change.first % lines.length;
      const second = change.second % lines.length;
      [lines[first], lines[second]] = [lines[second]!, lines[first]!];
      return lines.join('\n');
    }
    case 'truncate':
      return text.slice(0, position(change.at));
    case 'replace': {
      const at = change.at % Math.max(1, text.length);
      return text.slice(0, at) + String.fromCharCode(change.code) + text.slice(at + 1);
    }
    case 'inflate': {
      // A stretch repeated many times: long inputs, to catch work that grows faster than the text.
      const at = position(change.at);
      const stretch = text.slice(at, at + change.length);
      return text.slice(0, at) + stretch.repeat(change.times) + text.slice(at + change.length);
    }
  }
}

/**
 * A real file changed by a few random edits: inserted pieces of the format, deleted,
 * duplicated and moved stretches, swapped lines, a truncation, a replaced character and,
 * with `inflate`, a stretch repeated up to 3,000 times.
 */
export function mutatedSeed(
  seeds: readonly Seed[] | fc.Arbitrary<Seed>,
  pieces: readonly string[],
  options: { inflate?: boolean; maxMutations?: number; maxLineLength?: number } = {},
): fc.Arbitrary<{ seed: Seed; text: string }> {
  let chosen: fc.Arbitrary<Seed>;
  if (Array.isArray(seeds)) {
    assert.ok(seeds.length > 0, 'no seeds to mutate');
    chosen = fc.constantFrom(...(seeds as readonly Seed[]));
  } else {
    chosen = seeds as fc.Arbitrary<Seed>;
  }
  return fc
    .tuple(chosen, fc.array(mutation(pieces, options.inflate ?? false), { minLength: 1, maxLength: options.maxMutations ?? 6 }))
    .map(([seed, changes]) => {
      const text = changes.reduce(applyMutation, seed.text);
      return { seed, text: options.maxLineLength === undefined ? text : capLines(text, options.maxLineLength) };
    });
}

/** Cuts every line down to `max` characters (see PipelineSubject.maxLineLength). */
function capLines(text: string, max: number): string {
  return text.replace(/[^\r\n]+/g, (line) => (line.length > max ? line.slice(0, max) : line));
}

// ------------------------------------------------------------------------- checks

/**
 * Every span in a parser's result lies inside the text: any plain object with numeric
 * `start` and `end` (0 ≤ start ≤ end ≤ length), and any value piece (`sourceOffset` and
 * `length`). Walks iteratively, so deep results do not overflow the stack.
 */
export function assertSpansInside(text: string, result: unknown, what: string): number {
  let checked = 0;
  const pending: unknown[] = [result];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const item = pending.pop();
    if (item === null || typeof item !== 'object' || seen.has(item)) continue;
    seen.add(item);
    if (item instanceof Map) {
      for (const [key, value] of item) pending.push(key, value);
      continue;
    }
    if (item instanceof Set) {
      for (const value of item) pending.push(value);
      continue;
    }
    const prototype = Object.getPrototypeOf(item);
    if (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null) continue;
    const record = item as Record<string, unknown>;
    if (typeof record.start === 'number' && typeof record.end === 'number') {
      checked++;
      const { start, end } = record;
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= text.length)) {
        assert.fail(`${what}: span ${JSON.stringify({ start, end })} outside a text of length ${text.length}`);
      }
    }
    if (typeof record.sourceOffset === 'number' && typeof record.length === 'number') {
      checked++;
      const { sourceOffset, length } = record;
      if (!(sourceOffset >= 0 && length >= 0 && sourceOffset + length <= text.length)) {
        assert.fail(`${what}: piece ${JSON.stringify({ sourceOffset, length })} outside a text of length ${text.length}`);
      }
    }
    for (const value of Object.values(record)) pending.push(value);
  }
  return checked;
}

/**
 * An LSP range of a document: lines that exist, characters within their line, start
 * before end. A position may fall between the CR and the LF of a line break: nginx reads
 * `\<CR>` as an escaped character, so a word can end there (clients clamp such a
 * position to the end of the line).
 */
export function assertRangeInside(source: SourceText, range: Range, what: string): void {
  const lastOffset = (line: number) => (line + 1 < source.lineCount ? source.lineStart(line + 1) - 1 : source.length);
  const inside = (position: Range['start']) =>
    Number.isInteger(position.line) &&
    Number.isInteger(position.character) &&
    position.line >= 0 &&
    position.line < source.lineCount &&
    position.character >= 0 &&
    source.lineStart(position.line) + position.character <= Math.max(source.lineEnd(position.line), lastOffset(position.line));
  if (!inside(range.start) || !inside(range.end) || source.offsetAt(range.start) > source.offsetAt(range.end)) {
    assert.fail(`${what}: range ${JSON.stringify(range)} outside a document of ${source.lineCount} lines`);
  }
}

/**
 * A generous time limit for work on a text: two seconds plus `msPerMegabyte` for each
 * million characters. It catches hangs and work growing with the square of the input,
 * not a slow machine.
 */
export function timeLimit(length: number, msPerMegabyte: number): number {
  return 2_000 + (length / 1_000_000) * msPerMegabyte;
}

/** Runs `work` and fails when it took longer than the limit for a text of that length. */
export function withinTime<T>(what: string, length: number, msPerMegabyte: number, work: () => T): T {
  const started = performance.now();
  const result = work();
  const elapsed = performance.now() - started;
  const limit = timeLimit(length, msPerMegabyte);
  assert.ok(elapsed < limit, `${what}: ${elapsed.toFixed(0)} ms on ${length} characters (limit ${limit.toFixed(0)} ms)`);
  return result;
}

/** Parsers: at least 100 KB/s. */
export const PARSE_MS_PER_MB = 10_000;
/** The whole pipeline (parse and every rule): at least about 33 KB/s. */
export const LINT_MS_PER_MB = 30_000;

// ------------------------------------------------------------------------- the whole pipeline

export interface PipelineSubject {
  readonly kind: FileKind;
  /** Path random texts are checked under. */
  readonly path: string;
  readonly seeds: readonly Seed[];
  /** Pieces of the format, for random texts and insertions. */
  readonly pieces: readonly string[];
  /** A comment line of the format (without line break). */
  readonly comment: string;
  /**
   * Lines of mutated texts are cut to this length: for a known problem of a third-party
   * parser that the fuzz run should not find again and again (docs/robustness.md).
   */
  readonly maxLineLength?: number;
  /** How many syntax problems the format's parser reports. */
  syntaxProblems(text: string): number;
  /**
   * Whether the comment line appended at `offset` of `text` is read as a comment of its
   * own, with nothing before it reaching into it (an open string, a continuation).
   */
  appendedIsUnrelated(text: string, offset: number): boolean;
}

/** Lints one file as the CLI and the editor would, and checks what must hold of any result. */
export function lintChecked(subject: PipelineSubject, path: string, text: string, setup: LintSetup = {}): readonly Finding[] {
  const findings = withinTime(`lint ${path}`, text.length, LINT_MS_PER_MB, () => lint(path, text, { ...setup, kind: subject.kind }));
  const source = new SourceText(text);
  for (const finding of findings) {
    const label = `${finding.rule} "${finding.message}"`;
    assert.notEqual(finding.rule, 'deploylint/internal-error', `a rule threw on ${JSON.stringify(text.slice(0, 2_000))}: ${finding.message}`);
    assert.ok(typeof finding.message === 'string' && finding.message.length > 0, `${label}: empty message`);
    assertRangeInside(source, finding.range, label);
    for (const related of finding.related) if (related.path === path) assertRangeInside(source, related.range, `${label}, related`);
    for (const fix of finding.fixes) {
      for (const edit of fix.edits) if (edit.path === path) assertRangeInside(source, edit.range, `${label}, fix "${fix.title}"`);
    }
  }
  return findings;
}

/** What a user sees of a finding that must not move when an unrelated line changes. */
function seenFinding(text: string, finding: Finding): string {
  const { start, end } = finding.range;
  return `${start.line}:${start.character}-${end.line}:${end.character} ${finding.rule} ${finding.severity} ${JSON.stringify(underlinedRange(text, finding.range))} ${finding.message}`;
}

/** Fixes offered more than this on one case are sampled evenly: each one costs a lint. */
const MAX_FIXES_PER_CASE = 8;

/** Mocha cases for the whole pipeline on one kind of file. */
export function pipelineProperties(subject: PipelineSubject, quick: { random: number; mutated: number; stable: number; fixes: number }): void {
  const random = randomText(subject.pieces);
  const cap = subject.maxLineLength === undefined ? {} : { maxLineLength: subject.maxLineLength };
  const mutated = mutatedSeed(subject.seeds, subject.pieces, { inflate: true, ...cap });
  const mutatedSmall = mutatedSeed(subject.seeds, subject.pieces, { maxMutations: 4, ...cap });
  const fixesOffered = (seed: Seed) =>
    lint(seed.path, seed.text, { ...seed.setup, kind: subject.kind }).reduce((count, finding) => count + finding.fixes.filter((fix) => fix.edits.some((edit) => edit.path === seed.path)).length, 0);

  it('lint: random text never throws, stays inside the document, ends in time', function () {
    fuzzTimeout(this);
    fc.assert(
      fc.property(random, (text) => void lintChecked(subject, subject.path, text)),
      settings(quick.random),
    );
  });

  it('lint: mutated real files never throw, stay inside the document, end in time', function () {
    fuzzTimeout(this);
    fc.assert(
      fc.property(mutated, ({ seed, text }) => void lintChecked(subject, seed.path, text, seed.setup)),
      settings(quick.mutated),
    );
  });

  it('lint: a finding keeps its place, text and message when a comment line is appended', function () {
    fuzzTimeout(this);
    let compared = 0;
    fc.assert(
      fc.property(fc.oneof(mutatedSmall, random.map((text) => ({ seed: undefined, text }))), ({ seed, text: written }) => {
        const path = seed?.path ?? subject.path;
        const setup = seed?.setup ?? {};
        // The last line ends with a line break first: adding one changes that line, and a parser may read it differently.
        const text = written === '' || /[\r\n]$/.test(written) ? written : `${written}${new SourceText(written).eol}`;
        const offset = text.length;
        const appended = `${text}${subject.comment}\n`;
        if (!subject.appendedIsUnrelated(appended, offset)) return;
        compared++;
        // Findings on the last line that is not blank may change with what follows it (an
        // incomplete statement, an unclosed block, an open string): the rest must not.
        const before = new SourceText(text);
        const after = new SourceText(appended);
        const lastLine = text.trimEnd().length === 0 ? 0 : before.lineStart(before.positionAt(text.trimEnd().length).line);
        const kept = (source: SourceText, shown: string, findings: readonly Finding[]) =>
          findings
            .filter((finding) => source.offsetAt(finding.range.end) < lastLine)
            .map((finding) => seenFinding(shown, finding))
            .sort();
        assert.deepEqual(
          kept(after, appended, lintChecked(subject, path, appended, setup)),
          kept(before, text, lintChecked(subject, path, text, setup)),
          `findings moved when a comment line was appended to ${JSON.stringify(text)}`,
        );
      }),
      settings(quick.stable, 0.5),
    );
    assert.ok(compared > quick.stable / 3, `only ${compared} cases took the appended line as a comment`);
  });

  it('fixes: applying one never adds syntax problems, and the same fix is not offered again', function () {
    fuzzTimeout(this);
    let applied = 0;
    // Seeds that offer fixes as they are, the more fixes the likelier: their mutations offer the most.
    const weighted = subject.seeds.map((seed) => ({ arbitrary: fc.constant(seed), weight: Math.min(10, fixesOffered(seed)) })).filter((entry) => entry.weight > 0);
    assert.ok(weighted.length > 0, 'no seed offers a fix');
    const fixable = mutatedSeed(fc.oneof(...weighted), subject.pieces, { maxMutations: 3, ...cap });
    fc.assert(
      fc.property(fc.oneof({ arbitrary: fixable, weight: 3 }, { arbitrary: mutatedSmall, weight: 1 }, { arbitrary: random.map((text) => ({ seed: undefined, text })), weight: 1 }), ({ seed, text }) => {
        const path = seed?.path ?? subject.path;
        const setup = seed?.setup ?? {};
        const findings = lintChecked(subject, path, text, setup);
        const offered = findings.flatMap((finding) => finding.fixes.filter((fix) => fix.edits.length > 0 && fix.edits.every((edit) => edit.path === path)).map((fix) => ({ finding, fix })));
        const step = Math.max(1, Math.ceil(offered.length / MAX_FIXES_PER_CASE));
        const problemsBefore = subject.syntaxProblems(text);
        for (let index = 0; index < offered.length; index += step) {
          const { finding, fix } = offered[index]!;
          const label = `${finding.rule} fix "${fix.title}" on ${JSON.stringify(text.slice(0, 3_000))}`;
          const fixed = applyEdits(text, fix.edits);
          assert.ok(fixed !== undefined, `${label}: its edits overlap`);
          applied++;
          const problemsAfter = subject.syntaxProblems(fixed);
          assert.ok(problemsAfter <= problemsBefore, `${label}: ${problemsBefore} syntax problems before, ${problemsAfter} after; fixed text ${JSON.stringify(fixed.slice(0, 3_000))}`);
          // The same fix again: same title, same edits, replacing the same text (removing the
          // line that moved up into a removed line's place is another fix).
          const written = (document: string, edits: Fix['edits']) => edits.map((edit) => ({ ...edit, replaced: underlinedRange(document, edit.range) }));
          const again = lintChecked(subject, path, fixed, setup).filter((candidate) => candidate.rule === finding.rule);
          const repeated = again.some((candidate) =>
            candidate.fixes.some((other) => other.title === fix.title && util.isDeepStrictEqual(written(fixed, other.edits), written(text, fix.edits))),
          );
          assert.ok(!repeated, `${label}: offered again, unchanged, after it was applied`);
        }
      }),
      settings(quick.fixes, 0.25),
    );
    assert.ok(applied > 0, 'no fix was offered on any case');
  });
}
