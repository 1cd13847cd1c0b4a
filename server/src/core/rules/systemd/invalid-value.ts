import type { Rule } from '../../engine/rule';
import type { UnitEntry } from '../../formats/systemd/model';
import { parseBoolean, parseMemoryLimit, parseTimespan } from '../../formats/systemd/values';
import type { SystemdDirective } from '../../knowledge/types';
import { closestName } from '../../text/suggest';
import { eachEntry } from './support';

/** Enum values written as `word:argument` (StandardOutput=file:/var/log/x). */
const PREFIXED_WORDS = new Set(['file', 'append', 'truncate', 'fd', 'socket', 'tty']);

export const invalidValue: Rule = {
  id: 'systemd/invalid-value',
  severity: 'error',
  summary: 'A value systemd cannot parse (bad time span, size, boolean or word, relative path): systemd ignores the assignment',

  unit(unit, context) {
    eachEntry(unit, (entry, section) => {
      const directive = context.knowledge.systemd.directive(section.name, entry.key);
      // Empty resets, specifiers and $VARIABLES are resolved by systemd later: not judged.
      if (!directive || entry.value === '' || /[%$]/.test(entry.value)) return;
      const problem = judge(entry, directive);
      if (!problem) return;
      context.report({
        span: entry.valueSpan,
        message: `${entry.key}=${entry.value}: ${problem.message}; systemd ignores this assignment`,
        fixes: problem.replacement
          ? [{ title: `Write ${entry.key}=${problem.replacement}`, safe: false, preferred: true, edits: [{ span: entry.valueSpan, newText: problem.replacement }] }]
          : [],
      });
    });
  },
};

function judge(entry: UnitEntry, directive: SystemdDirective): { message: string; replacement?: string } | undefined {
  const value = entry.value;
  switch (directive.type) {
    case 'boolean':
      return parseBoolean(value) === undefined ? { message: 'not a boolean (yes/no, true/false, on/off, 1/0)' } : undefined;
    case 'timespan':
      return parseTimespan(value) === undefined ? { message: 'not a time span (such as 30, 5s, 1min 30s, 500ms or infinity)' } : undefined;
    case 'size':
      return parseMemoryLimit(value) === undefined ? { message: 'not a size (such as 512M, 1G, 50% or infinity)' } : undefined;
    case 'enum':
      return judgeWord(value, directive);
    case 'path':
      return judgePath(entry, directive);
    case 'integer':
      if (directive.parser === 'config_parse_unsigned' && !/^\d+$/.test(value)) return { message: 'not a whole number' };
      return undefined;
    default:
      return undefined;
  }
}

function judgeWord(value: string, directive: SystemdDirective): { message: string; replacement?: string } | undefined {
  const words = directive.values ?? [];
  if (words.includes(value)) return undefined;
  const colon = value.indexOf(':');
  if (colon > 0 && PREFIXED_WORDS.has(value.slice(0, colon)) && words.includes(value.slice(0, colon))) return undefined;
  if (directive.acceptsBoolean && parseBoolean(value) !== undefined) return undefined;
  if (directive.acceptsNumber && /^\d+$/.test(value)) return undefined;
  const suggestion = closestName(value, words);
  return {
    message: `not one of ${words.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    ...(suggestion ? { replacement: suggestion } : {}),
  };
}

function judgePath(entry: UnitEntry, directive: SystemdDirective): { message: string } | undefined {
  // "-" makes a missing path harmless; WorkingDirectory= also takes "~" for the user's home.
  // PIDFile= may be relative to /run; other path keys must be absolute.
  if (entry.key === 'PIDFile' || !['config_parse_working_directory', 'config_parse_unit_path_printf'].includes(directive.parser ?? '')) return undefined;
  const path = entry.value.replace(/^-/, '');
  if (path.startsWith('/') || (entry.key === 'WorkingDirectory' && path === '~')) return undefined;
  return { message: 'not an absolute path' };
}
