/**
 * Regular expressions as nginx compiles them (PCRE), for the part of the syntax that
 * configurations use: literals, escapes, classes, groups (named or not), alternation,
 * quantifiers, ^ and $. Anything else (lookaround, back references, \b, inline flags past a
 * leading (?i)) makes a regex unknown, and unknown regexes are not judged. Nothing here
 * backtracks: the analyses walk the tree once, and matching runs an automaton over the
 * text, so a user's regex can never make deploylint slow.
 */

/** A test on one UTF-16 code unit. */
type CharacterTest = (code: number) => boolean;

type Pattern =
  | { readonly kind: 'character'; readonly test: CharacterTest; readonly literal?: number; readonly anyCharacter: boolean; readonly at: number }
  | { readonly kind: 'sequence'; readonly items: readonly Pattern[] }
  | { readonly kind: 'choice'; readonly options: readonly Pattern[] }
  | { readonly kind: 'group'; readonly body: Pattern }
  | { readonly kind: 'repeat'; readonly body: Pattern; readonly min: number; readonly max: number }
  | { readonly kind: 'anchor'; readonly at: 'start' | 'end' };

export interface Capture {
  /** The group as written, parentheses included. */
  readonly text: string;
  readonly name?: string;
  readonly body: Pattern;
}

export interface Regex {
  readonly root: Pattern;
  readonly captures: readonly Capture[];
}

export const LINE_FEED = 10;

const isDigit: CharacterTest = (code) => code >= 48 && code <= 57;
const isWord: CharacterTest = (code) => isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
/** PCRE's \s: space, \t, \n, \v, \f, \r. */
const isSpace: CharacterTest = (code) => code === 32 || (code >= 9 && code <= 13);

const SHORTHANDS: ReadonlyMap<string, CharacterTest> = new Map([
  ['d', isDigit],
  ['D', (code: number) => !isDigit(code)],
  ['w', isWord],
  ['W', (code: number) => !isWord(code)],
  ['s', isSpace],
  ['S', (code: number) => !isSpace(code)],
]);

const CONTROL_ESCAPES: ReadonlyMap<string, number> = new Map([
  ['n', 10],
  ['r', 13],
  ['t', 9],
  ['f', 12],
  ['v', 11],
  ['e', 27],
]);

/** Groups nested deeper than this make the regex unknown: the reader recurses once per level. */
const MAX_GROUP_DEPTH = 32;

class Unsupported extends Error {}

export function parseRegex(source: string, caseless: boolean): Regex | undefined {
  try {
    return new RegexReader(source, caseless).read();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class RegexReader {
  private at = 0;
  private depth = 0;
  private readonly captures: Capture[] = [];

  constructor(
    private readonly source: string,
    private caseless: boolean,
  ) {}

  read(): Regex {
    if (this.source.startsWith('(?i)')) {
      this.caseless = true;
      this.at = 4;
    }
    const root = this.choice();
    if (this.at < this.source.length) throw new Unsupported();
    return { root, captures: this.captures };
  }

  private choice(): Pattern {
    const options = [this.sequence()];
    while (this.source[this.at] === '|') {
      this.at++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'choice', options };
  }

  private sequence(): Pattern {
    const items: Pattern[] = [];
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return { kind: 'sequence', items };
  }

  private atom(): Pattern {
    const at = this.at;
    const character = this.source[this.at++]!;
    switch (character) {
      case '^':
        return { kind: 'anchor', at: 'start' };
      case '$':
        return { kind: 'anchor', at: 'end' };
      case '.':
        // PCRE's default: any character but a line feed (nginx sets no DOTALL).
        return { kind: 'character', test: (code) => code !== LINE_FEED, anyCharacter: true, at };
      case '[':
        return { kind: 'character', test: this.characterClass(), anyCharacter: false, at };
      case '(':
        return this.group(at);
      case '\\':
        return this.escape(at);
      case '*':
      case '+':
      case '?':
        throw new Unsupported();
      default:
        return this.literal(character.charCodeAt(0), at);
    }
  }

  private escape(at: number): Pattern {
    const next = this.source[this.at++];
    if (next === undefined) throw new Unsupported();
    if (next === 'A') return { kind: 'anchor', at: 'start' };
    if (next === 'z' || next === 'Z') return { kind: 'anchor', at: 'end' };
    const test = SHORTHANDS.get(next);
    if (test) return { kind: 'character', test, anyCharacter: false, at };
    return this.literal(this.escapedCode(next), at);
  }

  private literal(code: number, at: number): Pattern {
    const exact: CharacterTest = (candidate) => candidate === code;
    return { kind: 'character', test: this.caseless ? withOtherCase(exact) : exact, literal: code, anyCharacter: false, at };
  }

  /** The code of an escaped character that stands for one character (`\.`, `\n`, `\x41`). */
  private escapedCode(next: string): number {
    const control = CONTROL_ESCAPES.get(next);
    if (control !== undefined) return control;
    if (next === 'x') {
      const hex = this.match(HEX_PAIR)?.[0];
      if (!hex) throw new Unsupported();
      return parseInt(hex, 16);
    }
    // Letters and digits after a backslash are classes, anchors or references not read here.
    if (/[A-Za-z0-9]/.test(next)) throw new Unsupported();
    return next.charCodeAt(0);
  }

  private characterClass(): CharacterTest {
    const negated = this.source[this.at] === '^';
    if (negated) this.at++;
    const parts: CharacterTest[] = [];
    let first = true;
    for (;;) {
      const character = this.source[this.at];
      if (character === undefined) throw new Unsupported();
      if (character === ']' && !first) break;
      first = false;
      if (character === '[' && this.source[this.at + 1] === ':') throw new Unsupported();
      const low = this.classMember();
      if (typeof low === 'function') {
        parts.push(low);
        continue;
      }
      if (this.source[this.at] === '-' && this.source[this.at + 1] !== ']' && this.source[this.at + 1] !== undefined) {
        this.at++;
        const high = this.classMember();
        if (typeof high === 'function' || high < low) throw new Unsupported();
        parts.push((code) => code >= low && code <= high);
      } else {
        parts.push((code) => code === low);
      }
    }
    this.at++;
    // Case is folded before the class is negated: under ~*, [^a] refuses A too.
    const member: CharacterTest = (code) => parts.some((part) => part(code));
    const folded = this.caseless ? withOtherCase(member) : member;
    return (code) => folded(code) !== negated;
  }

  /** One member of a class: a character's code, or a shorthand's test (`\d`). */
  private classMember(): number | CharacterTest {
    const character = this.source[this.at++]!;
    if (character !== '\\') return character.charCodeAt(0);
    const next = this.source[this.at++];
    if (next === undefined) throw new Unsupported();
    return SHORTHANDS.get(next) ?? this.escapedCode(next);
  }

  private group(open: number): Pattern {
    if (++this.depth > MAX_GROUP_DEPTH) throw new Unsupported();
    const named = this.match(GROUP_NAME);
    let capture: { name?: string } | undefined;
    if (named) {
      capture = { name: named[1] ?? named[2]! };
    } else if (this.source.startsWith('?:', this.at)) {
      this.at += 2;
    } else if (this.source[this.at] === '?') {
      throw new Unsupported();
    } else {
      capture = {};
    }
    // Numbered by their opening parenthesis, named ones included, as PCRE numbers them.
    const index = capture ? this.captures.push({ text: '', body: { kind: 'sequence', items: [] } }) - 1 : -1;
    const body = this.choice();
    if (this.source[this.at] !== ')') throw new Unsupported();
    this.at++;
    this.depth--;
    if (capture) this.captures[index] = { text: this.source.slice(open, this.at), ...capture, body };
    return { kind: 'group', body };
  }

  private quantified(body: Pattern): Pattern {
    const bounds = this.quantifier();
    if (!bounds) return body;
    if (body.kind === 'anchor') throw new Unsupported();
    const lazy = this.source[this.at] === '?';
    if (lazy) this.at++;
    // A possessive quantifier gives up matches an automaton would still find.
    if (this.source[this.at] === '+') throw new Unsupported();
    return { kind: 'repeat', body, ...bounds };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const character = this.source[this.at];
    if (character === '*' || character === '+' || character === '?') {
      this.at++;
      return { min: character === '+' ? 1 : 0, max: character === '?' ? 1 : Infinity };
    }
    // `{` that does not make a quantifier is a literal brace, as in PCRE.
    const braces = character === '{' ? this.match(BRACES) : undefined;
    if (!braces) return undefined;
    const min = Number(braces[1]);
    const max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
    if (max < min) throw new Unsupported();
    return { min, max };
  }

  /** Reads a sticky regex at the current position, stepping over what it matched. */
  private match(sticky: RegExp): RegExpExecArray | undefined {
    sticky.lastIndex = this.at;
    const found = sticky.exec(this.source) ?? undefined;
    if (found) this.at += found[0].length;
    return found;
  }
}

const HEX_PAIR = /[0-9a-fA-F]{2}/y;
/** `?<name>`, `?P<name>` or `?'name'` after a group's `(`. */
const GROUP_NAME = /\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/y;
/** A counted quantifier: `{2}`, `{2,}`, `{2,5}`. */
const BRACES = /\{(\d+)(,(\d*))?\}/y;

/** A test that also takes the other case of an ASCII letter, for `~*` and `(?i)`. */
function withOtherCase(test: CharacterTest): CharacterTest {
  return (code) => test(code) || (code >= 65 && code <= 90 && test(code + 32)) || (code >= 97 && code <= 122 && test(code - 32));
}

/** Whether a pattern can match a text holding the character. */
export function canMatch(pattern: Pattern, code: number): boolean {
  switch (pattern.kind) {
    case 'character':
      return pattern.test(code);
    case 'sequence':
      return pattern.items.some((item) => canMatch(item, code));
    case 'choice':
      return pattern.options.some((option) => canMatch(option, code));
    case 'group':
      return canMatch(pattern.body, code);
    case 'repeat':
      return pattern.max > 0 && canMatch(pattern.body, code);
    case 'anchor':
      return false;
  }
}

/** Whether a pattern matches only texts spelled out in it (`(a|b)`, `(https?)`): the configuration chooses, not the client. */
export function isFixedText(pattern: Pattern): boolean {
  switch (pattern.kind) {
    case 'character':
      return pattern.literal !== undefined;
    case 'sequence':
      return pattern.items.every(isFixedText);
    case 'choice':
      return pattern.options.every(isFixedText);
    case 'group':
      return isFixedText(pattern.body);
    case 'repeat':
      return pattern.max <= 1 && isFixedText(pattern.body);
    case 'anchor':
      return true;
  }
}

/** Whether every text the pattern matches begins with `/`. */
export function startsWithSlash(pattern: Pattern): boolean {
  switch (pattern.kind) {
    case 'character':
      return pattern.literal === 47;
    case 'sequence': {
      const first = pattern.items.find((item) => item.kind !== 'anchor');
      return first !== undefined && startsWithSlash(first);
    }
    case 'choice':
      return pattern.options.every(startsWithSlash);
    case 'group':
      return startsWithSlash(pattern.body);
    case 'repeat':
      return pattern.min > 0 && startsWithSlash(pattern.body);
    case 'anchor':
      return false;
  }
}

export interface SampleCharacter {
  readonly code: number;
  /** Offset of the regex character it comes from. */
  readonly at: number;
  /** Sampled from an unescaped `.`. */
  readonly anyCharacter: boolean;
}

/** Samples per pattern at most: each alternative of a regex of alternatives, not their every combination. */
const MAX_SAMPLES = 8;

/** Characters a class stands for in a sample, most host-like first. */
const SAMPLE_CODES: readonly number[] = [...'aex0-./:A'].map((character) => character.charCodeAt(0));

/**
 * The shortest texts a pattern matches, one per way of matching it: optional parts left
 * out, repeats taken as few times as they must, a class as its most host-like character,
 * an unescaped `.` as a dot (what the writer of `example.com` meant).
 */
export function samplesOf(pattern: Pattern): SampleCharacter[][] {
  switch (pattern.kind) {
    case 'character': {
      const code = pattern.anyCharacter ? 46 : (pattern.literal ?? SAMPLE_CODES.find(pattern.test));
      return code === undefined ? [] : [[{ code, at: pattern.at, anyCharacter: pattern.anyCharacter }]];
    }
    case 'sequence':
      return pattern.items.reduce<SampleCharacter[][]>((heads, item) => combine(heads, samplesOf(item)), [[]]);
    case 'choice':
      return pattern.options.flatMap(samplesOf).slice(0, MAX_SAMPLES);
    case 'group':
      return samplesOf(pattern.body);
    case 'repeat': {
      let samples: SampleCharacter[][] = [[]];
      const body = pattern.min > 0 ? samplesOf(pattern.body) : [];
      for (let count = 0; count < pattern.min; count++) samples = combine(samples, body);
      return samples;
    }
    case 'anchor':
      return [[]];
  }
}

/**
 * Every head followed by every tail, at most MAX_SAMPLES. Heads are the caller's own
 * arrays, built here: a single head is extended in place, so a long sequence costs its
 * length, not its length squared.
 */
function combine(heads: SampleCharacter[][], tails: readonly SampleCharacter[][]): SampleCharacter[][] {
  if (heads.length === 1 && tails.length === 1) {
    heads[0]!.push(...tails[0]!);
    return heads;
  }
  return heads.flatMap((head) => tails.map((tail) => [...head, ...tail])).slice(0, MAX_SAMPLES);
}

// An automaton (Thompson's construction) for the regex: matching costs text length times
// states, whatever the regex.

type State =
  | { readonly kind: 'character'; readonly test: CharacterTest; next: number }
  | { readonly kind: 'split'; next: number; other: number }
  | { readonly kind: 'anchor'; readonly at: 'start' | 'end'; next: number }
  | { readonly kind: 'accept' };

/** States an automaton may have: bounded repeats copy their body, and `(a{9}){9}` must not grow without end. */
const MAX_STATES = 5_000;

export interface Automaton {
  /** Whether the regex matches somewhere in the text, as nginx's unanchored match does. */
  accepts(text: string): boolean;
}

export function compileAutomaton(regex: Regex): Automaton | undefined {
  const states: State[] = [{ kind: 'accept' }];
  const add = (state: State): number => {
    if (states.length >= MAX_STATES) throw new Unsupported();
    return states.push(state) - 1;
  };
  const build = (pattern: Pattern, next: number): number => {
    switch (pattern.kind) {
      case 'character':
        return add({ kind: 'character', test: pattern.test, next });
      case 'anchor':
        return add({ kind: 'anchor', at: pattern.at, next });
      case 'group':
        return build(pattern.body, next);
      case 'sequence':
        return pattern.items.reduceRight((after, item) => build(item, after), next);
      case 'choice':
        return pattern.options.map((option) => build(option, next)).reduce((other, entry) => add({ kind: 'split', next: entry, other }));
      case 'repeat': {
        // The copies past the minimum: each may be taken, or the rest skipped.
        let entry = next;
        if (pattern.max === Infinity) {
          const loop = { kind: 'split' as const, next: -1, other: next };
          entry = add(loop);
          loop.next = build(pattern.body, entry);
        } else {
          for (let count = pattern.min; count < pattern.max; count++) entry = add({ kind: 'split', next: build(pattern.body, entry), other: next });
        }
        for (let count = 0; count < pattern.min; count++) entry = build(pattern.body, entry);
        return entry;
      }
    }
  };
  try {
    const start = build(regex.root, 0);
    return { accepts: (text) => run(states, start, text) };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function run(states: readonly State[], start: number, text: string): boolean {
  let current = new Set<number>();
  for (let position = 0; position <= text.length; position++) {
    // A match may begin anywhere: nginx does not anchor the regex.
    enter(states, start, position, text.length, current);
    if (current.has(0)) return true;
    if (position === text.length) break;
    const code = text.charCodeAt(position);
    const next = new Set<number>();
    for (const index of current) {
      const state = states[index]!;
      if (state.kind === 'character' && state.test(code)) enter(states, state.next, position + 1, text.length, next);
    }
    current = next;
  }
  return false;
}

/** Adds a state and every state reachable from it without reading a character. */
function enter(states: readonly State[], from: number, position: number, length: number, into: Set<number>): void {
  const stack = [from];
  while (stack.length > 0) {
    const index = stack.pop()!;
    if (into.has(index)) continue;
    into.add(index);
    const state = states[index]!;
    if (state.kind === 'split') stack.push(state.next, state.other);
    else if (state.kind === 'anchor' && (state.at === 'start' ? position === 0 : position === length)) stack.push(state.next);
  }
}
