import type { GunicornIndex } from '../../knowledge/knowledge';
import type { GunicornSetting } from '../../knowledge/types';
import type { Span } from '../../text/source-text';
import type { CommandOption, GunicornCommand } from './command-line';
import type { ConfigBinding, GunicornConfig } from './model';
import { decodeNumber } from './python-literals';
import type { PyValue } from './value';

/**
 * One place a gunicorn setting is given a value, wherever it is written: an assignment
 * in gunicorn.conf.py or a flag on a command line. Rules that judge values read these,
 * so a check is written once and holds for both.
 */
export interface SettingUse {
  readonly setting: GunicornSetting;
  readonly value: PyValue;
  /** The setting's name in the file, or the flag on the command line. */
  readonly nameSpan: Span;
  readonly valueSpan: Span;
  /** The statement, or the flag with its value. */
  readonly span: Span;
  readonly origin: 'config' | 'command-line';
  /** In gunicorn.conf.py, inside a top-level if/try block. */
  readonly conditional: boolean;
  /** The binding behind a config-file use. */
  readonly binding?: ConfigBinding;
  /** The option behind a command-line use. */
  readonly option?: CommandOption;
}

export function configSettingUses(config: GunicornConfig, gunicorn: GunicornIndex): SettingUse[] {
  const uses: SettingUse[] = [];
  for (const binding of config.bindings) {
    const setting = gunicorn.setting(binding.name);
    // A statement with a syntax error binds whatever the parser guessed: nothing to judge.
    if (!setting || binding.broken) continue;
    uses.push({
      setting,
      value: binding.value,
      nameSpan: binding.nameSpan,
      valueSpan: binding.valueSpan,
      span: binding.statementSpan,
      origin: 'config',
      conditional: binding.conditional,
      binding,
    });
  }
  return uses;
}

export function commandSettingUses(command: GunicornCommand, gunicorn: GunicornIndex): SettingUse[] {
  const uses: SettingUse[] = [];
  for (const option of command.options) {
    const setting = gunicorn.setting(option.spec.setting);
    if (!setting) continue;
    uses.push({
      setting,
      value: commandValue(option, setting),
      nameSpan: option.flagSpan,
      valueSpan: option.valueSpan ?? option.flagSpan,
      span: option.span,
      origin: 'command-line',
      conditional: false,
      option,
    });
  }
  return uses;
}

/**
 * What a flag's text becomes once argparse has converted it: integers through `int()`
 * (`auto_int` for umask, which also reads octal), switches as booleans, the rest as
 * strings. `$VAR` and `${VAR}` stay symbolic: systemd or the shell fills them in.
 */
function commandValue(option: CommandOption, setting: GunicornSetting): PyValue {
  if (option.value === undefined) {
    // A flag that takes an optional value and stands alone means its constant, which
    // only gunicorn knows; a switch means true (false for store_false).
    return option.spec.value === 'optional' ? { kind: 'unknown', text: option.flag } : { kind: 'bool', value: setting.action !== 'store_false' };
  }
  const text = option.value;
  const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(text);
  if (variable) return { kind: 'env', name: variable[1]! };
  if (text.includes('$')) return { kind: 'unknown', text };
  if (setting.type === 'int') {
    return /^[+-]?\d+$/.test(text.trim())
      ? { kind: 'number', value: Number.parseInt(text, 10), integer: true }
      : { kind: 'string', value: text };
  }
  if (setting.type === 'octal-int') {
    const withPrefix = /^0\d/.test(text) ? `0o${text.slice(1)}` : text;
    const decoded = decodeNumber(withPrefix);
    return decoded?.integer ? { kind: 'number', ...decoded } : { kind: 'string', value: text };
  }
  return { kind: 'string', value: text };
}
