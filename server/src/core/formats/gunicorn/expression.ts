import type { SyntaxNode } from '@lezer/common';
import { childNodes } from './lezer-nodes';
import { decodeNumber, decodeString, unescapePython } from './python-literals';
import { evaluate, foldArithmetic, type ArithOperator, type DictEntry, type PyValue } from './value';

/** Calls whose result we model instead of leaving unknown, by their fully qualified name. */
const CPU_COUNT_CALLS = new Set(['multiprocessing.cpu_count', 'os.cpu_count', 'os.process_cpu_count', 'psutil.cpu_count']);
const ENV_GET_CALLS = new Set(['os.environ.get', 'os.getenv']);
const CONVERSIONS = new Set(['int', 'float', 'str', 'bool']);

/** Deeper expressions than this are left unknown: no config needs them, hostile files do. */
const MAX_DEPTH = 64;

/**
 * Turns a Python expression node into a PyValue by constant folding. Names bound earlier
 * at module level resolve to their values; imports resolve `mp.cpu_count` and friends.
 */
export class ExpressionReader {
  private readonly constants = new Map<string, PyValue | undefined>();

  constructor(
    private readonly text: string,
    private readonly importTarget: (name: string) => string | undefined,
  ) {}

  /** Records a module-level name's value for later references; undefined makes it unknown. */
  bind(name: string, value: PyValue | undefined): void {
    this.constants.set(name, value);
  }

  constantOf(name: string): PyValue | undefined {
    return this.constants.get(name);
  }

  combine(operator: ArithOperator, left: PyValue, right: PyValue): PyValue {
    return foldArithmetic(operator, left, right) ?? { kind: 'arith', operator, left, right };
  }

  read(node: SyntaxNode, depth = 0): PyValue {
    if (depth > MAX_DEPTH) return this.unknown(node);
    const next = depth + 1;
    switch (node.name) {
      case 'Number': {
        const decoded = decodeNumber(this.slice(node));
        return decoded ? { kind: 'number', ...decoded } : this.unknown(node);
      }
      case 'String': {
        const value = decodeString(this.slice(node));
        return value === undefined ? this.unknown(node) : { kind: 'string', value };
      }
      case 'ContinuedString':
        return this.concatenate(childNodes(node).map((part) => this.read(part, next)), node);
      case 'FormatString':
        return this.formatString(node, next);
      case 'Boolean':
        return { kind: 'bool', value: this.slice(node) === 'True' };
      case 'None':
        return { kind: 'none' };
      case 'ParenthesizedExpression': {
        const inner = childNodes(node).filter((child) => child.name !== '(' && child.name !== ')');
        return inner.length === 1 ? this.read(inner[0]!, next) : this.unknown(node);
      }
      case 'ArrayExpression':
      case 'TupleExpression':
        return {
          kind: 'list',
          tuple: node.name === 'TupleExpression',
          items: childNodes(node)
            .filter((child) => !['(', ')', '[', ']', ','].includes(child.name))
            .map((item) => this.read(item, next)),
        };
      case 'DictionaryExpression':
        return this.dictionary(node, next);
      case 'UnaryExpression':
        return this.unary(node, next);
      case 'BinaryExpression':
        return this.binary(node, next);
      case 'VariableName': {
        const name = this.slice(node);
        return this.constants.get(name) ?? this.unknown(node);
      }
      case 'CallExpression':
        return this.call(node, next);
      case 'MemberExpression':
        return this.subscript(node, next);
      case 'LambdaExpression':
        return { kind: 'function', parameters: [] };
      default:
        return this.unknown(node);
    }
  }

  private concatenate(parts: PyValue[], node: SyntaxNode): PyValue {
    let text = '';
    for (const part of parts) {
      if (part.kind !== 'string') return this.unknown(node);
      text += part.value;
    }
    return { kind: 'string', value: text };
  }

  /** f"{host}:{port}" folds when every replacement is a plain constant without a format spec. */
  private formatString(node: SyntaxNode, depth: number): PyValue {
    const literal = this.slice(node);
    const quoteStart = literal.search(/['"]/);
    if (quoteStart < 0 || /[rR]/.test(literal.slice(0, quoteStart))) return this.unknown(node);
    const quote = literal[quoteStart]!;
    const delimiter = literal.startsWith(quote.repeat(3), quoteStart) ? quote.repeat(3) : quote;
    const bodyStart = node.from + quoteStart + delimiter.length;
    const bodyEnd = node.to - delimiter.length;
    let result = '';
    let cursor = bodyStart;
    for (const replacement of childNodes(node)) {
      if (replacement.name !== 'FormatReplacement') continue;
      result += this.formatLiteral(cursor, replacement.from);
      const inner = childNodes(replacement).filter((child) => child.name !== '{' && child.name !== '}');
      if (inner.length !== 1) return this.unknown(node);
      const value = this.read(inner[0]!, depth);
      if (value.kind === 'string') result += value.value;
      else if (value.kind === 'number') result += String(value.value);
      else return this.unknown(node);
      cursor = replacement.to;
    }
    result += this.formatLiteral(cursor, bodyEnd);
    return { kind: 'string', value: result };
  }

  private formatLiteral(from: number, to: number): string {
    if (to <= from) return '';
    return unescapePython(this.text.slice(from, to)).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  }

  private dictionary(node: SyntaxNode, depth: number): PyValue {
    const entries: DictEntry[] = [];
    const parts = childNodes(node).filter((child) => !['{', '}', ','].includes(child.name));
    for (let i = 0; i < parts.length; i += 3) {
      const key = parts[i];
      const colon = parts[i + 1];
      const value = parts[i + 2];
      if (!key || colon?.name !== ':' || !value) return this.unknown(node);
      entries.push({ key: this.read(key, depth), value: this.read(value, depth) });
    }
    return { kind: 'dict', entries };
  }

  private unary(node: SyntaxNode, depth: number): PyValue {
    const operator = node.firstChild;
    const operand = node.lastChild;
    if (!operator || !operand || operator === operand) return this.unknown(node);
    const value = this.read(operand, depth);
    const sign = this.slice(operator);
    if (sign === 'not') {
      const truth = evaluate({ kind: 'convert', to: 'bool', operand: value });
      return truth.kind === 'bool' ? { kind: 'bool', value: !truth.value } : this.unknown(node);
    }
    if (sign === '-') return this.combine('-', { kind: 'number', value: 0, integer: true }, value);
    if (sign === '+') return value;
    return this.unknown(node);
  }

  private binary(node: SyntaxNode, depth: number): PyValue {
    const left = node.firstChild;
    const operatorNode = left?.nextSibling;
    const right = node.lastChild;
    if (!left || !operatorNode || !right || operatorNode.name !== 'ArithOp') return this.unknown(node);
    const operator = this.slice(operatorNode);
    if (!['+', '-', '*', '/', '//', '%', '**'].includes(operator)) return this.unknown(node);
    return this.combine(operator as ArithOperator, this.read(left, depth), this.read(right, depth));
  }

  private call(node: SyntaxNode, depth: number): PyValue {
    const callee = node.firstChild;
    const argumentList = node.getChild('ArgList');
    if (!callee || !argumentList) return this.unknown(node);
    const name = this.qualifiedName(callee);
    const args = childNodes(argumentList).filter((child) => !['(', ')', ','].includes(child.name));
    if (args.some((arg) => arg.name === 'AssignOp' || arg.name === '*' || arg.name === '**')) return this.unknown(node);
    if (name === undefined) return this.unknown(node);

    if (CPU_COUNT_CALLS.has(name) && args.length === 0) return { kind: 'cpu-count' };
    if (ENV_GET_CALLS.has(name) && (args.length === 1 || args.length === 2)) {
      const variable = this.read(args[0]!, depth);
      if (variable.kind !== 'string') return this.unknown(node);
      const fallback = args[1] ? this.read(args[1], depth) : undefined;
      return { kind: 'env', name: variable.value, ...(fallback ? { fallback } : {}) };
    }
    if (CONVERSIONS.has(name) && args.length === 1) {
      return evaluate({ kind: 'convert', to: name as 'int', operand: this.read(args[0]!, depth) });
    }
    if ((name === 'min' || name === 'max') && args.length >= 2) {
      return evaluate({ kind: name, operands: args.map((arg) => this.read(arg, depth)) });
    }
    return this.unknown(node);
  }

  /** `os.environ["NAME"]`; other subscripts and attributes are unknown. */
  private subscript(node: SyntaxNode, depth: number): PyValue {
    const object = node.firstChild;
    const open = object?.nextSibling;
    const index = open?.nextSibling;
    if (!object || open?.name !== '[' || !index) return this.unknown(node);
    if (this.qualifiedName(object) !== 'os.environ') return this.unknown(node);
    const variable = this.read(index, depth);
    return variable.kind === 'string' ? { kind: 'env', name: variable.value } : this.unknown(node);
  }

  /** `mp.cpu_count` → "multiprocessing.cpu_count", following the file's imports. */
  private qualifiedName(node: SyntaxNode): string | undefined {
    const parts: string[] = [];
    let current: SyntaxNode | null = node;
    while (current && current.name === 'MemberExpression') {
      const property = current.lastChild;
      if (!property || property.name !== 'PropertyName') return undefined;
      parts.unshift(this.slice(property));
      current = current.firstChild;
    }
    if (!current || current.name !== 'VariableName') return undefined;
    const head = this.slice(current);
    parts.unshift(this.importTarget(head) ?? head);
    return parts.join('.');
  }

  private unknown(node: SyntaxNode): PyValue {
    return { kind: 'unknown', text: this.slice(node) };
  }

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }
}
