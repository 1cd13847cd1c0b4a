import type { Rule } from '../../engine/rule';
import { closestName } from '../../text/suggest';
import { eachEntry, isExtension, sectionsOfDocument } from './support';

export const unknownDirective: Rule = {
  id: 'systemd/unknown-directive',
  severity: 'error',
  summary: 'A key systemd does not know in its section, or a section the unit type does not have: systemd ignores it',

  unit(unit, context) {
    const systemd = context.knowledge.systemd;
    const allowedSections = sectionsOfDocument(context);
    for (const section of unit.sections) {
      if (isExtension(section.name)) continue;
      const known = systemd.namesIn(section.name).length > 0;
      if (!known || (allowedSections && !(allowedSections as readonly string[]).includes(section.name))) {
        context.report({
          span: section.headerSpan,
          message: `Unknown section [${section.name}]${known ? ' for this unit type' : ''}: systemd ignores it and every line in it`,
        });
      }
    }
    eachEntry(unit, (entry, section) => {
      if (systemd.namesIn(section.name).length === 0) return; // the section itself is reported
      if (systemd.directive(section.name, entry.key)) return;
      // A key known in another section is systemd/wrong-section's finding.
      if (systemd.named(entry.key).length > 0) return;
      const suggestion = closestName(entry.key, systemd.namesIn(section.name));
      context.report({
        span: entry.keySpan,
        message: `Unknown key ${entry.key}= in [${section.name}]: systemd ignores it${suggestion ? `. Did you mean ${suggestion}=?` : ''}`,
        fixes: suggestion ? [{ title: `Change to ${suggestion}=`, safe: false, preferred: true, edits: [{ span: entry.keySpan, newText: suggestion }] }] : [],
      });
    });
  },
};
