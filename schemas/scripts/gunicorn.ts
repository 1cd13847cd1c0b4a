/**
 * Builds schemas/gunicorn.json from a git clone of gunicorn (benoitc/gunicorn).
 *
 *   npx tsx schemas/scripts/gunicorn.ts <gunicorn-git-dir> [--ref TAG] [--oldest TAG] [--out FILE]
 *
 * Facts (setting names, flags, validators, defaults, worker classes, versions) are read
 * from the upstream source at each release tag with `git show`; nothing is imported or
 * run. Summaries are ours, in schemas/summaries/gunicorn.json; the run fails when an
 * entry has none, so a new upstream release cannot ship blank summaries.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  GunicornKnowledge,
  GunicornSetting,
  GunicornValueType,
  GunicornWorkerClass,
} from '../../server/src/core/knowledge/types';
import { compareVersions, parseVersion } from '../../server/src/core/model/version';
import {
  classHeader,
  conditionHeader,
  functionHeader,
  importBindings,
  parseExpression,
  pythonRepr,
  simpleAssignment,
  statementTree,
  walkStatements,
  type ImportBinding,
  type PyExpr,
  type PyValue,
  type Statement,
} from './python-source';

const UPSTREAM_URL = 'https://github.com/benoitc/gunicorn';
const DEFAULT_OLDEST = '19.0';
const SCHEMAS_DIR = path.resolve(__dirname, '..');
const SUMMARIES_FILE = path.join(SCHEMAS_DIR, 'summaries', 'gunicorn.json');
const DEFAULT_OUT = path.join(SCHEMAS_DIR, 'gunicorn.json');

const CONFIG_FILE = 'gunicorn/config.py';
const WORKERS_FILE = 'gunicorn/workers/__init__.py';
const LOGGING_FILE = 'gunicorn/glogging.py';
const SETTINGS_DOC_SCRIPT = 'scripts/build_settings_doc.py';
const DOCS_CNAME = 'docs/content/CNAME';
const MKDOCS_FILE = 'mkdocs.yml';

/** Upstream validator → our value type. An unknown validator stops the run for review. */
const VALIDATOR_TYPES: Readonly<Record<string, GunicornValueType>> = {
  validate_pos_int: 'int',
  validate_http2_frame_size: 'int',
  validate_bool: 'bool',
  validate_string: 'string',
  // These take one comma-separated string and reject a Python list.
  validate_string_to_list: 'string',
  validate_http_protocols: 'string',
  validate_string_to_addr_list: 'address-list',
  validate_list_string: 'string-list',
  validate_list_of_existing_files: 'string-list',
  validate_list_of_files_or_patterns: 'string-list',
  validate_file_exists: 'file',
  validate_dict: 'dict',
  validate_callable: 'callable',
  validate_post_request: 'callable',
  validate_class: 'class',
  validate_user: 'user',
  validate_group: 'group',
  validate_chdir: 'chdir',
  validate_hostport: 'hostport',
  validate_statsd_address: 'hostport',
  validate_reload_engine: 'string',
  validate_asgi_loop: 'string',
  validate_asgi_lifespan: 'string',
  validate_http_parser: 'string',
  validate_header_map_behaviour: 'string',
  // Accepts a string or a bool.
  validate_proxy_protocol: 'other',
  // Accepts an ssl.PROTOCOL_* int or its name; ignored since 21.0.
  validate_ssl_version: 'other',
};

/** argparse `type=` that reads octal literals (umask, control_socket_mode). */
const OCTAL_PARSERS = new Set(['auto_int']);

/**
 * Descriptions whose deprecation notes concern something other than the setting itself:
 * worker_class documents the deprecation of individual worker classes, which the
 * workerClasses table records.
 */
const DEPRECATION_NOTES_NOT_ABOUT_SETTING = new Set(['worker_class']);

const ARGPARSE_ACTIONS = ['store', 'store_true', 'store_false', 'append', 'store_const'] as const;
type ArgparseAction = (typeof ARGPARSE_ACTIONS)[number];

// ------------------------------------------------------------------ reading git

class UpstreamRepository {
  private readonly fileCache = new Map<string, string>();
  private readonly listingCache = new Map<string, Set<string>>();
  /** Every path read, at any tag, for the source record. */
  readonly filesRead = new Set<string>();

  constructor(readonly gitDir: string) {
    this.git(['rev-parse', '--git-dir']);
  }

  private git(args: readonly string[]): string {
    return execFileSync('git', ['-C', this.gitDir, ...args], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Release tags (dotted numbers only), oldest first. */
  releaseTags(): string[] {
    return this.git(['tag', '--list'])
      .split('\n')
      .map((tag) => tag.trim())
      .filter((tag) => /^\d+(\.\d+)+$/.test(tag) && parseVersion(tag) !== undefined)
      .sort(compareVersions);
  }

  commitOf(ref: string): string {
    return this.git(['rev-parse', `${ref}^{commit}`]).trim();
  }

  private listing(tag: string): Set<string> {
    let files = this.listingCache.get(tag);
    if (!files) {
      files = new Set(this.git(['ls-tree', '-r', '--name-only', tag]).split('\n').filter((line) => line !== ''));
      this.listingCache.set(tag, files);
    }
    return files;
  }

  exists(tag: string, file: string): boolean {
    return this.listing(tag).has(file);
  }

  read(tag: string, file: string): string | undefined {
    if (!this.exists(tag, file)) return undefined;
    const key = `${tag}:${file}`;
    let text = this.fileCache.get(key);
    if (text === undefined) {
      text = this.git(['show', key]);
      this.fileCache.set(key, text);
    }
    this.filesRead.add(file);
    return text;
  }

  require(tag: string, file: string): string {
    const text = this.read(tag, file);
    if (text === undefined) throw new Error(`${file} is missing at ${tag}`);
    return text;
  }

  /** Path of a dotted module at a tag (`a.b` → a/b.py or a/b/__init__.py). */
  modulePath(tag: string, dotted: string): string | undefined {
    const base = dotted.split('.').join('/');
    if (this.exists(tag, `${base}.py`)) return `${base}.py`;
    if (this.exists(tag, `${base}/__init__.py`)) return `${base}/__init__.py`;
    return undefined;
  }
}

// ------------------------------------------------------------------ evaluating

type Evaluated = { readonly known: true; readonly value: PyValue } | { readonly known: false };

const UNKNOWN: Evaluated = { known: false };

/**
 * Evaluates the constant-ish expressions of upstream class bodies as they would come out
 * on the host deploylint targets: Linux, a current Python 3, and none of the
 * environment variables the expression reads (those are recorded in `environmentRead`).
 */
class HostEvaluator {
  readonly environmentRead = new Set<string>();

  constructor(private readonly names: ReadonlyMap<string, PyExpr> = new Map()) {}

  evaluate(expr: PyExpr, depth = 0): Evaluated {
    if (depth > 20) return UNKNOWN;
    switch (expr.kind) {
      case 'const':
        return { known: true, value: expr.value };
      case 'list':
      case 'tuple':
      case 'set': {
        const items: PyValue[] = [];
        for (const item of expr.items) {
          const value = this.evaluate(item, depth + 1);
          if (!value.known) return UNKNOWN;
          items.push(value.value);
        }
        return { known: true, value: items };
      }
      case 'dict': {
        const object: Record<string, PyValue> = {};
        for (const [keyExpr, valueExpr] of expr.entries) {
          const key = this.evaluate(keyExpr, depth + 1);
          const value = this.evaluate(valueExpr, depth + 1);
          if (!key.known || typeof key.value !== 'string' || !value.known) return UNKNOWN;
          object[key.value] = value.value;
        }
        return { known: true, value: object };
      }
      case 'name': {
        const bound = this.names.get(expr.id);
        return bound ? this.evaluate(bound, depth + 1) : UNKNOWN;
      }
      case 'attribute': {
        const dotted = dottedName(expr);
        if (dotted === 'sys.platform') return { known: true, value: 'linux' };
        if (dotted === 'sys.version_info') return { known: true, value: [3, 12, 0] };
        return UNKNOWN;
      }
      case 'call':
        return this.call(expr, depth);
      case 'subscript': {
        if (dottedName(expr.object) === 'os.environ') {
          const key = this.evaluate(expr.index, depth + 1);
          if (key.known && typeof key.value === 'string') this.environmentRead.add(key.value);
          return UNKNOWN;
        }
        const object = this.evaluate(expr.object, depth + 1);
        const index = this.evaluate(expr.index, depth + 1);
        if (!object.known || !index.known) return UNKNOWN;
        if (Array.isArray(object.value) && typeof index.value === 'number') {
          const item = (object.value as readonly PyValue[])[index.value];
          return item === undefined ? UNKNOWN : { known: true, value: item };
        }
        if (isDict(object.value) && typeof index.value === 'string' && index.value in object.value) {
          return { known: true, value: object.value[index.value]! };
        }
        return UNKNOWN;
      }
      case 'compare':
        return this.compare(expr, depth);
      case 'unary': {
        const operand = this.evaluate(expr.operand, depth + 1);
        if (!operand.known) return UNKNOWN;
        if (expr.op === 'not') return { known: true, value: !truthy(operand.value) };
        if (typeof operand.value !== 'number') return UNKNOWN;
        if (expr.op === '-') return { known: true, value: -operand.value };
        if (expr.op === '+') return operand;
        return UNKNOWN;
      }
      case 'boolean': {
        let last: Evaluated = UNKNOWN;
        for (const part of expr.values) {
          last = this.evaluate(part, depth + 1);
          if (!last.known) return UNKNOWN;
          if (expr.op === 'and' ? !truthy(last.value) : truthy(last.value)) return last;
        }
        return last;
      }
      case 'conditional': {
        const test = this.evaluate(expr.test, depth + 1);
        if (!test.known) return UNKNOWN;
        return this.evaluate(truthy(test.value) ? expr.then : expr.otherwise, depth + 1);
      }
      case 'binary': {
        const left = this.evaluate(expr.left, depth + 1);
        const right = this.evaluate(expr.right, depth + 1);
        if (!left.known || !right.known || expr.op !== '+') return UNKNOWN;
        if (typeof left.value === 'number' && typeof right.value === 'number') return { known: true, value: left.value + right.value };
        if (typeof left.value === 'string' && typeof right.value === 'string') return { known: true, value: left.value + right.value };
        return UNKNOWN;
      }
      case 'opaque':
        return UNKNOWN;
    }
  }

  private call(expr: Extract<PyExpr, { kind: 'call' }>, depth: number): Evaluated {
    const callee = dottedName(expr.callee);
    const args = expr.args;
    if (callee === 'os.environ.get' || callee === 'os.getenv') {
      const key = args[0] ? this.evaluate(args[0], depth + 1) : UNKNOWN;
      if (!key.known || typeof key.value !== 'string') return UNKNOWN;
      this.environmentRead.add(key.value);
      return args[1] ? this.evaluate(args[1], depth + 1) : { known: true, value: null };
    }
    if (callee === 'int' && args.length === 1) {
      const value = this.evaluate(args[0]!, depth + 1);
      if (!value.known) return UNKNOWN;
      if (typeof value.value === 'number') return { known: true, value: Math.trunc(value.value) };
      if (typeof value.value === 'string' && /^\s*[+-]?\d+\s*$/.test(value.value)) return { known: true, value: Number(value.value) };
      return UNKNOWN;
    }
    if ((callee === 'list' || callee === 'tuple' || callee === 'set' || callee === 'frozenset') && args.length === 1) {
      const value = this.evaluate(args[0]!, depth + 1);
      return value.known && Array.isArray(value.value) ? value : UNKNOWN;
    }
    // Conditions such as hasattr(ssl, "PROTOCOL_TLS") probe for features a current
    // Python has.
    if (callee === 'hasattr') return { known: true, value: true };
    return UNKNOWN;
  }

  private compare(expr: Extract<PyExpr, { kind: 'compare' }>, depth: number): Evaluated {
    let left: PyExpr = expr.left;
    for (let index = 0; index < expr.ops.length; index++) {
      const op = expr.ops[index]!;
      const right = expr.rights[index]!;
      let result: boolean;
      if ((op === 'in' || op === 'not in') && dottedName(right) === 'os.environ') {
        const key = this.evaluate(left, depth + 1);
        if (!key.known || typeof key.value !== 'string') return UNKNOWN;
        this.environmentRead.add(key.value);
        result = op === 'not in';
      } else {
        const leftValue = this.evaluate(left, depth + 1);
        const rightValue = this.evaluate(right, depth + 1);
        if (!leftValue.known || !rightValue.known) return UNKNOWN;
        const outcome = compareValues(op, leftValue.value, rightValue.value);
        if (outcome === undefined) return UNKNOWN;
        result = outcome;
      }
      if (!result) return { known: true, value: false };
      left = right;
    }
    return { known: true, value: true };
  }
}

function isDict(value: PyValue): value is { readonly [key: string]: PyValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truthy(value: PyValue): boolean {
  if (value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isDict(value)) return Object.keys(value).length > 0;
  return true;
}

function sameValue(left: PyValue, right: PyValue): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

function compareValues(op: string, left: PyValue, right: PyValue): boolean | undefined {
  switch (op) {
    case '==':
      return sameValue(left, right);
    case '!=':
      return !sameValue(left, right);
    case 'in':
    case 'not in': {
      let found: boolean;
      if (Array.isArray(right)) found = (right as readonly PyValue[]).some((item) => sameValue(item, left));
      else if (isDict(right) && typeof left === 'string') found = left in right;
      else if (typeof right === 'string' && typeof left === 'string') found = right.includes(left);
      else return undefined;
      return op === 'in' ? found : !found;
    }
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const order = orderValues(left, right);
      if (order === undefined) return undefined;
      return op === '<' ? order < 0 : op === '>' ? order > 0 : op === '<=' ? order <= 0 : order >= 0;
    }
    default:
      return undefined;
  }
}

function orderValues(left: PyValue, right: PyValue): number | undefined {
  if (typeof left === 'number' && typeof right === 'number') return Math.sign(left - right);
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (Array.isArray(left) && Array.isArray(right)) {
    const leftItems = left as readonly PyValue[];
    const rightItems = right as readonly PyValue[];
    for (let index = 0; index < Math.min(leftItems.length, rightItems.length); index++) {
      const order = orderValues(leftItems[index]!, rightItems[index]!);
      if (order === undefined) return undefined;
      if (order !== 0) return order;
    }
    return Math.sign(leftItems.length - rightItems.length);
  }
  return undefined;
}

/** `a.b.c` for a chain of names and attributes; undefined for anything else. */
function dottedName(expr: PyExpr): string | undefined {
  if (expr.kind === 'name') return expr.id;
  if (expr.kind === 'attribute') {
    const object = dottedName(expr.object);
    return object === undefined ? undefined : `${object}.${expr.name}`;
  }
  return undefined;
}

// ------------------------------------------------------------------ executing blocks

interface Assignment {
  readonly expr: PyExpr;
  readonly text: string;
  readonly line: number;
}

interface BlockHandlers {
  assign(target: string, assignment: Assignment): void;
  assignItem?(target: string, key: PyExpr, value: PyExpr): void;
  define?(name: string, parameters: readonly string[], statement: Statement): void;
}

/**
 * Runs the straight-line part of a block: assignments in order, `if`/`elif`/`else`
 * chains decided by the evaluator, `def`s recorded. A condition the evaluator cannot
 * decide stops the run, since guessing a branch would guess a fact.
 */
function executeBlock(statements: readonly Statement[], evaluator: HostEvaluator, handlers: BlockHandlers, where: string): void {
  for (let index = 0; index < statements.length; index++) {
    const statement = statements[index]!;
    const text = statement.line.text;
    const condition = conditionHeader(text);
    if (condition?.keyword === 'if') {
      const chain: Statement[] = [statement];
      while (index + 1 < statements.length) {
        const following = conditionHeader(statements[index + 1]!.line.text);
        if (!following || following.keyword === 'if') break;
        chain.push(statements[++index]!);
      }
      for (const branch of chain) {
        const header = conditionHeader(branch.line.text)!;
        if (header.keyword === 'else') {
          executeBlock(branch.body, evaluator, handlers, where);
          break;
        }
        const test = evaluator.evaluate(parseExpression(header.test));
        if (!test.known) throw new Error(`${where}: cannot decide \`${header.test}\` (line ${branch.line.line})`);
        if (truthy(test.value)) {
          executeBlock(branch.body, evaluator, handlers, where);
          break;
        }
      }
      continue;
    }
    const definition = functionHeader(text);
    if (definition) {
      handlers.define?.(definition.name, definition.parameters, statement);
      continue;
    }
    const assignment = simpleAssignment(text);
    if (assignment) {
      handlers.assign(assignment.target, {
        expr: parseExpression(assignment.value),
        text: assignment.value.trim(),
        line: statement.line.line,
      });
      continue;
    }
    const itemAssignment = /^([A-Za-z_]\w*)\s*\[([\s\S]+)\]\s*=(?!=)\s*([\s\S]+)$/.exec(text);
    if (itemAssignment && handlers.assignItem) {
      handlers.assignItem(itemAssignment[1]!, parseExpression(itemAssignment[2]!), parseExpression(itemAssignment[3]!));
    }
  }
}

// ------------------------------------------------------------------ one release's config.py

interface SettingSnapshot {
  readonly name: string;
  readonly section: string;
  readonly flags: readonly string[];
  readonly action?: ArgparseAction;
  readonly validator: string;
  readonly validatorArgument?: number;
  readonly typeParser?: string;
  readonly defaultKnown: boolean;
  readonly defaultValue?: PyValue;
  readonly defaultSource: string;
  readonly defaultDoc?: string;
  readonly hook?: { readonly name: string; readonly parameters: readonly string[] };
  readonly env: readonly string[];
  readonly description: string;
  readonly nargs?: PyValue;
  readonly constant?: PyValue;
  readonly classLine: number;
}

interface ConfigModule {
  readonly tag: string;
  readonly settings: ReadonlyMap<string, SettingSnapshot>;
  /** Settings in definition order (gunicorn's KNOWN_SETTINGS order). */
  readonly order: readonly string[];
  readonly functions: ReadonlyMap<string, Statement>;
  readonly imports: ReadonlyMap<string, ImportBinding>;
  readonly names: ReadonlyMap<string, PyExpr>;
}

function readConfigModule(upstream: UpstreamRepository, tag: string): ConfigModule {
  const tree = statementTree(upstream.require(tag, CONFIG_FILE));
  const names = new Map<string, PyExpr>();
  const functions = new Map<string, Statement>();
  const imports = new Map<string, ImportBinding>();
  const classes = new Map<string, { bases: readonly string[]; statement: Statement }>();

  for (const statement of tree) {
    for (const binding of importBindings(statement.line.text, 'gunicorn')) imports.set(binding.local, binding);
    const header = classHeader(statement.line.text);
    if (header) {
      classes.set(header.name, { bases: header.bases, statement });
      continue;
    }
    const definition = functionHeader(statement.line.text);
    if (definition) {
      functions.set(definition.name, statement);
      continue;
    }
    const assignment = simpleAssignment(statement.line.text);
    if (assignment) names.set(assignment.target, parseExpression(assignment.value));
  }

  const base = classes.get('Setting');
  if (!base) throw new Error(`${CONFIG_FILE}@${tag}: no Setting class`);
  const attributesOf = new Map<string, Map<string, Assignment>>();
  const hooksOf = new Map<string, Map<string, readonly string[]>>();
  const baseAttributes = new Map<string, Assignment>();
  executeBlock(base.statement.body, new HostEvaluator(names), { assign: (target, value) => baseAttributes.set(target, value) }, `${tag} Setting`);
  attributesOf.set('Setting', baseAttributes);
  hooksOf.set('Setting', new Map());

  const settings = new Map<string, SettingSnapshot>();
  const order: string[] = [];
  // Environment variables read for a setting by Config's properties (e.g. SENDFILE).
  const configEnvironment = propertyEnvironment(classes.get('Config')?.statement, names);

  for (const [className, { bases, statement }] of classes) {
    const parent = bases.find((candidate) => attributesOf.has(candidate));
    if (className === 'Setting' || parent === undefined) continue;
    const attributes = new Map(attributesOf.get(parent)!);
    const hooks = new Map(hooksOf.get(parent)!);
    const evaluator = new HostEvaluator(names);
    executeBlock(
      statement.body,
      evaluator,
      {
        assign: (target, value) => attributes.set(target, value),
        define: (name, parameters) => hooks.set(name, parameters),
      },
      `${tag} ${className}`,
    );
    attributesOf.set(className, attributes);
    hooksOf.set(className, hooks);
    const snapshot = snapshotSetting(tag, className, statement.line.line, attributes, hooks, evaluator);
    settings.set(snapshot.name, {
      ...snapshot,
      env: [...new Set([...snapshot.env, ...(configEnvironment.get(snapshot.name) ?? [])])],
    });
    order.push(snapshot.name);
  }
  return { tag, settings, order, functions, imports, names };
}

function snapshotSetting(
  tag: string,
  className: string,
  classLine: number,
  attributes: ReadonlyMap<string, Assignment>,
  hooks: ReadonlyMap<string, readonly string[]>,
  evaluator: HostEvaluator,
): SettingSnapshot {
  const where = `${CONFIG_FILE}@${tag} ${className}`;
  const value = (attribute: string): Evaluated => {
    const assignment = attributes.get(attribute);
    return assignment ? evaluator.evaluate(assignment.expr) : { known: true, value: null };
  };
  const text = (attribute: string): string | undefined => {
    const evaluated = value(attribute);
    return evaluated.known && typeof evaluated.value === 'string' ? evaluated.value : undefined;
  };

  const name = text('name');
  const section = text('section');
  if (!name || !section) throw new Error(`${where}: no name or section`);

  const cli = value('cli');
  if (!cli.known || (cli.value !== null && !(Array.isArray(cli.value) && cli.value.every((flag) => typeof flag === 'string')))) {
    throw new Error(`${where}: cli is not a list of strings`);
  }
  const flags = (cli.value ?? []) as string[];

  const actionValue = value('action');
  const actionText = actionValue.known && typeof actionValue.value === 'string' ? actionValue.value : 'store';
  if (!(ARGPARSE_ACTIONS as readonly string[]).includes(actionText)) throw new Error(`${where}: unknown action ${actionText}`);

  const validatorExpr = attributes.get('validator')?.expr;
  let validator: string | undefined;
  let validatorArgument: number | undefined;
  if (validatorExpr?.kind === 'name') validator = validatorExpr.id;
  if (validatorExpr?.kind === 'call' && validatorExpr.callee.kind === 'name') {
    validator = validatorExpr.callee.id;
    const argument = validatorExpr.args[0] ? evaluator.evaluate(validatorExpr.args[0]) : UNKNOWN;
    if (argument.known && typeof argument.value === 'number') validatorArgument = argument.value;
  }
  if (!validator) throw new Error(`${where}: validator is not a name or a call`);

  const typeAttribute = attributes.get('type');
  const typeParser = typeAttribute && typeAttribute.text !== 'None' ? typeAttribute.text : undefined;

  const defaultAssignment = attributes.get('default');
  let hook: SettingSnapshot['hook'];
  let defaultKnown = false;
  let defaultValue: PyValue | undefined;
  if (defaultAssignment) {
    const expr = defaultAssignment.expr;
    const hookName =
      expr.kind === 'call' && dottedName(expr.callee) === 'staticmethod' && expr.args[0]?.kind === 'name'
        ? expr.args[0].id
        : expr.kind === 'name' && hooks.has(expr.id)
          ? expr.id
          : undefined;
    if (hookName !== undefined && hooks.has(hookName)) {
      hook = { name: hookName, parameters: hooks.get(hookName)! };
    } else {
      const evaluated = evaluator.evaluate(expr);
      if (evaluated.known) {
        defaultKnown = true;
        defaultValue = evaluated.value;
      }
    }
  } else {
    defaultKnown = true;
    defaultValue = null;
  }

  const nargs = value('nargs');
  const constant = value('const');
  const defaultDoc = text('default_doc');
  return {
    name,
    section,
    flags,
    ...(flags.length > 0 ? { action: actionText as ArgparseAction } : {}),
    validator,
    ...(validatorArgument !== undefined ? { validatorArgument } : {}),
    ...(typeParser !== undefined ? { typeParser } : {}),
    defaultKnown,
    ...(defaultKnown ? { defaultValue } : {}),
    defaultSource: defaultAssignment?.text ?? 'None',
    ...(defaultDoc !== undefined ? { defaultDoc } : {}),
    ...(hook ? { hook } : {}),
    env: [...evaluator.environmentRead],
    description: text('desc') ?? '',
    ...(nargs.known && nargs.value !== null ? { nargs: nargs.value } : {}),
    ...(constant.known && constant.value !== null ? { constant: constant.value } : {}),
    classLine,
  };
}

/** Setting name → environment variables a `Config` property reads alongside it. */
function propertyEnvironment(configClass: Statement | undefined, names: ReadonlyMap<string, PyExpr>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  if (!configClass) return found;
  for (const method of configClass.body) {
    if (!functionHeader(method.line.text)) continue;
    const evaluator = new HostEvaluator(names);
    const settingsRead = new Set<string>();
    for (const statement of walkStatements(method.body)) {
      for (const match of statement.line.text.matchAll(/self\.settings\[\s*['"](\w+)['"]\s*\]/g)) settingsRead.add(match[1]!);
      const condition = conditionHeader(statement.line.text);
      const expressionText = condition ? condition.test : (simpleAssignment(statement.line.text)?.value ?? statement.line.text);
      visitExpressions(parseExpression(expressionText), (expr) => {
        if (expr.kind === 'compare' || expr.kind === 'call' || expr.kind === 'subscript') evaluator.evaluate(expr);
      });
    }
    if (evaluator.environmentRead.size === 0) continue;
    for (const setting of settingsRead) found.set(setting, [...(found.get(setting) ?? []), ...evaluator.environmentRead]);
  }
  return found;
}

function visitExpressions(expr: PyExpr, visit: (expr: PyExpr) => void): void {
  visit(expr);
  switch (expr.kind) {
    case 'list':
    case 'tuple':
    case 'set':
      expr.items.forEach((item) => visitExpressions(item, visit));
      break;
    case 'dict':
      expr.entries.forEach(([key, value]) => {
        visitExpressions(key, visit);
        visitExpressions(value, visit);
      });
      break;
    case 'attribute':
      visitExpressions(expr.object, visit);
      break;
    case 'call':
      visitExpressions(expr.callee, visit);
      expr.args.forEach((item) => visitExpressions(item, visit));
      expr.keywords.forEach((keyword) => visitExpressions(keyword.value, visit));
      break;
    case 'subscript':
      visitExpressions(expr.object, visit);
      visitExpressions(expr.index, visit);
      break;
    case 'compare':
      visitExpressions(expr.left, visit);
      expr.rights.forEach((item) => visitExpressions(item, visit));
      break;
    case 'unary':
      visitExpressions(expr.operand, visit);
      break;
    case 'binary':
      visitExpressions(expr.left, visit);
      visitExpressions(expr.right, visit);
      break;
    case 'boolean':
      expr.values.forEach((item) => visitExpressions(item, visit));
      break;
    case 'conditional':
      visitExpressions(expr.test, visit);
      visitExpressions(expr.then, visit);
      visitExpressions(expr.otherwise, visit);
      break;
    default:
      break;
  }
}

// ------------------------------------------------------------------ validators

/** String literals held by a tuple/list/set display, a dict's keys, or frozenset([...]). */
function literalStrings(expr: PyExpr): string[] | undefined {
  if (expr.kind === 'list' || expr.kind === 'tuple' || expr.kind === 'set') {
    const items = expr.items.map((item) => (item.kind === 'const' && typeof item.value === 'string' ? item.value : undefined));
    return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
  }
  if (expr.kind === 'dict') {
    const keys = expr.entries.map(([key]) => (key.kind === 'const' && typeof key.value === 'string' ? key.value : undefined));
    return keys.every((key) => key !== undefined) ? (keys as string[]) : undefined;
  }
  if (expr.kind === 'call' && expr.args.length === 1 && ['frozenset', 'set', 'tuple', 'list'].includes(dottedName(expr.callee) ?? '')) {
    return literalStrings(expr.args[0]!);
  }
  return undefined;
}

/** Whether `expr` is the validator's parameter, possibly normalised (`val.lower().strip()`). */
function isParameterValue(expr: PyExpr, parameter: string): boolean {
  if (expr.kind === 'name') return expr.id === parameter;
  if (expr.kind === 'call' && expr.args.length === 0 && expr.callee.kind === 'attribute') {
    return ['lower', 'upper', 'strip', 'lstrip', 'rstrip', 'casefold'].includes(expr.callee.name) && isParameterValue(expr.callee.object, parameter);
  }
  return false;
}

/**
 * Values a validator accepts when it checks its parameter against a fixed set: `val in
 * (...)`, `val not in NAME` (a local, module-level or imported collection), `val == "x"`.
 */
function validatorChoices(upstream: UpstreamRepository, config: ConfigModule, validator: string): string[] | undefined {
  const definition = config.functions.get(validator);
  if (!definition) return undefined;
  const parameter = functionHeader(definition.line.text)?.parameters[0]?.split('=')[0]?.trim();
  if (!parameter) return undefined;
  const locals = new Map<string, PyExpr>();
  for (const statement of walkStatements(definition.body)) {
    const assignment = simpleAssignment(statement.line.text);
    if (assignment) locals.set(assignment.target, parseExpression(assignment.value));
  }
  const collection = (expr: PyExpr): string[] | undefined => {
    const direct = literalStrings(expr);
    if (direct || expr.kind !== 'name') return direct;
    const bound = locals.get(expr.id) ?? config.names.get(expr.id);
    if (bound) return literalStrings(bound);
    const imported = config.imports.get(expr.id);
    if (imported?.member) return moduleCollection(upstream, config.tag, imported.module, imported.member);
    return undefined;
  };
  const choices: string[] = [];
  for (const statement of walkStatements(definition.body)) {
    const condition = conditionHeader(statement.line.text);
    if (!condition || condition.keyword === 'else') continue;
    visitExpressions(parseExpression(condition.test), (expr) => {
      if (expr.kind !== 'compare' || expr.ops.length !== 1 || !isParameterValue(expr.left, parameter)) return;
      const op = expr.ops[0]!;
      const right = expr.rights[0]!;
      if (op === '==' && right.kind === 'const' && typeof right.value === 'string') choices.push(right.value);
      if (op === 'in' || op === 'not in') choices.push(...(collection(right) ?? []));
    });
  }
  return choices.length > 0 ? [...new Set(choices)] : undefined;
}

/** Literal strings of a module-level (or class-level, `Class.NAME`) collection in a module. */
function moduleCollection(upstream: UpstreamRepository, tag: string, module: string, dotted: string): string[] | undefined {
  const file = upstream.modulePath(tag, module);
  if (!file) return undefined;
  let statements: readonly Statement[] = statementTree(upstream.require(tag, file));
  const parts = dotted.split('.');
  for (const className of parts.slice(0, -1)) {
    const owner = statements.find((statement) => classHeader(statement.line.text)?.name === className);
    if (!owner) return undefined;
    statements = owner.body;
  }
  const target = parts[parts.length - 1];
  for (const statement of statements) {
    const assignment = simpleAssignment(statement.line.text);
    if (assignment !== undefined && assignment.target === target) return literalStrings(parseExpression(assignment.value));
  }
  return undefined;
}

/**
 * Arity of a callable setting. `validate_callable(N)` demands exactly N positional
 * parameters (-1: any). A custom validator that wraps validate_callable(-1) and then
 * compares the callable's arity with constants accepts the range of those constants.
 */
function callableArity(config: ConfigModule, snapshot: SettingSnapshot): GunicornSetting['arity'] | 'any' | undefined {
  if (snapshot.validator === 'validate_callable') {
    if (snapshot.validatorArgument === undefined) return undefined;
    return snapshot.validatorArgument < 0 ? 'any' : snapshot.validatorArgument;
  }
  const definition = config.functions.get(snapshot.validator);
  if (!definition) return undefined;
  const arityNames = new Set<string>();
  for (const statement of walkStatements(definition.body)) {
    const assignment = simpleAssignment(statement.line.text);
    if (assignment && /\bget_arity\s*\(/.test(assignment.value)) arityNames.add(assignment.target);
  }
  const accepted: number[] = [];
  for (const statement of walkStatements(definition.body)) {
    const condition = conditionHeader(statement.line.text);
    if (!condition || condition.keyword === 'else') continue;
    visitExpressions(parseExpression(condition.test), (expr) => {
      if (expr.kind !== 'compare' || expr.ops[0] !== '==' || expr.left.kind !== 'name' || !arityNames.has(expr.left.id)) return;
      const right = expr.rights[0];
      if (right?.kind === 'const' && typeof right.value === 'number') accepted.push(right.value);
    });
  }
  if (accepted.length === 0) return undefined;
  const min = Math.min(...accepted);
  const max = Math.max(...accepted);
  return min === max ? min : { min, max };
}

// ------------------------------------------------------------------ worker classes

interface WorkerSnapshot {
  readonly name: string;
  readonly path: string;
  readonly deprecatedMarker: boolean;
}

function readWorkerMap(upstream: UpstreamRepository, tag: string): WorkerSnapshot[] {
  const source = upstream.require(tag, WORKERS_FILE);
  const evaluator = new HostEvaluator();
  const maps = new Map<string, Record<string, PyValue>>();
  executeBlock(
    statementTree(source),
    evaluator,
    {
      assign: (target, assignment) => {
        const value = evaluator.evaluate(assignment.expr);
        if (value.known && isDict(value.value)) maps.set(target, { ...value.value });
      },
      assignItem: (target, keyExpr, valueExpr) => {
        const key = evaluator.evaluate(keyExpr);
        const value = evaluator.evaluate(valueExpr);
        const map = maps.get(target);
        if (map && key.known && typeof key.value === 'string' && value.known) map[key.value] = value.value;
      },
    },
    `${WORKERS_FILE}@${tag}`,
  );
  const supported = maps.get('SUPPORTED_WORKERS');
  if (!supported) throw new Error(`${WORKERS_FILE}@${tag}: no SUPPORTED_WORKERS`);
  const workers: WorkerSnapshot[] = [];
  for (const [name, dotted] of Object.entries(supported)) {
    if (typeof dotted !== 'string') throw new Error(`${WORKERS_FILE}@${tag}: ${name} maps to a non-string`);
    const entryLine = source.split('\n').find((line) => line.includes(`"${name}"`) || line.includes(`'${name}'`)) ?? '';
    const moduleFile = upstream.modulePath(tag, dotted.split('.').slice(0, -1).join('.'));
    const moduleSource = moduleFile ? upstream.require(tag, moduleFile) : '';
    const deprecatedMarker = /deprecat/i.test(entryLine) || /\bis deprecated\b|DeprecationWarning/i.test(moduleSource);
    workers.push({ name, path: dotted, deprecatedMarker });
  }
  return workers;
}

interface WorkerBehaviour {
  readonly usesWorkerConnections: boolean;
  readonly usesKeepalive: boolean;
  readonly requires?: string;
  readonly modulesRead: readonly string[];
}

/**
 * Whether a worker class reads `cfg.worker_connections` and `cfg.keepalive`, looked up in
 * the modules of the class and of its gunicorn base classes, and in the gunicorn modules
 * those import directly (the ASGI worker reads keepalive in gunicorn.asgi.protocol).
 */
function workerBehaviour(upstream: UpstreamRepository, tag: string, dottedPath: string): WorkerBehaviour {
  const moduleName = dottedPath.split('.').slice(0, -1).join('.');
  const className = dottedPath.split('.').slice(-1)[0]!;
  const ancestry = new Set<string>();
  classModules(upstream, tag, moduleName, className, ancestry);
  if (ancestry.size === 0) throw new Error(`${tag}: cannot find class ${dottedPath}`);
  const scanned = new Set(ancestry);
  for (const module of ancestry) for (const imported of gunicornImports(upstream, tag, module)) scanned.add(imported);
  const code = [...scanned].map((module) => codeText(upstream.require(tag, upstream.modulePath(tag, module)!))).join('\n');
  const basename = moduleName.split('.').slice(-1)[0]!;
  // gunicorn names a worker module after the package it needs: ggevent → gevent.
  const packageName = basename.startsWith('g') ? basename.slice(1) : undefined;
  const ownCode = codeText(upstream.require(tag, upstream.modulePath(tag, moduleName)!));
  const requires =
    packageName && new RegExp(`^\\s*(?:import|from)\\s+${packageName}\\b`, 'm').test(ownCode) ? packageName : undefined;
  return {
    usesWorkerConnections: /\bcfg\.worker_connections\b/.test(code),
    usesKeepalive: /\bcfg\.keepalive\b/.test(code),
    ...(requires ? { requires } : {}),
    modulesRead: [...scanned].sort(),
  };
}

/** The code of a module, one logical line per line, comments removed. */
function codeText(source: string): string {
  return [...walkStatements(statementTree(source))].map((statement) => ' '.repeat(statement.line.indent) + statement.line.text).join('\n');
}

function moduleBindings(upstream: UpstreamRepository, tag: string, module: string): ImportBinding[] {
  const file = upstream.modulePath(tag, module);
  if (!file) return [];
  const packageName = file.endsWith('__init__.py') ? module : module.split('.').slice(0, -1).join('.');
  return [...walkStatements(statementTree(upstream.require(tag, file)))].flatMap((statement) =>
    importBindings(statement.line.text, packageName),
  );
}

/** Resolves a binding to the gunicorn module it names (`from gunicorn import http` → gunicorn.http). */
function bindingModule(upstream: UpstreamRepository, tag: string, binding: ImportBinding): string | undefined {
  if (binding.member && upstream.modulePath(tag, `${binding.module}.${binding.member}`)) return `${binding.module}.${binding.member}`;
  return upstream.modulePath(tag, binding.module) ? binding.module : undefined;
}

function gunicornImports(upstream: UpstreamRepository, tag: string, module: string): string[] {
  return moduleBindings(upstream, tag, module)
    .filter((binding) => binding.module === 'gunicorn' || binding.module.startsWith('gunicorn.'))
    .map((binding) => bindingModule(upstream, tag, binding))
    .filter((resolved): resolved is string => resolved !== undefined);
}

/** Adds to `modules` the modules defining `className` and its gunicorn base classes. */
function classModules(
  upstream: UpstreamRepository,
  tag: string,
  module: string,
  className: string,
  modules: Set<string>,
  seen: Set<string> = new Set(),
): void {
  const file = upstream.modulePath(tag, module);
  const key = `${module}:${className}`;
  if (!file || seen.has(key)) return;
  seen.add(key);
  const bindings = moduleBindings(upstream, tag, module);
  const statements = statementTree(upstream.require(tag, file));
  const definition = statements.find((statement) => classHeader(statement.line.text)?.name === className);
  if (!definition) {
    // Re-exported: `from gunicorn.workers._gaiohttp import AiohttpWorker`.
    for (const binding of bindings) {
      if (binding.local === className && binding.member && binding.module.startsWith('gunicorn')) {
        classModules(upstream, tag, binding.module, binding.member, modules, seen);
      }
    }
    return;
  }
  modules.add(module);
  for (const base of classHeader(definition.line.text)!.bases) {
    if (statements.some((statement) => classHeader(statement.line.text)?.name === base)) {
      classModules(upstream, tag, module, base, modules, seen);
      continue;
    }
    const resolved = resolveBaseClass(upstream, tag, bindings, base);
    if (resolved?.module.startsWith('gunicorn')) classModules(upstream, tag, resolved.module, resolved.className, modules, seen);
  }
}

/** `Worker` (from an import) or `base.Worker` (a module import) → module and class. */
function resolveBaseClass(
  upstream: UpstreamRepository,
  tag: string,
  bindings: readonly ImportBinding[],
  dotted: string,
): { module: string; className: string } | undefined {
  const parts = dotted.split('.');
  const binding = bindings.find((candidate) => candidate.local === parts[0]);
  if (!binding) return undefined;
  if (parts.length === 1) {
    if (!binding.member || upstream.modulePath(tag, `${binding.module}.${binding.member}`)) return undefined;
    return { module: binding.module, className: binding.member };
  }
  const base = bindingModule(upstream, tag, binding);
  if (!base) return undefined;
  return { module: [base, ...parts.slice(1, -1)].join('.'), className: parts[parts.length - 1]! };
}

// ------------------------------------------------------------------ versions

interface ReleaseRange {
  since?: string;
  removed?: string;
  /** Releases inside [since, last] that lack the entry. */
  gaps: string[];
  lastPresent: string;
}

function releaseRange(tags: readonly string[], present: (tag: string) => boolean): ReleaseRange | undefined {
  const first = tags.findIndex(present);
  if (first < 0) return undefined;
  let last = tags.length - 1;
  while (!present(tags[last]!)) last--;
  const gaps = tags.slice(first, last + 1).filter((tag) => !present(tag));
  return {
    ...(first > 0 ? { since: tags[first]! } : {}),
    ...(last < tags.length - 1 ? { removed: tags[last + 1]! } : {}),
    gaps,
    lastPresent: tags[last]!,
  };
}

/** Start of the final unbroken run of marked releases, when the last release is marked. */
function markedSince(tags: readonly string[], marked: (tag: string) => boolean): string | undefined {
  if (tags.length === 0 || !marked(tags[tags.length - 1]!)) return undefined;
  let start = tags.length - 1;
  while (start > 0 && marked(tags[start - 1]!)) start--;
  return tags[start];
}

/** Whether a setting's description says the setting itself is deprecated. */
function descriptionDeprecates(description: string): boolean {
  return /^\s*\.\. deprecated::|\*\*DEPRECATED\*\*|\(deprecated\)|(?:^|[.;]\s*)Deprecated[;.:]/im.test(description);
}

// ------------------------------------------------------------------ docs

/** Python-Markdown's default heading id: ASCII word characters, spaces to hyphens. */
function headingId(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, '-');
}

/**
 * Anchors of the settings reference page. Upstream renders it with MkDocs from
 * KNOWN_SETTINGS, sorted by section: one `## Section` heading, then `### \`name\`` per
 * setting. Repeated ids get `_1`, `_2`, as the toc extension does.
 */
function settingsAnchors(upstream: UpstreamRepository, ref: string, config: ConfigModule): { base: string; anchors: Map<string, string> } {
  const script = upstream.require(ref, SETTINGS_DOC_SCRIPT);
  if (!script.includes('### `{setting.name}`') || !script.includes('reference/settings.md')) {
    throw new Error(`${SETTINGS_DOC_SCRIPT}@${ref} no longer writes "### \`name\`" headings to reference/settings.md: check the docs link form`);
  }
  const host = upstream.require(ref, DOCS_CNAME).trim();
  const mkdocs = upstream.require(ref, MKDOCS_FILE);
  const directoryUrls = !/^use_directory_urls:\s*false/m.test(mkdocs);
  const base = `https://${host}/reference/settings${directoryUrls ? '/' : '.html'}`;
  const used = new Map<string, number>([['settings', 1]]);
  const unique = (id: string): string => {
    const count = used.get(id) ?? 0;
    used.set(id, count + 1);
    return count === 0 ? id : `${id}_${count}`;
  };
  const bySection = [...config.order].map((name) => config.settings.get(name)!);
  const sorted = bySection
    .map((setting, index) => ({ setting, index }))
    .sort((left, right) => (left.setting.section < right.setting.section ? -1 : left.setting.section > right.setting.section ? 1 : left.index - right.index));
  const anchors = new Map<string, string>();
  let section: string | undefined;
  for (const { setting } of sorted) {
    if (setting.section !== section) {
      section = setting.section;
      unique(headingId(section));
    }
    anchors.set(setting.name, unique(headingId(setting.name)));
  }
  return { base, anchors };
}

// ------------------------------------------------------------------ formatting

/** How a default reads: upstream's default_doc, the hook's signature, or Python's repr. */
function defaultText(snapshot: SettingSnapshot, type: GunicornValueType): string {
  if (snapshot.defaultDoc !== undefined) return flattenDefaultDoc(snapshot.defaultDoc);
  if (snapshot.hook) return `${snapshot.hook.name}(${snapshot.hook.parameters.join(', ')})`;
  if (!snapshot.defaultKnown) return snapshot.defaultSource;
  const value = snapshot.defaultValue ?? null;
  if (type === 'octal-int' && typeof value === 'number' && value !== 0) return `0o${value.toString(8)}`;
  return pythonRepr(value);
}

/** default_doc is reStructuredText, sometimes a bullet list; make it one plain line. */
function flattenDefaultDoc(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim().replace(/``([^`]*)``/g, '$1').replace(/^[*-]\s+/, ''))
    .filter((line) => line !== '');
  if (lines.length <= 1) return lines[0] ?? '';
  const [first, ...rest] = lines;
  return first!.endsWith(':') ? `${first} ${rest.join('; ')}` : lines.join('; ');
}

/** `worker=None` or `worker: Worker` → `worker`. */
function parameterName(parameter: string): string {
  return parameter.split(/[=:]/)[0]!.trim();
}

function jsonDefault(value: PyValue | undefined): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

// ------------------------------------------------------------------ summaries

interface Summaries {
  readonly settings: Readonly<Record<string, string>>;
  readonly workerClasses: Readonly<Record<string, string>>;
}

function readSummaries(): Summaries {
  const parsed = JSON.parse(readFileSync(SUMMARIES_FILE, 'utf8')) as Partial<Summaries>;
  return { settings: parsed.settings ?? {}, workerClasses: parsed.workerClasses ?? {} };
}

function checkSummaries(kind: string, names: readonly string[], summaries: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const known = new Set(names);
  const missing = names.filter((name) => !(summaries[name] ?? '').trim());
  if (missing.length > 0) problems.push(`${kind} without a summary: ${missing.join(', ')}`);
  const multiLine = names.filter((name) => /[\r\n]/.test(summaries[name] ?? ''));
  if (multiLine.length > 0) problems.push(`${kind} whose summary is not one line: ${multiLine.join(', ')}`);
  const stale = Object.keys(summaries).filter((name) => !known.has(name));
  if (stale.length > 0) problems.push(`${kind} summaries for names upstream does not have: ${stale.join(', ')}`);
  return problems;
}

// ------------------------------------------------------------------ main

interface Options {
  readonly gitDir: string;
  readonly ref?: string;
  readonly oldest: string;
  readonly out: string;
}

function parseArguments(argv: readonly string[]): Options {
  let gitDir: string | undefined;
  let ref: string | undefined;
  let oldest = DEFAULT_OLDEST;
  let out = DEFAULT_OUT;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const valueOf = (): string => {
      const value = argv[++index];
      if (value === undefined) throw new Error(`${argument} needs a value`);
      return value;
    };
    if (argument === '--ref') ref = valueOf();
    else if (argument === '--oldest') oldest = valueOf();
    else if (argument === '--out') out = path.resolve(valueOf());
    else if (argument.startsWith('-')) throw new Error(`unknown option ${argument}`);
    else gitDir = argument;
  }
  if (!gitDir) throw new Error('usage: npx tsx schemas/scripts/gunicorn.ts <gunicorn-git-dir> [--ref TAG] [--oldest TAG] [--out FILE]');
  return { gitDir, ...(ref ? { ref } : {}), oldest, out };
}

function generate(options: Options): { knowledge: GunicornKnowledge; problems: string[] } {
  const upstream = new UpstreamRepository(options.gitDir);
  const allTags = upstream.releaseTags();
  const ref = options.ref ?? allTags[allTags.length - 1];
  if (!ref || !allTags.includes(ref)) throw new Error(`no release tag ${ref ?? ''} in ${options.gitDir}`);
  const tags = allTags.filter((tag) => compareVersions(tag, options.oldest) >= 0 && compareVersions(tag, ref) <= 0);
  const problems: string[] = [];
  const notes: string[] = [
    `Settings are the Setting subclasses of ${CONFIG_FILE} at ${ref}, plus settings found in older releases and gone by ${ref} (those carry \`removed\`, with facts from the last release that had them).`,
    `since/removed come from which release tags (${tags[0]} to ${ref}) define the entry; an entry already in ${tags[0]} has no \`since\`. deprecated is the first release of the final run of releases whose description marks the setting deprecated (\`.. deprecated::\`, **DEPRECATED**, "Deprecated;"); for worker classes, a DEPRECATED comment on the SUPPORTED_WORKERS entry or a deprecation warning in the worker module. A deprecation already marked in ${tags[0]} reads "${tags[0]}" but may be older.`,
    'Flags, defaults and types are those of the release the facts come from; older releases may differ (e.g. --sendfile became --no-sendfile in 19.4).',
    'Defaults are evaluated as on Linux with a current Python 3 and none of the environment variables the default reads set; `env` names such a variable (PORT for bind, WEB_CONCURRENCY for workers, …), which changes the default when set. A default that is not a plain constant (os.geteuid(), util.getcwd(), ssl constants, hooks) has no `default`, only `defaultText`.',
    'defaultText is upstream\'s default_doc when there is one, a hook\'s signature for callables, otherwise Python\'s repr() of the default (octal for octal-int settings).',
    'type maps the upstream validator: validate_string_to_list, validate_string_to_addr_list and validate_http_protocols take ONE comma-separated string (a Python list is rejected), so they map to string / address-list, not string-list.',
    'choices come from validators that compare their argument with fixed strings (matched case-insensitively: the validators lower-case first), from gunicorn.glogging.Logger.LOG_LEVELS for loglevel (an unknown level silently falls back to info) and from SUPPORTED_WORKERS for worker_class (which also accepts a dotted class path).',
    'arity counts positional parameters as gunicorn.util.get_arity does: parameters with defaults count too, *args and keyword-only do not.',
    'Worker classes: usesWorkerConnections/usesKeepalive say whether cfg.worker_connections / cfg.keepalive appear in the modules of the class and its gunicorn base classes or in gunicorn modules those import directly. requires is the package a worker module named g<package> imports.',
    'docs links point at the MkDocs settings reference on the host in docs/content/CNAME (ids are the setting name as written, underscores kept); removed entries link to the source at the last release that had them.',
  ];

  const configs = new Map(tags.map((tag) => [tag, readConfigModule(upstream, tag)] as const));
  const current = configs.get(ref)!;
  const workerMaps = new Map(tags.map((tag) => [tag, readWorkerMap(upstream, tag)] as const));

  // Setting names: current order first, then the ones removed before `ref`, oldest first.
  const names = [...current.order];
  for (const tag of tags) for (const name of configs.get(tag)!.order) if (!names.includes(name)) names.push(name);

  const { base: docsBase, anchors } = settingsAnchors(upstream, ref, current);
  const logLevels = moduleCollection(upstream, ref, 'gunicorn.glogging', 'Logger.LOG_LEVELS');
  if (!logLevels) problems.push(`cannot read Logger.LOG_LEVELS from ${LOGGING_FILE}@${ref}`);

  const settings: GunicornSetting[] = [];
  for (const name of names) {
    const range = releaseRange(tags, (tag) => configs.get(tag)!.settings.has(name))!;
    const factsTag = range.lastPresent;
    const config = configs.get(factsTag)!;
    const snapshot = config.settings.get(name)!;
    if (range.gaps.length > 0) notes.push(`${name} is missing from ${range.gaps.join(', ')} although releases before and after have it.`);

    const baseType = VALIDATOR_TYPES[snapshot.validator];
    if (!baseType) {
      problems.push(`${name}: unknown validator ${snapshot.validator} (add it to VALIDATOR_TYPES)`);
      continue;
    }
    const type: GunicornValueType =
      baseType === 'int' && snapshot.typeParser !== undefined && OCTAL_PARSERS.has(snapshot.typeParser) ? 'octal-int' : baseType;

    let choices: string[] | undefined;
    if (name === 'worker_class') choices = workerMaps.get(factsTag)!.map((worker) => worker.name);
    else if (name === 'loglevel') choices = logLevels;
    else if (type === 'string' || type === 'other') choices = validatorChoices(upstream, config, snapshot.validator);

    let arity: GunicornSetting['arity'];
    if (type === 'callable') {
      const found = callableArity(config, snapshot);
      if (found === undefined) problems.push(`${name}: cannot tell the arity from ${snapshot.validator}`);
      else if (found !== 'any') arity = found;
    }

    if (snapshot.env.length > 1) problems.push(`${name}: reads several environment variables (${snapshot.env.join(', ')})`);
    if (snapshot.nargs !== undefined) {
      notes.push(
        `${name}: its flag takes nargs=${pythonRepr(snapshot.nargs)}${snapshot.constant !== undefined ? ` (alone it means ${pythonRepr(snapshot.constant)})` : ''}.`,
      );
    }

    const deprecationMarked = !DEPRECATION_NOTES_NOT_ABOUT_SETTING.has(name);
    const presentTags = tags.filter((tag) => configs.get(tag)!.settings.has(name));
    const deprecated = deprecationMarked
      ? markedSince(presentTags, (tag) => descriptionDeprecates(configs.get(tag)!.settings.get(name)!.description))
      : undefined;
    const stated = /^\s*\.\. deprecated::\s*(\S+)/m.exec(snapshot.description)?.[1];
    if (deprecated && stated && compareVersions(stated, deprecated) !== 0) {
      notes.push(`${name}: first marked deprecated in ${deprecated}; its description says ${stated}.`);
    }
    // Upstream's own "versionadded" is a claim; the tags are the evidence. Say where they differ.
    const statedAdded = /^\s*\.\. versionadded::\s*(\S+)/m.exec(snapshot.description)?.[1];
    if (statedAdded && parseVersion(statedAdded) && compareVersions(statedAdded, tags[0]!) > 0) {
      if (!range.since || compareVersions(statedAdded, range.since) !== 0) {
        notes.push(`${name}: first found in ${range.since ?? tags[0]}; its description says added in ${statedAdded}.`);
      }
    }

    const docs = range.removed
      ? `${UPSTREAM_URL}/blob/${factsTag}/${CONFIG_FILE}#L${snapshot.classLine}`
      : `${docsBase}#${anchors.get(name)!}`;

    const entry: GunicornSetting = {
      name,
      section: snapshot.section,
      flags: snapshot.flags,
      ...(snapshot.action ? { action: snapshot.action } : {}),
      ...(snapshot.nargs === '?' ? { optionalValue: true } : {}),
      type,
      validator: snapshot.validator,
      ...(snapshot.defaultKnown && !snapshot.hook ? { default: jsonDefault(snapshot.defaultValue) } : {}),
      defaultText: defaultText(snapshot, type),
      ...(choices && choices.length > 0 ? { choices } : {}),
      ...(arity !== undefined ? { arity } : {}),
      ...(snapshot.hook ? { parameters: snapshot.hook.parameters.map(parameterName) } : {}),
      ...(snapshot.env.length > 0 ? { env: snapshot.env[0]! } : {}),
      ...(range.since ? { since: range.since } : {}),
      ...(deprecated ? { deprecated } : {}),
      ...(range.removed ? { removed: range.removed } : {}),
      summary: '',
      docs,
    };
    settings.push(entry);
  }

  // Worker classes: current map order first, then those gone by `ref`.
  const workerNames = workerMaps.get(ref)!.map((worker) => worker.name);
  for (const tag of tags) for (const worker of workerMaps.get(tag)!) if (!workerNames.includes(worker.name)) workerNames.push(worker.name);
  const docsPages = (name: string): boolean => upstream.exists(ref, `docs/content/${name}.md`);
  const docsHost = docsBase.replace(/\/reference\/settings.*$/, '');
  const workerClasses: GunicornWorkerClass[] = [];
  for (const name of workerNames) {
    const find = (tag: string): WorkerSnapshot | undefined => workerMaps.get(tag)!.find((worker) => worker.name === name);
    const range = releaseRange(tags, (tag) => find(tag) !== undefined)!;
    const factsTag = range.lastPresent;
    const snapshot = find(factsTag)!;
    if (range.gaps.length > 0) notes.push(`worker class ${name} is missing from ${range.gaps.join(', ')} although releases before and after have it.`);
    const presentTags = tags.filter((tag) => find(tag) !== undefined);
    const deprecated = markedSince(presentTags, (tag) => find(tag)!.deprecatedMarker);
    const behaviour = workerBehaviour(upstream, factsTag, snapshot.path);
    const moduleFile = upstream.modulePath(factsTag, snapshot.path.split('.').slice(0, -1).join('.'))!;
    const docs = range.removed
      ? `${UPSTREAM_URL}/blob/${factsTag}/${moduleFile}`
      : docsPages(name)
        ? `${docsHost}/${name}/`
        : `${docsBase}#${anchors.get('worker_class')!}`;
    workerClasses.push({
      name,
      path: snapshot.path,
      usesWorkerConnections: behaviour.usesWorkerConnections,
      usesKeepalive: behaviour.usesKeepalive,
      ...(behaviour.requires ? { requires: behaviour.requires } : {}),
      ...(range.since ? { since: range.since } : {}),
      ...(deprecated ? { deprecated } : {}),
      ...(range.removed ? { removed: range.removed } : {}),
      summary: '',
      docs,
    });
  }

  const summaries = readSummaries();
  problems.push(...checkSummaries('settings', settings.map((setting) => setting.name), summaries.settings));
  problems.push(...checkSummaries('worker classes', workerClasses.map((worker) => worker.name), summaries.workerClasses));
  const withSummary = <T extends { name: string; summary: string }>(entry: T, table: Readonly<Record<string, string>>): T => ({
    ...entry,
    summary: (table[entry.name] ?? '').trim(),
  });

  const knowledge: GunicornKnowledge = {
    source: {
      url: UPSTREAM_URL,
      ref,
      commit: upstream.commitOf(ref),
      files: [...upstream.filesRead].sort(),
      versionsScanned: tags,
      generated: new Date().toISOString().slice(0, 10),
      notes,
    },
    settings: settings.map((setting) => withSummary(setting, summaries.settings)),
    workerClasses: workerClasses.map((worker) => withSummary(worker, summaries.workerClasses)),
  };
  return { knowledge, problems };
}

function main(): void {
  const options = parseArguments(process.argv.slice(2));
  const { knowledge, problems } = generate(options);
  if (problems.length > 0) {
    process.stderr.write(`gunicorn table not written:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
    process.exit(1);
  }
  writeFileSync(options.out, `${JSON.stringify(knowledge, null, 2)}\n`);
  const hooks = knowledge.settings.filter((setting) => setting.type === 'callable' && !setting.removed).length;
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), options.out)}: ${knowledge.settings.length} settings (${hooks} hooks), ` +
      `${knowledge.workerClasses.length} worker classes, from ${knowledge.source.ref} (${knowledge.source.commit})\n`,
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
