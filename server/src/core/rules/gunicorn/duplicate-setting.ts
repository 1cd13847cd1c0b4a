import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import { commandSettingUses } from '../../formats/gunicorn/setting-uses';
import { isConstant, toPython, type PyValue } from '../../formats/gunicorn/value';
import type { Span } from '../../text/source-text';
import { statementRemoval } from '../../text/line-edits';

/** One assignment of a name, from the config file or a command line. */
interface Assignment {
  readonly name: string;
  readonly value: PyValue;
  readonly nameSpan: Span;
  /** The statement, or the flag with its value. */
  readonly span: Span;
  readonly removal: FixDraft | undefined;
}

export const duplicateSetting: Rule = {
  id: 'gunicorn/duplicate-setting',
  severity: 'warning',
  summary: 'A setting given twice in one place: only the last value counts, the earlier one is dead',

  gunicornConfig(config, context) {
    const gunicorn = context.knowledge.gunicorn;
    const assignments: Assignment[] = [];
    for (const binding of config.bindings) {
      // Only unconditional, plain assignments certainly replace each other: an `if`
      // branch or `workers += 1` is deliberate.
      if (binding.form !== 'assignment' || binding.conditional || binding.augmented) continue;
      const isSetting = gunicorn.setting(binding.name) !== undefined;
      // A name the file never reads and gunicorn does not know is dead twice over; a
      // helper the file reads may well be reassigned on purpose.
      const isDeadName = !isSetting && !binding.name.startsWith('_') && !config.namesRead.has(binding.name);
      if (!isSetting && !isDeadName) continue;
      assignments.push({
        name: binding.name,
        value: binding.value,
        nameSpan: binding.nameSpan,
        span: binding.statementSpan,
        removal: binding.sharedStatement
          ? undefined
          : {
              title: `Remove the dead assignment of ${binding.name}`,
              // Removing it changes nothing gunicorn sees, unless the file reads the
              // name before the later assignment (`threads = workers * 2`).
              safe: !config.namesRead.has(binding.name),
              preferred: true,
              edits: [{ span: statementRemoval(context.document.source, binding.statementSpan, '#'), newText: '' }],
            },
      });
    }
    reportRepeats(assignments, context);
  },

  gunicornCommand(site, context) {
    const assignments = commandSettingUses(site.command, context.knowledge.gunicorn)
      // Flags that append (--bind, --env) are meant to be repeated.
      .filter((use) => use.setting.action !== 'append')
      .map(
        (use): Assignment => ({
          name: use.setting.name,
          value: use.value,
          nameSpan: use.nameSpan,
          span: use.span,
          removal: {
            title: `Remove the dead ${use.option!.flag}`,
            safe: true,
            preferred: true,
            edits: [{ span: optionRemoval(context, use.span), newText: '' }],
          },
        }),
      );
    reportRepeats(assignments, context);
  },
};

function reportRepeats(assignments: readonly Assignment[], context: RuleContext): void {
  const last = new Map<string, Assignment>();
  for (const assignment of assignments) last.set(assignment.name, assignment);
  for (const assignment of assignments) {
    const live = last.get(assignment.name)!;
    if (live === assignment) continue;
    const line = context.document.source.positionAt(live.nameSpan.start).line + 1;
    const same = isConstant(assignment.value) && isConstant(live.value) && toPython(assignment.value) === toPython(live.value);
    context.report({
      span: assignment.span,
      // A dead value that differs from the live one: the file says something it does not do.
      severity: same ? 'warning' : 'error',
      message: same
        ? `${assignment.name} is set again to the same value on line ${line}; this one is redundant`
        : `${assignment.name} is set again on line ${line}, so this value is ignored: gunicorn uses ${isConstant(live.value) ? toPython(live.value) : 'the later one'}`,
      fixes: assignment.removal ? [assignment.removal] : [],
      related: [{ document: context.document, span: live.span, message: 'the assignment that counts' }],
    });
  }
}

/**
 * What to delete to drop a flag from a command line: the flag with the space before it,
 * or its whole line when it sits alone on a continuation line (`    --workers 9 \`).
 */
function optionRemoval(context: RuleContext, span: Span): Span {
  const source = context.document.source;
  const text = source.text;
  const line = source.positionAt(span.start).line;
  const lineStart = source.lineStart(line);
  const before = text.slice(lineStart, span.start);
  const after = text.slice(span.end, source.lineEnd(line)).trim();
  if (before.trim() === '' && after === '\\' && source.positionAt(span.end).line === line) {
    return { start: lineStart, end: source.lineStart(line + 1) };
  }
  let start = span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { start, end: span.end };
}
