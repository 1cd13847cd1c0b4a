import type { Rule } from '../../engine/rule';
import { availableIn, versionGap } from '../../knowledge/knowledge';
import { removeEntry } from './edits';
import { eachEntry } from './support';

export const notInTargetVersion: Rule = {
  id: 'systemd/not-in-target-version',
  severity: 'error',
  summary: 'A key the systemd release you deploy to does not have (RestartSteps= before 254) or no longer applies: it is ignored',

  unit(unit, context) {
    const target = context.targets.systemd;
    eachEntry(unit, (entry, section) => {
      const directive = context.knowledge.systemd.directive(section.name, entry.key);
      if (!directive || availableIn(directive, target)) return;
      const ignoredNow = directive.removed !== undefined && directive.since === undefined;
      const instead = directive.replacement && directive.replacement !== entry.key ? `; use ${directive.replacement}=` : '';
      context.report({
        span: entry.keySpan,
        message: `${entry.key}= does not work in systemd ${target} (${ignoredNow ? `ignored since ${directive.removed}` : versionGap(directive, target)}): it is ignored${instead}`,
        fixes: [{ title: `Remove ${entry.key}=`, safe: false, edits: [removeEntry(context.document.source, entry)] }],
      });
    });
  },
};
