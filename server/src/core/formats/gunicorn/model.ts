import type { Span } from '../../text/source-text';
import type { Comment, SyntaxProblem } from '../common';
import type { Parameter, PyValue } from './value';

/**
 * A gunicorn.conf.py as gunicorn sees it: gunicorn runs the module and reads every
 * top-level name, so each top-level binding (an assignment or a `def`) is a candidate
 * setting. Names that are not settings are ignored by gunicorn without a word.
 */
export interface GunicornConfig {
  /** Top-level bindings in source order, including those inside top-level if/try/with/for blocks. */
  readonly bindings: readonly ConfigBinding[];
  readonly imports: readonly ImportBinding[];
  /** Names read anywhere in the file (in expressions, calls, f-strings, function bodies). */
  readonly namesRead: ReadonlySet<string>;
  readonly comments: readonly Comment[];
  readonly problems: readonly SyntaxProblem[];
}

export interface ConfigBinding {
  readonly name: string;
  readonly nameSpan: Span;
  /** `def name(...)` or an assignment (a lambda assignment counts as an assignment). */
  readonly form: 'assignment' | 'function';
  /** The value as far as it can be known without running Python. */
  readonly value: PyValue;
  /** The right-hand side of an assignment; for a `def`, its parameter list. */
  readonly valueSpan: Span;
  /** The whole statement (decorators included for a def). */
  readonly statementSpan: Span;
  /**
   * Inside a top-level `if`/`try`/`with`/`for`/`while` block, so whether it runs
   * depends on the machine.
   */
  readonly conditional: boolean;
  /** `x += 1` and friends: changes a value rather than setting it. */
  readonly augmented: boolean;
  /** More than one name bound by the statement (`a = b = 1`, `a, b = 1, 2`). */
  readonly sharedStatement: boolean;
  /** The statement holds a syntax error: what it binds is the parser's guess. */
  readonly broken?: boolean;
  /** For functions and lambdas: parameters, with their span. */
  readonly parameters?: readonly ParameterNode[];
  /** For functions and lambdas: `param.attribute` reads in the body. */
  readonly attributeReads?: readonly AttributeRead[];
}

export interface ParameterNode extends Parameter {
  readonly span: Span;
}

export interface AttributeRead {
  readonly object: string;
  readonly attribute: string;
  readonly span: Span;
}

export interface ImportBinding {
  /** The name bound in the module (`mp` in `import multiprocessing as mp`). */
  readonly name: string;
  /** What it refers to (`multiprocessing`, `os.cpu_count`). */
  readonly target: string;
  readonly span: Span;
}
