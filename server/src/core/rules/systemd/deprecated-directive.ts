import type { EditDraft, FixDraft, Rule, RuleContext } from '../../engine/rule';
import type { UnitEntry, UnitFile, UnitSection } from '../../formats/systemd/model';
import { availableIn } from '../../knowledge/knowledge';
import type { SystemdDirective } from '../../knowledge/types';
import { compareVersions } from '../../model/version';
import { addToSection, removeEntry } from './edits';
import { eachEntry } from './support';

/** Exec*= lines that PermissionsStartOnly=yes ran with full privileges. */
const PRIVILEGED_BY_PERMISSIONS_START_ONLY = ['ExecStartPre', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'];

export const deprecatedDirective: Rule = {
  id: 'systemd/deprecated-directive',
  severity: 'warning',
  summary: 'A key or value systemd has deprecated (MemoryLimit=, CPUShares=, PermissionsStartOnly=, KillMode=none), with its replacement',

  unit(unit, context) {
    const target = context.targets.systemd;
    eachEntry(unit, (entry, section) => {
      const directive = context.knowledge.systemd.directive(section.name, entry.key);
      if (entry.key === 'KillMode' && entry.value === 'none' && compareVersions(target, '246') >= 0) {
        context.report({
          span: entry.valueSpan,
          message: 'KillMode=none is deprecated since systemd 246: processes left behind outlive the service and its restarts; use mixed or control-group',
          fixes: [{ title: 'Use KillMode=mixed', safe: false, preferred: true, edits: [{ span: entry.valueSpan, newText: 'mixed' }] }],
        });
        return;
      }
      if (!directive?.deprecated || !directive.replacement || compareVersions(target, directive.deprecated) < 0) return;
      // Once ignored, systemd/not-in-target-version says so.
      if (!availableIn(directive, target)) return;
      const fix = replacementFix(entry, section, directive, unit, context);
      context.report({
        span: entry.keySpan,
        message: `${entry.key}= in [${section.name}] is deprecated since systemd ${directive.deprecated}: ${advice(entry, directive)}`,
        fixes: fix ? [fix] : [],
      });
    });
  },
};

function advice(entry: UnitEntry, directive: SystemdDirective): string {
  if (entry.key === 'PermissionsStartOnly') return 'prefix the commands that need full privileges with "+" instead';
  const note = directive.replacementNote?.replace(/\.$/, '');
  if (directive.replacement === entry.key && note) return note;
  return `use ${directive.replacement}=${note ? ` (${note})` : ''}`;
}

function replacementFix(entry: UnitEntry, section: UnitSection, directive: SystemdDirective, unit: UnitFile, context: RuleContext): FixDraft | undefined {
  const source = context.document.source;
  const replacement = directive.replacement!;
  if (entry.key === 'PermissionsStartOnly') {
    const enabled = /^(1|yes|y|true|t|on)$/i.test(entry.value);
    const edits: EditDraft[] = [removeEntry(source, entry)];
    if (enabled) {
      for (const other of section.entries) {
        if (PRIVILEGED_BY_PERMISSIONS_START_ONLY.includes(other.key) && other.value !== '' && !other.value.startsWith('+')) {
          edits.push({ span: { start: other.valueSpan.start, end: other.valueSpan.start }, newText: '+' });
        }
      }
    }
    // Exactly what PermissionsStartOnly=yes did, written the current way.
    return { title: enabled ? 'Remove PermissionsStartOnly= and prefix the other Exec lines with "+"' : 'Remove PermissionsStartOnly=', safe: true, preferred: true, edits };
  }
  // Compatibility keys that moved to [Unit] mean the same there.
  if (directive.replacementNote?.endsWith('belongs in [Unit].')) {
    return {
      title: `Move to [Unit] as ${replacement}=`,
      safe: true,
      preferred: true,
      edits: [removeEntry(source, entry), addToSection(source, unit, 'Unit', [`${replacement}=${entry.value}`])],
    };
  }
  // A renamed key with the same meaning (MemoryLimit= → MemoryMax=); when the scale
  // differs (CPUShares= → CPUWeight=) the value needs a human.
  return {
    title: directive.replacementNote ? `Rename to ${replacement}= (check the value: ${directive.replacementNote})` : `Rename to ${replacement}=`,
    safe: !directive.replacementNote,
    preferred: true,
    edits: [{ span: entry.keySpan, newText: replacement }],
  };
}
