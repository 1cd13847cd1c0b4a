import type { Rule } from '../../engine/rule';
import { addToSection, removeEntry } from './edits';
import { eachEntry, sectionsOfDocument } from './support';

export const wrongSection: Rule = {
  id: 'systemd/wrong-section',
  severity: 'error',
  summary: 'A key in a section where systemd does not read it (Restart= in [Unit]): systemd ignores it there',

  unit(unit, context) {
    const systemd = context.knowledge.systemd;
    const allowedSections = sectionsOfDocument(context);
    eachEntry(unit, (entry, section) => {
      if (systemd.namesIn(section.name).length === 0 || systemd.directive(section.name, entry.key)) return;
      const homes = [...new Set(systemd.named(entry.key).flatMap((directive) => directive.sections))].filter(
        (home) => !allowedSections || (allowedSections as readonly string[]).includes(home),
      );
      if (homes.length === 0) return;
      const home = homes[0]!;
      const source = context.document.source;
      context.report({
        span: entry.keySpan,
        message: `${entry.key}= belongs in [${homes.join('] or [')}], not [${section.name}]: systemd ignores it here`,
        fixes: [
          {
            // Not safe: the setting starts to take effect.
            title: `Move ${entry.key}= to [${home}]`,
            safe: false,
            preferred: true,
            edits: [removeEntry(source, entry), addToSection(source, unit, home, [source.slice(entry.span)])],
          },
        ],
      });
    });
  },
};
