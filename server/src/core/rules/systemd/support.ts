import type { RuleContext } from '../../engine/rule';
import type { UnitEntry, UnitFile, UnitSection } from '../../formats/systemd/model';
import { unitTypeOf } from '../../formats/systemd/unit-name';
import type { SystemdSection } from '../../knowledge/types';

/** Sections and keys starting with "X-" are the user's own: systemd ignores them on purpose. */
export function isExtension(name: string): boolean {
  return name.startsWith('X-');
}

/** The sections this document's unit type may hold, or undefined when the type is unknown. */
export function sectionsOfDocument(context: RuleContext): readonly SystemdSection[] | undefined {
  const type = unitTypeOf(context.document.path);
  return type === undefined ? undefined : context.knowledge.systemd.sectionsOf(type);
}

/** Every assignment with its section, in file order, skipping the user's X- sections and keys. */
export function eachEntry(unit: UnitFile, visit: (entry: UnitEntry, section: UnitSection) => void): void {
  for (const section of unit.sections) {
    if (isExtension(section.name)) continue;
    for (const entry of section.entries) if (!isExtension(entry.key)) visit(entry, section);
  }
}
