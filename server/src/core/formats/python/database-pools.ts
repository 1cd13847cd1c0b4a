import type { SyntaxNode, Tree } from '@lezer/common';
import { parser as pythonParser } from '@lezer/python';
import type { Span } from '../../text/source-text';
import { readPython } from '../gunicorn/lezer-nodes';
import { decodeNumber, decodeString } from '../gunicorn/python-literals';
import { resolveImported } from './app-module';
import { argumentFor, bracketedGroups, callArguments, type CallArgument } from './call-arguments';

/**
 * The database connection pools an application module sets up, read from its syntax
 * tree (never run): SQLAlchemy's `create_engine(...)`, psycopg2's connection pools, and
 * the pieces of a Flask-SQLAlchemy setup (the extension, its engine options, the config
 * keys that name them), which may be spread over several modules of the app. Every call
 * and assignment in the file counts, wherever it is: a pool made lazily in a function is
 * as small as one made at import.
 */
export interface DatabasePoolFacts {
  readonly engines: readonly CallOptions[];
  readonly psycopgPools: readonly PsycopgPool[];
  /** `SQLAlchemy(app, engine_options={...})` calls. */
  readonly flaskExtensions: readonly FlaskExtension[];
  /** `SQLALCHEMY_ENGINE_OPTIONS = {...}`, as a config key or a name (a config class or module); undefined options: not a dict literal. */
  readonly flaskEngineOptions: readonly { readonly span: Span; readonly options?: WrittenOptions }[];
  /** `SQLALCHEMY_POOL_SIZE` and `SQLALCHEMY_MAX_OVERFLOW`: applied by Flask-SQLAlchemy 2, ignored since 3.0. */
  readonly flaskLegacyKeys: readonly Span[];
  /** `app.config.from_object(...)` and the like: config keys may come from elsewhere. */
  readonly loadsConfig: boolean;
  /** `SQLALCHEMY_DATABASE_URI` is an SQLite URL: SQLite pools differ. */
  readonly sqliteUri: boolean;
}

/** A number as written: its value, or undefined when it is not a number literal. */
export interface WrittenNumber {
  readonly value: number | undefined;
  readonly span: Span;
}

/** Where a pool size goes when none is written: `before`, the number, `after`, inserted at `offset`. */
export interface Insertion {
  readonly offset: number;
  readonly before: string;
  readonly after: string;
}

/** Keyword options as written in a call or a dict literal. */
export interface WrittenOptions {
  readonly span: Span;
  readonly values: ReadonlyMap<string, WrittenNumber>;
  /** More options may come from what cannot be read: `**kwargs`, a key that is no string literal. */
  readonly open: boolean;
  /** Where a `pool_size` option goes when it is not written. */
  readonly insertion: Insertion;
}

/** A call with its keyword options: `create_engine(url, pool_size=10)`. */
export interface CallOptions extends WrittenOptions {
  /** The callee as written: `create_engine`, `sa.create_engine`. */
  readonly callee: string;
  /** The first positional argument when it is a string literal (an engine's URL). */
  readonly firstString?: string;
}

export interface PsycopgPool {
  readonly span: Span;
  readonly callee: string;
  /** `maxconn`, the second argument. */
  readonly maxconn?: WrittenNumber;
}

export interface FlaskExtension {
  readonly span: Span;
  /** The `engine_options=` argument; absent when not given, undefined options when it is no dict literal. */
  readonly engineOptions?: { readonly options?: WrittenOptions };
  /** Where `engine_options={"pool_size": N}` goes when it is not given. */
  readonly insertion: Insertion;
}

const CREATE_ENGINE = /^sqlalchemy(\.engine)?\.create_engine$/;
const PSYCOPG_POOL = /^psycopg2\.pool\.(Threaded|Simple|Persistent)ConnectionPool$/;
const FLASK_SQLALCHEMY = /^flask_sqlalchemy\.SQLAlchemy$/;
/** Flask's ways to load config from a module, file, object or the environment. */
const CONFIG_LOADERS = /\.config\.from_(object|pyfile|envvar|file|prefixed_env)$/;
const CONFIG_UPDATES = /\.config\.(update|from_mapping)$/;
const ENGINE_OPTIONS = 'SQLALCHEMY_ENGINE_OPTIONS';
const LEGACY_KEYS = new Set(['SQLALCHEMY_POOL_SIZE', 'SQLALCHEMY_MAX_OVERFLOW']);
const DATABASE_URI = 'SQLALCHEMY_DATABASE_URI';
/** Nodes visited at most (a bound on hostile input; a real module has far fewer). */
const MAX_NODES = 500_000;

/** `importedNames`: the module's imports, local name → what it names (AppModuleFacts.importedNames). */
export function readDatabasePools(text: string, importedNames: ReadonlyMap<string, string>): DatabasePoolFacts {
  // A tree the Python parser cannot build or built wrong (see readPython): no pool can be read.
  return readPython<DatabasePoolFacts>(
    () => pythonParser.parse(text),
    (tree) => new PoolReader(text, importedNames).read(tree),
    () => ({ engines: [], psycopgPools: [], flaskExtensions: [], flaskEngineOptions: [], flaskLegacyKeys: [], loadsConfig: false, sqliteUri: false }),
  );
}

class PoolReader {
  private readonly engines: CallOptions[] = [];
  private readonly psycopgPools: PsycopgPool[] = [];
  private readonly flaskExtensions: FlaskExtension[] = [];
  private readonly flaskEngineOptions: { span: Span; options?: WrittenOptions }[] = [];
  private readonly flaskLegacyKeys: Span[] = [];
  private loadsConfig = false;
  private sqliteUri = false;

  constructor(
    private readonly text: string,
    private readonly importedNames: ReadonlyMap<string, string>,
  ) {}

  read(tree: Tree): DatabasePoolFacts {
    const pending: SyntaxNode[] = [tree.topNode];
    for (let visited = 0; pending.length > 0 && visited < MAX_NODES; visited++) {
      const node = pending.pop()!;
      if (node.name === 'CallExpression') this.readCall(node);
      else if (node.name === 'AssignStatement') this.readAssignment(node);
      for (let child = node.lastChild; child; child = child.prevSibling) pending.push(child);
    }
    return {
      engines: this.engines,
      psycopgPools: this.psycopgPools,
      flaskExtensions: this.flaskExtensions,
      flaskEngineOptions: this.flaskEngineOptions,
      flaskLegacyKeys: this.flaskLegacyKeys,
      loadsConfig: this.loadsConfig,
      sqliteUri: this.sqliteUri,
    };
  }

  private readCall(call: SyntaxNode): void {
    const argList = call.getChild('ArgList');
    const calleeNode = call.firstChild;
    if (!argList || !calleeNode) return;
    const callee = this.slice(calleeNode);
    const resolved = resolveImported(callee, this.importedNames);
    const span = { start: call.from, end: call.to };
    const args = callArguments(argList, this.text);
    if (CREATE_ENGINE.test(resolved)) {
      const first = args[0] && !args[0].name && !args[0].star && args[0].value.name === 'String' ? decodeString(this.slice(args[0].value)) : undefined;
      this.engines.push({ ...this.callOptions(argList, args, span), callee, ...(first !== undefined ? { firstString: first } : {}) });
    } else if (PSYCOPG_POOL.test(resolved)) {
      const maxconn = argumentFor(args, 'maxconn', 1);
      this.psycopgPools.push({ span, callee, ...(maxconn ? { maxconn: this.number(maxconn) } : {}) });
    } else if (FLASK_SQLALCHEMY.test(resolved)) {
      const options = args.find((arg) => arg.name === 'engine_options');
      const dict = options?.value.name === 'DictionaryExpression' ? this.dictOptions(options.value) : undefined;
      this.flaskExtensions.push({
        span,
        ...(options ? { engineOptions: dict ? { options: dict } : {} } : {}),
        insertion: this.argumentInsertion(argList, args, 'engine_options={"pool_size": ', '}'),
      });
    } else if (CONFIG_LOADERS.test(callee)) {
      this.loadsConfig = true;
    } else if (CONFIG_UPDATES.test(callee)) {
      for (const arg of args) {
        if (arg.name) this.readConfigKey(arg.name, arg.value, { start: arg.value.from, end: arg.value.to });
        else if (arg.value.name === 'DictionaryExpression') this.readConfigDict(arg.value);
        else this.loadsConfig = true;
      }
    }
  }

  /** `X.config["KEY"] = value`, or `KEY = value` in a module or a config class. */
  private readAssignment(assignment: SyntaxNode): void {
    const target = assignment.firstChild;
    const value = assignment.lastChild;
    if (!target || !value || target === value) return;
    const span = { start: assignment.from, end: assignment.to };
    if (target.name === 'VariableName') this.readConfigKey(this.slice(target), value, span);
    else if (target.name === 'MemberExpression' && /\.config$/.test(this.slice(target.firstChild ?? target))) {
      const key = target.getChild('String');
      const name = key ? decodeString(this.slice(key)) : undefined;
      if (name !== undefined) this.readConfigKey(name, value, span);
    }
  }

  private readConfigDict(dict: SyntaxNode): void {
    for (const entry of this.entriesOf(dict)) {
      const name = entry.key?.name === 'String' ? decodeString(this.slice(entry.key)) : undefined;
      if (name !== undefined) this.readConfigKey(name, entry.value, { start: entry.key!.from, end: entry.value.to });
      else this.loadsConfig = true;
    }
  }

  private readConfigKey(name: string, value: SyntaxNode, span: Span): void {
    if (name === ENGINE_OPTIONS) {
      const options = value.name === 'DictionaryExpression' ? this.dictOptions(value) : undefined;
      this.flaskEngineOptions.push({ span, ...(options ? { options } : {}) });
    } else if (LEGACY_KEYS.has(name)) {
      this.flaskLegacyKeys.push(span);
    } else if (name === DATABASE_URI && value.name === 'String') {
      this.sqliteUri ||= decodeString(this.slice(value))?.startsWith('sqlite') === true;
    }
  }

  private callOptions(argList: SyntaxNode, args: readonly CallArgument[], span: Span): WrittenOptions {
    const values = new Map<string, WrittenNumber>();
    for (const arg of args) if (arg.name) values.set(arg.name, this.number(arg.value));
    return { span, values, open: args.some((arg) => arg.star === '**'), insertion: this.argumentInsertion(argList, args, 'pool_size=', '') };
  }

  /** A new last argument: after the last one (before a trailing comma), or right after `(`; `prefix` opens it. */
  private argumentInsertion(argList: SyntaxNode, args: readonly CallArgument[], prefix: string, after: string): Insertion {
    const last = args.at(-1);
    if (!last) return { offset: argList.from + 1, before: prefix, after };
    return { offset: last.value.to, before: `, ${prefix}`, after };
  }

  private dictOptions(dict: SyntaxNode): WrittenOptions {
    const values = new Map<string, WrittenNumber>();
    let open = false;
    let quote = '"';
    const entries = this.entriesOf(dict);
    for (const entry of entries) {
      const name = entry.key?.name === 'String' ? decodeString(this.slice(entry.key)) : undefined;
      if (name === undefined) {
        open = true;
        continue;
      }
      if (values.size === 0) quote = /^[rRuU]?(['"])/.exec(this.slice(entry.key!))?.[1] ?? quote;
      values.set(name, this.number(entry.value));
    }
    const last = entries.at(-1);
    const insertion = last ? { offset: last.value.to, before: `, ${quote}pool_size${quote}: `, after: '' } : { offset: dict.from + 1, before: `${quote}pool_size${quote}: `, after: '' };
    return { span: { start: dict.from, end: dict.to }, values, open, insertion };
  }

  /** A dict literal's entries: `key: value`, or `**other` (no key). */
  private entriesOf(dict: SyntaxNode): { key?: SyntaxNode; value: SyntaxNode }[] {
    return bracketedGroups(dict, ['{', '}']).flatMap((group): { key?: SyntaxNode; value: SyntaxNode }[] => {
      if (group[0]?.name === '**' && group[1]) return [{ value: group[1] }];
      if (group.length === 3 && group[1]!.name === ':') return [{ key: group[0]!, value: group[2]! }];
      return [];
    });
  }

  private number(node: SyntaxNode): WrittenNumber {
    const span = { start: node.from, end: node.to };
    const negative = node.name === 'UnaryExpression' && node.firstChild?.name === 'ArithOp' && this.slice(node.firstChild) === '-';
    const literal = negative ? node.lastChild : node;
    const decoded = literal?.name === 'Number' ? decodeNumber(this.slice(literal)) : undefined;
    return { value: decoded?.integer ? (negative ? -decoded.value : decoded.value) : undefined, span };
  }

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }
}
