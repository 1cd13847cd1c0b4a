import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import { commandSettingUses, configSettingUses, type SettingUse } from '../../formats/gunicorn/setting-uses';
import { evaluate, toPython, type PyValue } from '../../formats/gunicorn/value';
import type { GunicornSetting } from '../../knowledge/types';
import { closestName } from '../../text/suggest';

/** Settings where zero passes gunicorn's validator but leaves the server doing nothing. */
const AT_LEAST_ONE: ReadonlySet<string> = new Set(['workers', 'threads']);

export const invalidValue: Rule = {
  id: 'gunicorn/invalid-value',
  severity: 'error',
  summary: 'A setting whose value gunicorn rejects, or silently replaces with its default',

  gunicornConfig(config, context) {
    for (const use of configSettingUses(config, context.knowledge.gunicorn)) check(use, context);
  },

  gunicornCommand(site, context) {
    for (const use of commandSettingUses(site.command, context.knowledge.gunicorn)) check(use, context);
  },
};

interface Verdict {
  readonly message: string;
  /** The value that would be valid, when one is clearly meant. */
  readonly replacement?: PyValue;
}

function check(use: SettingUse, context: RuleContext): void {
  // Only what is known without the machine or the environment can be judged.
  const value = evaluate(use.value);
  if (!isJudgeable(value)) return;
  const verdict = judge(use.setting, value, use.origin, context);
  if (!verdict) return;
  const fixes: FixDraft[] = [];
  if (verdict.replacement) {
    const newText = written(verdict.replacement, use, context);
    fixes.push({ title: `Write ${newText}`, safe: false, preferred: true, edits: [{ span: use.valueSpan, newText }] });
  }
  context.report({ span: use.valueSpan, message: verdict.message, fixes });
}

/** A value as the place it goes expects it: Python in the config file (in the file's quotes), a bare word on a command line. */
function written(value: PyValue, use: SettingUse, context: RuleContext): string {
  if (use.origin === 'command-line') return value.kind === 'string' ? value.value : toPython(value);
  const quote = context.document.source.text[use.valueSpan.start] === "'" ? "'" : '"';
  return toPython(value, quote);
}

function isJudgeable(value: PyValue): boolean {
  return !['unknown', 'env', 'cpu-count', 'arith', 'convert', 'min', 'max'].includes(value.kind);
}

/** Mirrors gunicorn's validators (config.py) for constant values. */
function judge(setting: GunicornSetting, value: PyValue, origin: SettingUse['origin'], context: RuleContext): Verdict | undefined {
  const name = setting.name;
  switch (setting.type) {
    case 'int':
      return judgeInteger(name, value, origin, false);
    case 'octal-int':
      return judgeInteger(name, value, origin, true);
    case 'bool':
      if (value.kind === 'bool') return undefined;
      if (value.kind === 'string' && ['true', 'false'].includes(value.value.trim().toLowerCase())) return undefined;
      return {
        message: `${name} must be True or False; gunicorn refuses ${describe(value)}`,
        ...(value.kind === 'number' && (value.value === 0 || value.value === 1)
          ? { replacement: { kind: 'bool', value: value.value === 1 } }
          : {}),
      };
    case 'string':
    case 'file':
    case 'user':
    case 'group':
    case 'chdir':
    case 'hostport':
      if (value.kind === 'string' || value.kind === 'none' || (value.kind === 'number' && (setting.type === 'user' || setting.type === 'group'))) {
        return setting.choices ? judgeChoice(setting, value) : undefined;
      }
      return { message: `${name} must be a string; gunicorn refuses ${describe(value)}` };
    case 'string-list':
    case 'address-list':
      return judgeStringList(setting, value);
    case 'dict':
      return value.kind === 'dict' ? undefined : { message: `${name} must be a dict; gunicorn refuses ${describe(value)}` };
    case 'callable':
      return value.kind === 'function' || value.kind === 'string' || value.kind === 'none'
        ? undefined
        : { message: `${name} must be a function; gunicorn refuses ${describe(value)}` };
    case 'class':
      return judgeClass(setting, value, context);
    default:
      return undefined;
  }
}

function judgeInteger(name: string, value: PyValue, origin: SettingUse['origin'], octal: boolean): Verdict | undefined {
  let number: number | undefined;
  if (value.kind === 'number' && value.integer) number = value.value;
  else if (value.kind === 'bool') number = value.value ? 1 : 0;
  else if (value.kind === 'string') {
    // The config file passes strings to int(x, 0); argparse converts flags with int().
    number = origin === 'config' ? pythonIntBaseZero(value.value) : undefined;
    if (number === undefined) {
      const hint = octal && /^0\d+$/.test(value.value.trim()) ? ` (write the octal number as 0o${value.value.trim().slice(1)})` : '';
      return {
        message: `${name} must be a whole number; gunicorn cannot read ${describe(value)}${hint}`,
        ...(octal && /^0[0-7]+$/.test(value.value.trim())
          ? { replacement: { kind: 'number', value: Number.parseInt(value.value.trim(), 8), integer: true } }
          : {}),
      };
    }
  } else if (value.kind === 'number') {
    return {
      message: `${name} must be a whole number; gunicorn refuses ${describe(value)}`,
      replacement: { kind: 'number', value: Math.round(value.value), integer: true },
    };
  } else {
    return { message: `${name} must be a whole number; gunicorn refuses ${describe(value)}` };
  }
  if (number < 0) return { message: `${name} must not be negative; gunicorn refuses ${number}` };
  if (number === 0 && AT_LEAST_ONE.has(name)) {
    return { message: `${name} = 0 leaves gunicorn with nothing to serve requests; use at least 1`, replacement: { kind: 'number', value: 1, integer: true } };
  }
  return undefined;
}

/** Python's int(text, 0): decimal without leading zeros, or 0x/0o/0b prefixed. */
function pythonIntBaseZero(text: string): number | undefined {
  const trimmed = text.trim().replace(/_/g, '');
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const digits = trimmed.replace(/^[+-]/, '').toLowerCase();
  if (/^(0|[1-9]\d*)$/.test(digits)) return sign * Number.parseInt(digits, 10);
  if (/^0x[0-9a-f]+$/.test(digits)) return sign * Number.parseInt(digits.slice(2), 16);
  if (/^0o[0-7]+$/.test(digits)) return sign * Number.parseInt(digits.slice(2), 8);
  if (/^0b[01]+$/.test(digits)) return sign * Number.parseInt(digits.slice(2), 2);
  return undefined;
}

function judgeChoice(setting: GunicornSetting, value: PyValue): Verdict | undefined {
  if (value.kind !== 'string' || !setting.choices) return undefined;
  // gunicorn lower-cases the level before looking it up; an unknown one falls back to the default.
  if (setting.choices.includes(value.value.toLowerCase())) return undefined;
  const suggestion = closestName(value.value, setting.choices);
  return {
    message: `${setting.name} ${describe(value)} is not one of ${setting.choices.join(', ')}; gunicorn silently uses ${setting.defaultText}`,
    ...(suggestion ? { replacement: { kind: 'string', value: suggestion } } : {}),
  };
}

function judgeStringList(setting: GunicornSetting, value: PyValue): Verdict | undefined {
  const items = value.kind === 'list' ? value.items : value.kind === 'none' ? [] : [value];
  for (const item of items) {
    if (item.kind !== 'string') return { message: `${setting.name} must be a string or a list of strings; gunicorn refuses ${describe(item)}` };
    if (setting.name === 'bind') {
      const problem = addressProblem(item.value);
      if (problem) return { message: `bind ${describe(item)} ${problem}` };
    }
  }
  return undefined;
}

/** gunicorn's parse_address: unix:PATH, fd://N, HOST, HOST:PORT, [IPv6]:PORT. */
function addressProblem(address: string): string | undefined {
  if (address.startsWith('unix:')) return address.length > 5 ? undefined : 'names no socket path';
  if (address.startsWith('fd://')) return /^fd:\/\/\d+$/.test(address) ? undefined : 'needs a file descriptor number after fd://';
  if (address.trim() === '') return 'is empty';
  let port: string | undefined;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) return 'has an unclosed [ around its IPv6 address';
    const rest = address.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return 'has text after the ] of its IPv6 address';
    port = rest === '' ? undefined : rest.slice(1);
  } else if (address.includes(':')) {
    port = address.slice(address.lastIndexOf(':') + 1);
  }
  if (port === undefined) return undefined;
  if (!/^\d+$/.test(port)) return `has "${port}" where the port number should be; gunicorn refuses to start`;
  if (Number(port) > 65535) return `has port ${port}, above 65535; gunicorn cannot bind it`;
  return undefined;
}

function judgeClass(setting: GunicornSetting, value: PyValue, context: RuleContext): Verdict | undefined {
  if (value.kind !== 'string') {
    return value.kind === 'none' ? undefined : { message: `${setting.name} must be a class name; gunicorn refuses ${describe(value)}` };
  }
  if (setting.name !== 'worker_class') return undefined;
  const name = value.value;
  // Dotted paths and egg: URIs name classes outside gunicorn; only short names can be checked.
  if (name.includes('.') || name.includes(':') || context.knowledge.gunicorn.workerClass(name)) return undefined;
  const suggestion = closestName(
    name,
    context.knowledge.gunicorn.workerClasses.map((workerClass) => workerClass.name),
  );
  return {
    message: `worker_class ${describe(value)} is no gunicorn worker class; gunicorn cannot start${suggestion ? `. Did you mean "${suggestion}"?` : ''}`,
    ...(suggestion ? { replacement: { kind: 'string', value: suggestion } } : {}),
  };
}

function describe(value: PyValue): string {
  switch (value.kind) {
    case 'string':
      return JSON.stringify(value.value);
    case 'number':
      return String(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return value.tuple ? 'a tuple' : 'a list';
    case 'dict':
      return 'a dict';
    case 'function':
      return 'a function';
    default:
      return 'this value';
  }
}
