import type { Span } from '../../text/source-text';
import type { SyntaxProblem, Word } from '../common';

/** What the command-line parser needs to know about gunicorn's flags. */
export interface GunicornFlags {
  /**
   * The flag as written (`-w`, `--workers`, or an unambiguous abbreviation of a long
   * flag, which argparse accepts), or 'ambiguous' when an abbreviation matches several.
   */
  lookup(flag: string): FlagSpec | 'ambiguous' | undefined;
}

export interface FlagSpec {
  /** The full flag, e.g. "--workers". */
  readonly flag: string;
  /** The setting it sets, e.g. "workers". */
  readonly setting: string;
  /** Whether a value must follow, may follow (argparse `nargs='?'`), or must not. */
  readonly value: 'required' | 'optional' | 'none';
}

/** One gunicorn invocation found in a command line, or the options of GUNICORN_CMD_ARGS. */
export interface GunicornCommand {
  /**
   * The word that runs gunicorn (`gunicorn`, `/opt/venv/bin/gunicorn`, or `-m gunicorn`'s
   * module word); absent for GUNICORN_CMD_ARGS, which holds options only.
   */
  readonly program?: Word;
  readonly options: readonly CommandOption[];
  /** The WSGI application argument, `module:callable`. */
  readonly app?: Word;
  /** Every word from the program (or first option) to the end, for fixes that rewrite the command. */
  readonly span: Span;
  readonly problems: readonly CommandProblem[];
}

/** Arguments argparse would reject: gunicorn prints its usage and exits. */
export interface CommandProblem extends SyntaxProblem {
  readonly kind: 'unknown-option' | 'ambiguous-option' | 'missing-value' | 'unexpected-value' | 'extra-argument';
  /** The option as written, for unknown and ambiguous options. */
  readonly option?: string;
}

export interface CommandOption {
  /** The flag as written (`-w`, `--workers`, `--bind=…`'s `--bind`). */
  readonly flag: string;
  readonly spec: FlagSpec;
  readonly flagSpan: Span;
  /** The value as gunicorn receives it (unquoted), absent for flags that take none. */
  readonly value?: string;
  readonly valueSpan?: Span;
  /** Flag and value together. */
  readonly span: Span;
}

/** Wrappers that run the command after them: `exec gunicorn`, `poetry run gunicorn`. */
const PASS_THROUGH = new Set(['exec', 'nice', 'nohup', 'chpst', 'setsid', 'stdbuf', 'tini', 'dumb-init']);
const RUNNERS = new Set(['poetry', 'pipenv', 'uv', 'pdm', 'hatch', 'rye']);

/**
 * Finds where gunicorn's own arguments start: the index of the program word, skipping
 * environment assignments and wrappers, or undefined when the command is not gunicorn.
 */
export function findGunicornProgram(words: readonly Word[]): number | undefined {
  let index = 0;
  while (index < words.length) {
    const word = words[index]!.text;
    const name = baseName(word);
    if (isGunicornExecutable(name)) return index;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      index++;
    } else if (PASS_THROUGH.has(name) || name === 'env' || name === 'sudo' || name === 'runuser') {
      index++;
      // Options of the wrapper itself (`env -i`, `sudo -u www-data`).
      while (index < words.length && words[index]!.text.startsWith('-')) {
        const takesUser = (name === 'sudo' || name === 'runuser') && (words[index]!.text === '-u' || words[index]!.text === '-g');
        index += takesUser ? 2 : 1;
      }
    } else if (RUNNERS.has(name) && words[index + 1]?.text === 'run') {
      index += 2;
    } else if (/^python(\d(\.\d+)?)?$/.test(name)) {
      const moduleFlag = words.findIndex((w, i) => i > index && w.text === '-m');
      return moduleFlag > 0 && words[moduleFlag + 1]?.text === 'gunicorn' ? moduleFlag + 1 : undefined;
    } else {
      return undefined;
    }
  }
  return undefined;
}

function isGunicornExecutable(name: string): boolean {
  // Debian ships the program as gunicorn3 on older releases.
  return name === 'gunicorn' || name === 'gunicorn3';
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Reads gunicorn's arguments the way argparse does: `--flag value`, `--flag=value`,
 * `-w4`, `-w 4`, abbreviations of long flags, `--` ending the options, and positional
 * words (the first is the application).
 */
export function parseGunicornArguments(words: readonly Word[], programIndex: number, flags: GunicornFlags): GunicornCommand {
  return parseOptions(words, programIndex + 1, flags, words[programIndex]!);
}

/**
 * Reads GUNICORN_CMD_ARGS: gunicorn splits it with shlex and parses it like its command
 * line, between the config file and the real command line in precedence.
 */
export function parseGunicornCmdArgs(words: readonly Word[], flags: GunicornFlags): GunicornCommand | undefined {
  return words.length === 0 ? undefined : parseOptions(words, 0, flags, undefined);
}

function parseOptions(words: readonly Word[], firstOption: number, flags: GunicornFlags, program: Word | undefined): GunicornCommand {
  const options: CommandOption[] = [];
  const problems: CommandProblem[] = [];
  let app: Word | undefined;
  let optionsEnded = false;

  for (let index = firstOption; index < words.length; index++) {
    const word = words[index]!;
    const text = word.text;
    if (optionsEnded || !text.startsWith('-') || text === '-' || isNegativeNumber(text)) {
      if (app === undefined) app = word;
      else problems.push({ kind: 'extra-argument', span: word.span, message: `Unexpected argument "${text}": gunicorn takes one application` });
      continue;
    }
    if (text === '--') {
      optionsEnded = true;
      continue;
    }

    const long = text.startsWith('--');
    const equals = long ? text.indexOf('=') : -1;
    const written = long ? (equals >= 0 ? text.slice(0, equals) : text) : text.slice(0, 2);
    const found = flags.lookup(written);
    // As for attached values: a quoted or escaped word is longer in the source than its text, so only the whole word is exact.
    const plainWord = word.span.end - word.span.start === text.length;
    const flagSpan = long && plainWord ? { start: word.span.start, end: word.span.start + written.length } : word.span;
    if (found === undefined || found === 'ambiguous') {
      problems.push({
        kind: found === 'ambiguous' ? 'ambiguous-option' : 'unknown-option',
        option: written,
        span: long ? flagSpan : word.span,
        message:
          found === 'ambiguous'
            ? `Ambiguous option "${written}": gunicorn refuses to start`
            : `Unknown option "${written}": gunicorn refuses to start`,
      });
      // Its value, if it has one, is not the application: `--max-worker-memory 200 app:app`.
      const next = words[index + 1];
      if (long && equals < 0 && next && !next.text.startsWith('-') && !looksLikeApplication(next.text)) index++;
      continue;
    }

    if (found.value === 'none') {
      if (equals >= 0 || (!long && text.length > 2)) {
        problems.push({ kind: 'unexpected-value', span: word.span, message: `Option "${written}" takes no value` });
      }
      options.push({ flag: written, spec: found, flagSpan, span: word.span });
      continue;
    }

    // A value attached to the flag (`--workers=4`, `-w4`) or in the next word.
    if (long && equals >= 0) {
      options.push({
        flag: written,
        spec: found,
        flagSpan,
        value: text.slice(equals + 1),
        valueSpan: attachedValueSpan(word, equals + 1),
        span: word.span,
      });
    } else if (!long && text.length > 2) {
      options.push({
        flag: written,
        spec: found,
        flagSpan: plainWord ? { start: word.span.start, end: word.span.start + 2 } : word.span,
        value: text.slice(2),
        valueSpan: attachedValueSpan(word, 2),
        span: word.span,
      });
    } else {
      const next = words[index + 1];
      if (!next || (next.text.startsWith('-') && !isNegativeNumber(next.text) && next.text !== '-')) {
        if (found.value === 'optional') options.push({ flag: written, spec: found, flagSpan, span: word.span });
        else problems.push({ kind: 'missing-value', span: word.span, message: `Option "${written}" expects a value` });
        continue;
      }
      options.push({
        flag: written,
        spec: found,
        flagSpan,
        value: next.text,
        valueSpan: next.span,
        span: { start: word.span.start, end: next.span.end },
      });
      index++;
    }
  }

  const first = program ?? words[0]!;
  const last = words[words.length - 1]!;
  return {
    ...(program ? { program } : {}),
    options,
    ...(app ? { app } : {}),
    span: { start: first.span.start, end: last.span.end },
    problems,
  };
}

/**
 * The span of a value written inside the same word as its flag. When the word was
 * quoted or escaped its source is longer than its text; then the whole word is the
 * most precise honest answer.
 */
function attachedValueSpan(word: Word, offsetInText: number): Span {
  const sourceLength = word.span.end - word.span.start;
  if (sourceLength !== word.text.length) return word.span;
  return { start: word.span.start + offsetInText, end: word.span.end };
}

/** `module:callable` or `package.module:factory()`: the WSGI application argument. */
function looksLikeApplication(text: string): boolean {
  return /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(.*\))?$/.test(text);
}

function isNegativeNumber(text: string): boolean {
  return /^-\d+(\.\d+)?$/.test(text);
}
