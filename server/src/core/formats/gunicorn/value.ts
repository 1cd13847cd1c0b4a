/**
 * What a setting's value is known to be without running any Python: a constant, a
 * symbolic value that depends on the machine (`cpu_count()`) or the environment
 * (`os.environ.get`), arithmetic over those, or unknown.
 */
export type PyValue =
  | { readonly kind: 'number'; readonly value: number; readonly integer: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly items: readonly PyValue[]; readonly tuple: boolean }
  | { readonly kind: 'dict'; readonly entries: readonly DictEntry[] }
  | { readonly kind: 'function'; readonly parameters: readonly Parameter[] }
  /** `multiprocessing.cpu_count()`, `os.cpu_count()`: the CPUs the process sees. */
  | { readonly kind: 'cpu-count' }
  /** `os.environ.get(NAME, fallback)`, `os.getenv(NAME)`, `os.environ[NAME]`. */
  | { readonly kind: 'env'; readonly name: string; readonly fallback?: PyValue }
  | { readonly kind: 'arith'; readonly operator: ArithOperator; readonly left: PyValue; readonly right: PyValue }
  /** `int(x)`, `float(x)`, `str(x)`, `bool(x)` over a symbolic value. */
  | { readonly kind: 'convert'; readonly to: 'int' | 'float' | 'str' | 'bool'; readonly operand: PyValue }
  | { readonly kind: 'min' | 'max'; readonly operands: readonly PyValue[] }
  /** Anything else; `text` is the expression as written. */
  | { readonly kind: 'unknown'; readonly text: string };

export type ArithOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**';

export interface DictEntry {
  readonly key: PyValue;
  readonly value: PyValue;
}

export interface Parameter {
  readonly name: string;
  /**
   * `positional` covers Python's positional-only and positional-or-keyword parameters,
   * with or without a default: the ones gunicorn counts when it checks a hook's arity.
   */
  readonly kind: 'positional' | 'var-positional' | 'keyword-only' | 'var-keyword';
  readonly hasDefault: boolean;
}

/** What symbolic values stand for on a given machine. */
export interface Evaluation {
  readonly cpus?: number;
  /** Looks up environment variables; absent when the environment is unknown. */
  readonly environment?: (name: string) => string | undefined;
}

/**
 * Reduces a value to a constant where the machine and environment allow it. Returns the
 * value unchanged (still symbolic) where they do not.
 */
export function evaluate(value: PyValue, machine: Evaluation = {}): PyValue {
  switch (value.kind) {
    case 'cpu-count':
      return machine.cpus === undefined ? value : integer(machine.cpus);
    case 'env': {
      // Without an environment to consult the variable stays symbolic; with one, an
      // unset variable falls back as os.environ.get does.
      if (!machine.environment) return value;
      const fromEnvironment = machine.environment(value.name);
      if (fromEnvironment !== undefined) return { kind: 'string', value: fromEnvironment };
      return value.fallback ? evaluate(value.fallback, machine) : value;
    }
    case 'arith': {
      const left = evaluate(value.left, machine);
      const right = evaluate(value.right, machine);
      return foldArithmetic(value.operator, left, right) ?? { ...value, left, right };
    }
    case 'convert': {
      const operand = evaluate(value.operand, machine);
      return convert(value.to, operand) ?? { ...value, operand };
    }
    case 'min':
    case 'max': {
      const operands = value.operands.map((operand) => evaluate(operand, machine));
      const numbers = operands.map(asNumber);
      if (numbers.every((n): n is number => n !== undefined) && numbers.length > 0) {
        const result = value.kind === 'min' ? Math.min(...numbers) : Math.max(...numbers);
        return { kind: 'number', value: result, integer: Number.isInteger(result) };
      }
      return { ...value, operands };
    }
    default:
      return value;
  }
}

export function integer(value: number): PyValue {
  return { kind: 'number', value, integer: true };
}

export function asNumber(value: PyValue): number | undefined {
  if (value.kind === 'number') return value.value;
  if (value.kind === 'bool') return value.value ? 1 : 0;
  return undefined;
}

/** Python's arithmetic on constants; undefined when an operand is not constant or the result is not a plain value. */
export function foldArithmetic(operator: ArithOperator, left: PyValue, right: PyValue): PyValue | undefined {
  if (left.kind === 'string' && right.kind === 'string' && operator === '+') {
    return { kind: 'string', value: left.value + right.value };
  }
  if (left.kind === 'list' && right.kind === 'list' && operator === '+' && left.tuple === right.tuple) {
    return { kind: 'list', items: [...left.items, ...right.items], tuple: left.tuple };
  }
  const a = asNumber(left);
  const b = asNumber(right);
  if (a === undefined || b === undefined) return undefined;
  const bothIntegers = isIntegral(left) && isIntegral(right);
  switch (operator) {
    case '+':
      return number(a + b, bothIntegers);
    case '-':
      return number(a - b, bothIntegers);
    case '*':
      return number(a * b, bothIntegers);
    case '/':
      return b === 0 ? undefined : number(a / b, false);
    case '//':
      return b === 0 ? undefined : number(Math.floor(a / b), bothIntegers);
    case '%':
      // Python's modulo takes the sign of the divisor.
      return b === 0 ? undefined : number(((a % b) + b) % b, bothIntegers);
    case '**':
      return number(a ** b, bothIntegers && b >= 0);
  }
}

function isIntegral(value: PyValue): boolean {
  return value.kind === 'bool' || (value.kind === 'number' && value.integer);
}

function number(value: number, integral: boolean): PyValue | undefined {
  if (!Number.isFinite(value)) return undefined;
  return { kind: 'number', value, integer: integral };
}

function convert(to: 'int' | 'float' | 'str' | 'bool', operand: PyValue): PyValue | undefined {
  switch (to) {
    case 'int': {
      if (operand.kind === 'string') {
        const trimmed = operand.value.trim().replace(/_/g, '');
        return /^[+-]?\d+$/.test(trimmed) ? integer(Number.parseInt(trimmed, 10)) : undefined;
      }
      const value = asNumber(operand);
      return value === undefined ? undefined : integer(Math.trunc(value));
    }
    case 'float': {
      if (operand.kind === 'string') {
        const parsed = Number(operand.value.trim());
        return operand.value.trim() === '' || Number.isNaN(parsed) ? undefined : number(parsed, false);
      }
      const value = asNumber(operand);
      return value === undefined ? undefined : number(value, false);
    }
    case 'str':
      if (operand.kind === 'string') return operand;
      if (operand.kind === 'number') return { kind: 'string', value: String(operand.value) };
      return undefined;
    case 'bool':
      if (operand.kind === 'string') return { kind: 'bool', value: operand.value !== '' };
      if (operand.kind === 'bool') return operand;
      if (operand.kind === 'none') return { kind: 'bool', value: false };
      if (operand.kind === 'number') return { kind: 'bool', value: operand.value !== 0 };
      return undefined;
  }
}

/** Whether the value is fully known: no machine, environment or unknown parts. */
export function isConstant(value: PyValue): boolean {
  switch (value.kind) {
    case 'number':
    case 'string':
    case 'bool':
    case 'none':
    case 'function':
      return true;
    case 'list':
      return value.items.every(isConstant);
    case 'dict':
      return value.entries.every((entry) => isConstant(entry.key) && isConstant(entry.value));
    default:
      return false;
  }
}

/** The value as Python source, for messages and for the text fixes write. */
export function toPython(value: PyValue, quote: '"' | "'" = '"'): string {
  switch (value.kind) {
    case 'number':
      return value.integer || !Number.isInteger(value.value) ? String(value.value) : `${value.value}.0`;
    case 'string':
      return pythonString(value.value, quote);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list': {
      const items = value.items.map((item) => toPython(item, quote));
      if (value.tuple) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
      return `[${items.join(', ')}]`;
    }
    case 'dict':
      return `{${value.entries.map((e) => `${toPython(e.key, quote)}: ${toPython(e.value, quote)}`).join(', ')}}`;
    case 'function':
      return `<function of ${value.parameters.length} parameters>`;
    case 'cpu-count':
      return 'multiprocessing.cpu_count()';
    case 'env':
      return value.fallback
        ? `os.environ.get(${pythonString(value.name, quote)}, ${toPython(value.fallback, quote)})`
        : `os.environ[${pythonString(value.name, quote)}]`;
    case 'arith':
      return `${toPython(value.left, quote)} ${value.operator} ${toPython(value.right, quote)}`;
    case 'convert':
      return `${value.to}(${toPython(value.operand, quote)})`;
    case 'min':
    case 'max':
      return `${value.kind}(${value.operands.map((o) => toPython(o, quote)).join(', ')})`;
    case 'unknown':
      return value.text;
  }
}

export function pythonString(text: string, quote: '"' | "'" = '"'): string {
  let escaped = '';
  for (const char of text) {
    if (char === '\\') escaped += '\\\\';
    else if (char === quote) escaped += `\\${quote}`;
    else if (char === '\n') escaped += '\\n';
    else if (char === '\r') escaped += '\\r';
    else if (char === '\t') escaped += '\\t';
    else escaped += char;
  }
  return `${quote}${escaped}${quote}`;
}
