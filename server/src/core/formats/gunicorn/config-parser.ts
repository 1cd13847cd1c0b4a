import { parser as pythonParser } from '@lezer/python';
import { TreeFragment, type SyntaxNode, type Tree } from '@lezer/common';
import { differingStretch } from '../../text/edits';
import { SourceText, type Span } from '../../text/source-text';
import type { Comment, SyntaxProblem } from '../common';
import type { AttributeRead, ConfigBinding, GunicornConfig, ImportBinding, ParameterNode } from './model';
import { ExpressionReader } from './expression';
import { childNodes, readPython, UNREADABLE_PYTHON } from './lezer-nodes';
import { isLegacyOctal } from './python-literals';
import type { PyValue } from './value';

/** Blocks whose bodies run at module level, conditionally. Function and class bodies do not. */
const CONDITIONAL_BLOCKS = new Set([
  'IfStatement',
  'TryStatement',
  'WithStatement',
  'ForStatement',
  'WhileStatement',
  'MatchStatement',
]);

const MAX_PROBLEMS = 100;

/**
 * Reads a gunicorn.conf.py without running it: the top-level names it binds, what they
 * are bound to as far as constant folding can tell, its imports, and syntax problems.
 */
export function parseGunicornConfig(text: string, previous?: GunicornConfig): GunicornConfig {
  const before = previous && syntaxOf.get(previous);
  // A tree the Python parser cannot build or built wrong is reported, not thrown (and not kept for reuse).
  return readPython(
    () => (before ? pythonParser.parse(text, reusableFragments(before, text)) : pythonParser.parse(text)),
    (tree) => {
      const config = new ConfigReader(text, tree).read();
      syntaxOf.set(config, { text, tree });
      return config;
    },
    () => unreadableConfig(text),
  );
}

/** A config nothing could be read from: one problem on the first line. */
function unreadableConfig(text: string): GunicornConfig {
  const firstLine = new SourceText(text).lineEnd(0);
  return {
    bindings: [],
    imports: [],
    namesRead: new Set(),
    comments: [],
    problems: [{ span: { start: 0, end: firstLine }, message: `${UNREADABLE_PYTHON}: gunicorn cannot load it` }],
  };
}

/**
 * The syntax tree each config was read from, so that the next version of an edited file
 * is parsed reusing the unchanged parts (a keystroke in a long file re-parses a few lines,
 * not the file). Weak: a config no longer referenced takes its tree with it.
 */
const syntaxOf = new WeakMap<GunicornConfig, { readonly text: string; readonly tree: Tree }>();

/** The previous tree cut around the one range where the texts differ. */
function reusableFragments(before: { text: string; tree: Tree }, text: string): readonly TreeFragment[] {
  const { start, endBefore, endAfter } = differingStretch(before.text, text);
  const change = { fromA: start, toA: endBefore, fromB: start, toB: endAfter };
  return TreeFragment.applyChanges(TreeFragment.addTree(before.tree), [change]);
}

class ConfigReader {
  private readonly bindings: ConfigBinding[] = [];
  private readonly imports: ImportBinding[] = [];
  private readonly comments: Comment[] = [];
  private readonly problems: SyntaxProblem[] = [];
  /** Offsets of VariableName nodes that bind rather than read a name. */
  private readonly definitionSites = new Set<number>();
  private readonly expressions: ExpressionReader;
  private readonly lines: SourceText;

  constructor(
    private readonly text: string,
    private readonly tree: Tree,
  ) {
    this.expressions = new ExpressionReader(text, (name) => this.importTarget(name));
    this.lines = new SourceText(text);
  }

  read(): GunicornConfig {
    this.readStatements(this.tree.topNode);
    const namesRead = this.scanTree();
    const broken = (binding: ConfigBinding) =>
      this.problems.some((problem) => problem.span.start < binding.statementSpan.end && problem.span.end > binding.statementSpan.start);
    return {
      bindings: this.bindings.map((binding) => (broken(binding) ? { ...binding, broken: true } : binding)),
      imports: this.imports,
      namesRead,
      comments: this.comments,
      problems: this.problems,
    };
  }

  /** Walks module-level statements, descending into conditional blocks with an explicit stack. */
  private readStatements(script: SyntaxNode): void {
    const pending: { node: SyntaxNode; conditional: boolean }[] = [];
    for (let child = script.lastChild; child; child = child.prevSibling) {
      pending.push({ node: child, conditional: false });
    }
    while (pending.length > 0) {
      const { node, conditional } = pending.pop()!;
      if (CONDITIONAL_BLOCKS.has(node.name) || node.name === 'Body') {
        // Whatever a block at module level binds may or may not run.
        const children = childNodes(node);
        for (let i = children.length - 1; i >= 0; i--) pending.push({ node: children[i]!, conditional: true });
        continue;
      }
      this.readStatement(node, conditional);
    }
  }

  private readStatement(node: SyntaxNode, conditional: boolean): void {
    switch (node.name) {
      case 'AssignStatement':
        this.readAssignment(node, conditional);
        break;
      case 'UpdateStatement':
        this.readUpdate(node, conditional);
        break;
      case 'FunctionDefinition':
        this.readFunction(node, node, conditional);
        break;
      case 'DecoratedStatement': {
        const definition = node.getChild('FunctionDefinition');
        if (definition) this.readFunction(definition, node, conditional);
        const classDefinition = node.getChild('ClassDefinition');
        if (classDefinition) this.markDefinition(classDefinition.getChild('VariableName'));
        break;
      }
      case 'ClassDefinition':
        this.markDefinition(node.getChild('VariableName'));
        break;
      case 'ImportStatement':
        this.readImport(node);
        break;
    }
  }

  private readAssignment(node: SyntaxNode, conditional: boolean): void {
    const children = childNodes(node);
    const operatorIndexes = children.flatMap((child, index) => (child.name === 'AssignOp' ? [index] : []));
    const lastOperator = operatorIndexes[operatorIndexes.length - 1];
    if (lastOperator === undefined) return;

    const valueNodes = children.slice(lastOperator + 1).filter((child) => child.name !== ',');
    if (valueNodes.length === 0) return;
    const valueSpan = { start: valueNodes[0]!.from, end: valueNodes[valueNodes.length - 1]!.to };
    const values = valueNodes.map((child) => this.expressions.read(child));
    const wholeValue: PyValue =
      values.length === 1 ? values[0]! : { kind: 'list', items: values, tuple: true };

    const targetGroups: SyntaxNode[][] = [];
    let start = 0;
    for (const operatorIndex of operatorIndexes) {
      targetGroups.push(children.slice(start, operatorIndex).filter((c) => c.name !== ',' && c.name !== 'TypeDef'));
      start = operatorIndex + 1;
    }
    const targetCount = targetGroups.reduce((count, group) => count + group.length, 0);

    for (const group of targetGroups) {
      const targets = group.length === 1 ? unpackTargets(group[0]!) : group;
      targets.forEach((target, index) => {
        if (target.name !== 'VariableName') return;
        let value: PyValue;
        if (targets.length === 1) value = wholeValue;
        else if (wholeValue.kind === 'list' && wholeValue.items.length === targets.length) value = wholeValue.items[index]!;
        else value = { kind: 'unknown', text: this.slice(valueSpan) };
        this.addBinding({
          name: this.slice(target),
          nameSpan: spanOf(target),
          form: 'assignment',
          value,
          valueSpan,
          statementSpan: spanOf(node),
          conditional,
          augmented: false,
          sharedStatement: targetCount > 1,
          ...this.lambdaDetails(valueNodes.length === 1 ? valueNodes[0]! : undefined),
        });
      });
    }
  }

  private readUpdate(node: SyntaxNode, conditional: boolean): void {
    const target = node.firstChild;
    const operator = node.getChild('UpdateOp');
    const valueNode = operator?.nextSibling;
    if (!target || target.name !== 'VariableName' || !operator || !valueNode) return;
    const name = this.slice(target);
    const increment = this.expressions.read(valueNode);
    const arithmetic = this.slice(operator).slice(0, -1);
    const previous = this.expressions.constantOf(name);
    const value: PyValue =
      previous && isArithOperator(arithmetic)
        ? this.expressions.combine(arithmetic, previous, increment)
        : { kind: 'unknown', text: this.slice(node) };
    this.addBinding({
      name,
      nameSpan: spanOf(target),
      form: 'assignment',
      value,
      valueSpan: spanOf(valueNode),
      statementSpan: spanOf(node),
      conditional,
      augmented: true,
      sharedStatement: false,
    });
  }

  private readFunction(definition: SyntaxNode, statement: SyntaxNode, conditional: boolean): void {
    const nameNode = definition.getChild('VariableName');
    const parameterList = definition.getChild('ParamList');
    if (!nameNode) return;
    this.markDefinition(nameNode);
    const parameters = parameterList ? this.readParameters(parameterList) : [];
    const body = definition.getChild('Body');
    this.addBinding({
      name: this.slice(nameNode),
      nameSpan: spanOf(nameNode),
      form: 'function',
      value: { kind: 'function', parameters },
      valueSpan: parameterList ? spanOf(parameterList) : spanOf(nameNode),
      statementSpan: spanOf(statement),
      conditional,
      augmented: false,
      sharedStatement: false,
      parameters,
      attributeReads: body ? this.attributeReads(body, parameters) : [],
    });
  }

  private lambdaDetails(value: SyntaxNode | undefined): Pick<ConfigBinding, 'parameters' | 'attributeReads'> {
    if (!value || value.name !== 'LambdaExpression') return {};
    const list = value.getChild('ParamList');
    const parameters = list ? this.readParameters(list) : [];
    return { parameters, attributeReads: this.attributeReads(value, parameters) };
  }

  /** Reads a parameter list as Python binds it: `/`, `*`, `*args`, `**kwargs`, defaults. */
  private readParameters(list: SyntaxNode): ParameterNode[] {
    const parameters: ParameterNode[] = [];
    let afterStar = false;
    let pendingMarker: '*' | '**' | undefined;
    for (let child = list.firstChild; child; child = child.nextSibling) {
      switch (child.name) {
        case '*':
          pendingMarker = '*';
          afterStar = true;
          break;
        case '**':
          pendingMarker = '**';
          break;
        case 'VariableName': {
          const previous = child.prevSibling;
          if (previous?.name === 'AssignOp') break; // a default value that is a name
          this.markDefinition(child);
          const kind =
            pendingMarker === '*'
              ? 'var-positional'
              : pendingMarker === '**'
                ? 'var-keyword'
                : afterStar
                  ? 'keyword-only'
                  : 'positional';
          pendingMarker = undefined;
          parameters.push({ name: this.slice(child), kind, hasDefault: false, span: spanOf(child) });
          break;
        }
        case 'AssignOp': {
          const last = parameters[parameters.length - 1];
          if (last) parameters[parameters.length - 1] = { ...last, hasDefault: true };
          break;
        }
        case ',':
          pendingMarker = undefined;
          break;
      }
    }
    return parameters;
  }

  private attributeReads(body: SyntaxNode, parameters: readonly ParameterNode[]): AttributeRead[] {
    const parameterNames = new Set(parameters.map((p) => p.name));
    const reads: AttributeRead[] = [];
    this.tree.iterate({
      from: body.from,
      to: body.to,
      enter: (ref) => {
        if (ref.name !== 'MemberExpression' || ref.from < body.from || ref.to > body.to) return;
        const object = ref.node.firstChild;
        const property = ref.node.getChild('PropertyName');
        if (!object || object.name !== 'VariableName' || !property) return;
        const objectName = this.slice(object);
        if (!parameterNames.has(objectName)) return;
        reads.push({ object: objectName, attribute: this.slice(property), span: { start: ref.from, end: ref.to } });
      },
    });
    return reads;
  }

  private readImport(node: SyntaxNode): void {
    const children = childNodes(node);
    const isFrom = children[0]?.name === 'from';
    const importIndex = children.findIndex((child) => child.name === 'import');
    let module = '';
    if (isFrom) {
      module = children
        .slice(1, importIndex)
        .map((child) => this.slice(child))
        .join('');
    }
    const names = children.slice(importIndex + 1);
    for (let i = 0; i < names.length; i++) {
      const child = names[i]!;
      if (child.name !== 'VariableName') continue;
      // Dotted module path in a plain import: `import os.path` binds `os`.
      let dotted = this.slice(child);
      let end = i;
      while (!isFrom && names[end + 1]?.name === '.' && names[end + 2]?.name === 'VariableName') {
        dotted += `.${this.slice(names[end + 2]!)}`;
        end += 2;
      }
      let alias = child;
      if (names[end + 1]?.name === 'as' && names[end + 2]?.name === 'VariableName') {
        alias = names[end + 2]!;
        end += 2;
      }
      const boundName = alias === child && !isFrom ? dotted.split('.')[0]! : this.slice(alias);
      const target = isFrom ? `${module}.${dotted}` : alias === child ? boundName : dotted;
      for (let k = i; k <= end; k++) if (names[k]!.name === 'VariableName') this.markDefinition(names[k]!);
      this.imports.push({ name: boundName, target, span: spanOf(node) });
      i = end;
    }
  }

  private importTarget(name: string): string | undefined {
    for (let i = this.imports.length - 1; i >= 0; i--) {
      if (this.imports[i]!.name === name) return this.imports[i]!.target;
    }
    return undefined;
  }

  private addBinding(binding: ConfigBinding): void {
    this.definitionSites.add(binding.nameSpan.start);
    this.bindings.push(binding);
    if (binding.form === 'assignment') {
      this.expressions.bind(binding.name, binding.conditional ? undefined : binding.value);
    }
  }

  private markDefinition(node: SyntaxNode | null): void {
    if (node) this.definitionSites.add(node.from);
  }

  /** One pass over the whole tree: comments, syntax errors and names read. */
  private scanTree(): ReadonlySet<string> {
    const namesRead = new Set<string>();
    let lastProblemLine = -1;
    this.tree.iterate({
      enter: (ref) => {
        if (ref.type.isError) {
          if (this.problems.length >= MAX_PROBLEMS) return false;
          const line = this.lines.positionAt(ref.from).line;
          if (line !== lastProblemLine) {
            lastProblemLine = line;
            this.problems.push(this.syntaxProblem(ref.from, ref.to));
          }
          return undefined;
        }
        switch (ref.name) {
          case 'Comment':
            this.comments.push({ text: this.text.slice(ref.from + 1, ref.to), span: { start: ref.from, end: ref.to } });
            return false;
          case 'Number':
            if (isLegacyOctal(this.text.slice(ref.from, ref.to)) && this.problems.length < MAX_PROBLEMS) {
              this.problems.push({
                span: { start: ref.from, end: ref.to },
                message: 'Leading zeros in decimal integer literals are not permitted in Python 3; use an 0o prefix for octal',
              });
            }
            return false;
          case 'VariableName': {
            if (this.definitionSites.has(ref.from)) return false;
            const next = ref.node.nextSibling;
            if (ref.node.parent?.name === 'ArgList' && next?.name === 'AssignOp') return false; // keyword argument
            namesRead.add(this.text.slice(ref.from, ref.to));
            return false;
          }
        }
        return undefined;
      },
    });
    return namesRead;
  }

  private syntaxProblem(from: number, to: number): SyntaxProblem {
    // Lezer marks where it gave up, often with an empty node: underline what is there.
    let start = from;
    let end = to;
    if (end <= start) {
      while (start > 0 && (this.text[start - 1] === ' ' || this.text[start - 1] === '\t')) start--;
      end = start;
      while (end < this.text.length && this.text[end] !== '\n' && this.text[end] !== '\r') end++;
      if (end === start && start > 0) start--;
    }
    const snippet = this.text.slice(start, Math.min(end, start + 40)).trim();
    const message = snippet
      ? `Invalid Python syntax near ${JSON.stringify(snippet)}: gunicorn cannot load this file`
      : 'Invalid Python syntax (unexpected end of file): gunicorn cannot load this file';
    return { span: { start, end }, message };
  }

  private slice(node: SyntaxNode | Span): string {
    return 'from' in node ? this.text.slice(node.from, node.to) : this.text.slice(node.start, node.end);
  }
}

/** `(a, b) = …` and `[a, b] = …` bind each name inside. */
function unpackTargets(target: SyntaxNode): SyntaxNode[] {
  if (target.name === 'TupleExpression' || target.name === 'ArrayExpression' || target.name === 'ParenthesizedExpression') {
    return childNodes(target).filter((child) => child.name === 'VariableName');
  }
  return [target];
}

function spanOf(node: SyntaxNode): Span {
  return { start: node.from, end: node.to };
}

function isArithOperator(operator: string): operator is '+' | '-' | '*' | '/' | '//' | '%' | '**' {
  return ['+', '-', '*', '/', '//', '%', '**'].includes(operator);
}
