import { findGunicornProgram, parseGunicornArguments, type GunicornFlags } from '../formats/gunicorn/command-line';
import { splitExecValue } from '../formats/systemd/exec';
import type { UnitFile } from '../formats/systemd/model';
import type { GunicornCommandSite } from './document';

/** The gunicorn command lines a unit starts: its `ExecStart=` lines in `[Service]`. */
export function gunicornCommandsInUnit(unit: UnitFile, flags: GunicornFlags): GunicornCommandSite[] {
  const sites: GunicornCommandSite[] = [];
  for (const section of unit.sections) {
    if (section.name !== 'Service') continue;
    for (const entry of section.entries) {
      if (entry.key !== 'ExecStart' || entry.value === '') continue;
      for (const command of splitExecValue(entry).commands) {
        const programIndex = findGunicornProgram(command.argv);
        if (programIndex === undefined) continue;
        sites.push({ command: parseGunicornArguments(command.argv, programIndex, flags), holder: 'ExecStart=', entry });
      }
    }
  }
  return sites;
}
