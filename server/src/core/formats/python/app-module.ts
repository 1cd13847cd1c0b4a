import type { SyntaxNode, Tree } from '@lezer/common';
import { parser as pythonParser } from '@lezer/python';
import type { Span } from '../../text/source-text';
import { readPython } from '../gunicorn/lezer-nodes';
import { decodeNumber, decodeString } from '../gunicorn/python-literals';
import { argumentFor, callArguments } from './call-arguments';

/**
 * What an application module does when it is imported, read from its syntax tree (it is
 * never run). gunicorn imports the module in every worker, so anything the module starts at
 * import time runs once per worker; what it starts under `if __name__ == "__main__":` runs
 * only as `python app.py`. Each fact carries `guarded` to tell the two apart.
 */
export interface AppModuleFacts {
  readonly udpReceivers: readonly Started[];
  /** Threads, processes, timers and schedulers started. */
  readonly backgroundWorkers: readonly Started[];
  readonly socketio?: { readonly span: Span; readonly library: 'flask-socketio' | 'python-socketio'; readonly messageQueue: boolean; readonly asyncMode?: string };
  readonly devServerRuns: readonly DevServerRun[];
  /** Names bound by top-level assignments (`app = Flask(__name__)`): candidates for `module:callable`. */
  readonly callables: ReadonlyMap<string, Span>;
  /** Modules imported anywhere at top level. */
  readonly imports: ReadonlySet<string>;
  /** Local names bound by imports, to what they name: `sa` → `sqlalchemy`, `SIO` → `flask_socketio.SocketIO`. */
  readonly importedNames: ReadonlyMap<string, string>;
  /** `from web_dashboard import app`: where the app may really live. */
  readonly reexports: readonly { readonly module: string; readonly names: readonly string[]; readonly span: Span }[];
  /** The file has syntax errors: the facts are what could be read. */
  readonly incomplete: boolean;
}

export interface Started {
  readonly span: Span;
  readonly description: string;
  /** Only under `if __name__ == "__main__":`, so not under gunicorn. */
  readonly guarded: boolean;
  readonly port?: number;
}

export interface DevServerRun {
  readonly span: Span;
  /** `app.run(...)`, as written up to the parenthesis. */
  readonly call: string;
  readonly guarded: boolean;
  readonly framework: 'flask' | 'socketio' | 'werkzeug' | 'django';
  /** The address as written, when it is a literal. */
  readonly host?: string;
  readonly port?: number;
  /** The host or port is written but is no literal (`port=int(os.environ["PORT"])`, `**options`): the address is unknown. */
  readonly unreadable?: boolean;
}

/** Functions followed from import-time code at most this many times (a bound on hostile input). */
const MAX_FOLLOWED_FUNCTIONS = 200;
const STARTABLE = /(^|\.)(Thread|Timer|Process|BackgroundScheduler|AsyncIOScheduler|GeventScheduler)$/;
const UDP_SERVERS = /(^|\.)(UDPServer|ThreadingUDPServer|ForkingUDPServer)$/;
/** Where each development server takes its address: by keyword, else by position (Flask.run(host, port), SocketIO.run(app, host, port), run_simple(hostname, port, application)). */
const ADDRESS_PARAMETERS: Readonly<Record<'flask' | 'socketio' | 'werkzeug', readonly [readonly [string, number], readonly [string, number]]>> = {
  flask: [['host', 0], ['port', 1]],
  socketio: [['host', 1], ['port', 2]],
  werkzeug: [['hostname', 0], ['port', 1]],
};

interface Region {
  readonly node: SyntaxNode;
  readonly guarded: boolean;
}

export function analyzeAppModule(text: string): AppModuleFacts {
  // A tree the Python parser cannot build or built wrong (see readPython): nothing can be read.
  return readPython<AppModuleFacts>(
    () => pythonParser.parse(text),
    (tree) => new AppModuleReader(text, tree).read(),
    () => ({ udpReceivers: [], backgroundWorkers: [], devServerRuns: [], callables: new Map(), imports: new Set(), importedNames: new Map(), reexports: [], incomplete: true }),
  );
}

class AppModuleReader {
  private readonly udpReceivers: Started[] = [];
  private readonly backgroundWorkers: Started[] = [];
  private socketio: AppModuleFacts['socketio'];
  private readonly devServerRuns: DevServerRun[] = [];
  private readonly callables = new Map<string, Span>();
  private readonly imports = new Set<string>();
  private readonly reexports: { module: string; names: string[]; span: Span }[] = [];
  /** Local name → what it was imported as (`SIO` → `flask_socketio.SocketIO`). */
  private readonly aliases = new Map<string, string>();
  private readonly functions = new Map<string, SyntaxNode>();
  /** Variables assigned a call at import time: name → the called name. */
  private readonly constructed = new Map<string, string>();
  private incomplete = false;

  constructor(
    private readonly text: string,
    private readonly tree: Tree,
  ) {}

  read(): AppModuleFacts {
    const tree = this.tree;
    const regions: Region[] = [];
    for (let statement = tree.topNode.firstChild; statement; statement = statement.nextSibling) {
      this.declare(statement);
      if (isMainGuard(statement, this.text)) {
        const body = statement.getChild('Body');
        if (body) regions.push({ node: body, guarded: true });
      } else if (statement.name !== 'FunctionDefinition' && statement.name !== 'ClassDefinition' && statement.name !== 'DecoratedStatement') {
        regions.push({ node: statement, guarded: false });
      }
    }
    tree.iterate({ enter: (node) => void (node.type.isError && (this.incomplete = true)) });
    const followed = new Set<string>();
    for (let index = 0; index < regions.length; index++) {
      const region = regions[index]!;
      for (const called of this.readCalls(region)) {
        const body = this.functions.get(called)?.getChild('Body');
        const key = `${called} ${region.guarded}`;
        if (!body || followed.has(key) || followed.size >= MAX_FOLLOWED_FUNCTIONS) continue;
        followed.add(key);
        regions.push({ node: body, guarded: region.guarded });
      }
    }
    return {
      udpReceivers: this.udpReceivers,
      backgroundWorkers: this.backgroundWorkers,
      ...(this.socketio ? { socketio: this.socketio } : {}),
      devServerRuns: this.devServerRuns,
      callables: this.callables,
      imports: this.imports,
      importedNames: this.aliases,
      reexports: this.reexports,
      incomplete: this.incomplete,
    };
  }

  /** Top-level names: functions, imports and assigned variables. */
  private declare(statement: SyntaxNode): void {
    if (statement.name === 'FunctionDefinition') {
      const name = statement.getChild('VariableName');
      if (name) this.functions.set(this.slice(name), statement);
    } else if (statement.name === 'ImportStatement') {
      this.readImport(statement);
    } else if (statement.name === 'AssignStatement') {
      const target = statement.firstChild;
      if (target?.name === 'VariableName') this.callables.set(this.slice(target), { start: target.from, end: target.to });
    }
  }

  private readImport(statement: SyntaxNode): void {
    // Single spaces from here on, so `as` is split on " as " (a `\s+as\s+` regex would
    // backtrack quadratically on a long run of white space).
    const written = this.slice(statement).replace(/\s+/g, ' ').trim();
    const from = /^from ([\w.]+) import \(?([^)]*)\)?$/.exec(written);
    if (from) {
      const module = from[1]!;
      this.imports.add(module.replace(/^\.+/, ''));
      const names: string[] = [];
      for (const part of from[2]!.split(',')) {
        const [name, alias] = part.trim().split(' as ');
        if (!name) continue;
        names.push(name);
        this.aliases.set(alias ?? name, `${module}.${name}`);
      }
      this.reexports.push({ module, names, span: { start: statement.from, end: statement.to } });
      return;
    }
    for (const part of written.replace(/^import /, '').split(',')) {
      const [module, alias] = part.trim().split(' as ');
      if (!module) continue;
      this.imports.add(module);
      this.aliases.set(alias ?? module.split('.')[0]!, alias ? module : module.split('.')[0]!);
    }
  }

  /** Reads every call in a region (not inside nested definitions); returns the names of functions it calls or starts. */
  private readCalls(region: Region): string[] {
    const called: string[] = [];
    const pending: SyntaxNode[] = [region.node];
    while (pending.length > 0) {
      const node = pending.pop()!;
      if (node !== region.node && (node.name === 'FunctionDefinition' || node.name === 'ClassDefinition' || node.name === 'LambdaExpression')) continue;
      if (node.name === 'AssignStatement') this.rememberConstruction(node);
      if (node.name === 'CallExpression') called.push(...this.readCall(node, region.guarded));
      for (let child = node.lastChild; child; child = child.prevSibling) pending.push(child);
    }
    return called;
  }

  private rememberConstruction(assignment: SyntaxNode): void {
    const target = assignment.firstChild;
    const value = assignment.lastChild;
    if (target?.name !== 'VariableName' || value?.name !== 'CallExpression') return;
    this.constructed.set(this.slice(target), this.resolve(this.slice(value.firstChild!)));
  }

  private readCall(call: SyntaxNode, guarded: boolean): string[] {
    const calleeNode = call.firstChild!;
    const calleeText = this.slice(calleeNode);
    const callee = this.resolve(calleeText);
    const argumentsText = call.getChild('ArgList') ? this.slice(call.getChild('ArgList')!) : '';
    const span = { start: call.from, end: call.to };
    const called: string[] = [];
    if (this.functions.has(calleeText)) called.push(calleeText);
    const target = /\btarget\s*=\s*([A-Za-z_]\w*)/.exec(argumentsText)?.[1];
    if (target && STARTABLE.test(callee)) called.push(target);

    if (/(^|\.)socket$/.test(callee) && /SOCK_DGRAM/.test(argumentsText)) {
      this.udpReceivers.push({ span, description: 'UDP socket', guarded, ...this.portOf(call) });
    } else if (UDP_SERVERS.test(callee)) {
      this.udpReceivers.push({ span, description: callee.slice(callee.lastIndexOf('.') + 1), guarded, ...portIn(argumentsText) });
    } else if (callee.endsWith('.create_datagram_endpoint')) {
      this.udpReceivers.push({ span, description: 'asyncio datagram endpoint', guarded, ...portIn(argumentsText) });
    } else if (calleeText.endsWith('.start') && this.startsBackground(calleeNode)) {
      this.backgroundWorkers.push({ span, description: this.startedKind(calleeNode), guarded });
    } else if (/(^|\.)flask_socketio\.SocketIO$/.test(callee) || /^socketio\.(Async)?Server$/.test(callee)) {
      const asyncMode = /\basync_mode\s*=\s*['"]([^'"]+)['"]/.exec(argumentsText)?.[1];
      this.socketio ??= {
        span,
        library: callee.startsWith('flask_socketio') ? 'flask-socketio' : 'python-socketio',
        messageQueue: /\b(message_queue|client_manager)\s*=/.test(argumentsText),
        ...(asyncMode ? { asyncMode } : {}),
      };
    } else if (/^[A-Za-z_]\w*\.run$/.test(calleeText) || /(^|\.)run_simple$/.test(callee)) {
      this.readDevServer(call, calleeText, callee, guarded);
    } else if (/(^|\.)execute_from_command_line$/.test(callee)) {
      this.devServerRuns.push({ span, call: calleeText, guarded, framework: 'django' });
    }
    return called;
  }

  private readDevServer(call: SyntaxNode, calleeText: string, callee: string, guarded: boolean): void {
    const objectName = calleeText.split('.')[0]!;
    const made = this.constructed.get(objectName) ?? '';
    // Objects made in another module are known by their customary names.
    const framework = callee.endsWith('run_simple') ? 'werkzeug' : /SocketIO$/.test(made) || objectName === 'socketio' ? 'socketio' : /(^|\.)Flask$/.test(made) || objectName === 'app' ? 'flask' : undefined;
    const argList = call.getChild('ArgList');
    if (!framework || !argList) return;
    const args = callArguments(argList, this.text);
    const [[hostName, hostAt], [portName, portAt]] = ADDRESS_PARAMETERS[framework];
    const hostNode = argumentFor(args, hostName, hostAt);
    const portNode = argumentFor(args, portName, portAt);
    const host = hostNode?.name === 'String' ? decodeString(this.slice(hostNode)) : undefined;
    const port = portNode?.name === 'Number' ? decodeNumber(this.slice(portNode)) : undefined;
    const unreadable = (hostNode !== undefined && host === undefined) || (portNode !== undefined && !port?.integer) || args.some((arg) => arg.star !== undefined);
    this.devServerRuns.push({
      span: { start: call.from, end: call.to },
      call: `${calleeText}()`,
      guarded,
      framework,
      // An empty host is Flask's default too (`host or "127.0.0.1"`).
      ...(host ? { host } : {}),
      ...(port?.integer ? { port: port.value } : {}),
      ...(unreadable ? { unreadable } : {}),
    });
  }

  /** `Thread(...).start()`, or `worker.start()` where `worker = Thread(...)`. */
  private startsBackground(calleeNode: SyntaxNode): boolean {
    return STARTABLE.test(this.startedKind(calleeNode));
  }

  private startedKind(calleeNode: SyntaxNode): string {
    const object = calleeNode.firstChild;
    if (!object) return '';
    if (object.name === 'CallExpression') return this.resolve(this.slice(object.firstChild!));
    return this.constructed.get(this.slice(object)) ?? '';
  }

  /** A UDP socket's port: the number in the `.bind((host, port))` that follows it in the same block. */
  private portOf(call: SyntaxNode): { port?: number } {
    const block = call.parent?.parent ?? call;
    return portIn(bindArguments(this.text.slice(call.to, block.to)));
  }

  /** `SIO` → `flask_socketio.SocketIO`, `threading.Thread` stays. */
  private resolve(name: string): string {
    return resolveImported(name, this.aliases);
  }

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }
}

/** A dotted name read through the module's imports: `sa.create_engine` → `sqlalchemy.create_engine`; a name no import binds stays. */
export function resolveImported(name: string, importedNames: ReadonlyMap<string, string>): string {
  const [head, ...rest] = name.split('.');
  const imported = importedNames.get(head!);
  return imported ? [imported, ...rest].join('.') : name;
}

function isMainGuard(statement: SyntaxNode, text: string): boolean {
  if (statement.name !== 'IfStatement') return false;
  const body = statement.getChild('Body');
  // White space squeezed first: with runs of it, the `\s*` on both sides of an optional
  // `(` or `)` below could split one run in quadratically many ways before failing.
  const condition = text.slice(statement.from, body?.from ?? statement.to).replace(/\s+/g, ' ');
  return /^if\s*\(?\s*__name__\s*==\s*['"]__main__['"]\s*\)?\s*:?\s*$/.test(condition) || /^if\s*['"]__main__['"]\s*==\s*__name__/.test(condition);
}

/**
 * The arguments of the first `.bind(…)` in a text, up to its first `)` included (what
 * `/\.bind\s*\(([^)]*\))/` captures), found by scanning once: the regex tried every
 * `.bind(` to the end of the text when no `)` followed, quadratic in a file of them.
 */
function bindArguments(text: string): string {
  for (let at = text.indexOf('.bind'); at >= 0; at = text.indexOf('.bind', at + 5)) {
    let open = at + 5;
    while (open < text.length && /\s/.test(text[open]!)) open++;
    if (text[open] !== '(') continue;
    // No `)` after this `.bind(` means none after any later one either.
    const close = text.indexOf(')', open + 1);
    return close < 0 ? '' : text.slice(open + 1, close + 1);
  }
  return '';
}

/** The last whole number in an address tuple: `("0.0.0.0", 514)`. */
function portIn(argumentsText: string): { port?: number } {
  const port = /,\s*(\d{1,5})\s*\)/.exec(argumentsText)?.[1];
  return port ? { port: Number(port) } : {};
}
