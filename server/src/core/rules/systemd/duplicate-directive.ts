import type { Rule } from '../../engine/rule';
import type { UnitEntry } from '../../formats/systemd/model';
import { removeEntry } from './edits';
import { eachEntry } from './support';

export const duplicateDirective: Rule = {
  id: 'systemd/duplicate-directive',
  severity: 'warning',
  summary: 'A single-valued key set twice in one section: only the last assignment counts',

  unit(unit, context) {
    const systemd = context.knowledge.systemd;
    // systemd merges sections of the same name, so repeats count across them.
    const last = new Map<string, UnitEntry>();
    const candidates: { entry: UnitEntry; key: string }[] = [];
    eachEntry(unit, (entry, section) => {
      const directive = systemd.directive(section.name, entry.key);
      if (!directive || directive.accumulates) return;
      const key = `${section.name}.${entry.key}`;
      last.set(key, entry);
      candidates.push({ entry, key });
    });
    for (const { entry, key } of candidates) {
      const live = last.get(key)!;
      // An empty assignment before a real one is the reset idiom, not a mistake.
      if (live === entry || entry.value === '') continue;
      const line = context.document.source.positionAt(live.span.start).line + 1;
      const same = live.value === entry.value;
      context.report({
        span: entry.span,
        severity: same ? 'warning' : 'error',
        message: same
          ? `${entry.key}= is set again to the same value on line ${line}; this one is redundant`
          : `${entry.key}= is set again on line ${line}, so this value is ignored: systemd uses ${live.value === '' ? 'the default' : live.value}`,
        related: [{ document: context.document, span: live.span, message: 'the assignment that counts' }],
        fixes: [{ title: `Remove the dead ${entry.key}=`, safe: true, preferred: true, edits: [removeEntry(context.document.source, entry)] }],
      });
    }
  },
};
