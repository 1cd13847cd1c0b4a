import type { Word } from '../formats/common';
import { findGunicornProgram, parseGunicornArguments, parseGunicornCmdArgs, type GunicornFlags } from '../formats/gunicorn/command-line';
import { dockerfileCommands } from '../formats/shell/dockerfile';
import { splitShell } from '../formats/shell/words';
import { splitExecValue, splitUnitWords } from '../formats/systemd/exec';
import type { UnitFile } from '../formats/systemd/model';
import type { Span } from '../text/source-text';
import type { GunicornCommandSite } from './document';

const CMD_ARGS = 'GUNICORN_CMD_ARGS';

/**
 * Where gunicorn's settings come from in a unit: the command lines of its `ExecStart=`
 * and a GUNICORN_CMD_ARGS in its `Environment=`.
 */
export function gunicornCommandsInUnit(text: string, unit: UnitFile, flags: GunicornFlags): GunicornCommandSite[] {
  const sites: GunicornCommandSite[] = [];
  for (const section of unit.sections) {
    if (section.name !== 'Service') continue;
    for (const entry of section.entries) {
      if (entry.key === 'ExecStart' && entry.value !== '') {
        for (const command of splitExecValue(entry).commands) {
          const programIndex = findGunicornProgram(command.argv);
          if (programIndex === undefined) continue;
          sites.push({ command: parseGunicornArguments(command.argv, programIndex, flags), holder: 'ExecStart=', entry });
        }
      } else if (entry.key === 'Environment' && entry.value.includes(CMD_ARGS)) {
        for (const word of splitUnitWords(entry).words) {
          const site = cmdArgsSite(text, word, flags);
          if (site) sites.push({ ...site, entry });
        }
      }
    }
  }
  return sites;
}

/** Gunicorn command lines in a Procfile, a shell script or a Dockerfile's RUN/CMD lines, with any GUNICORN_CMD_ARGS= before them. */
export function gunicornCommandsInScript(text: string, holder: string, flags: GunicornFlags): GunicornCommandSite[] {
  const commands: (readonly Word[])[] =
    holder === 'Procfile' || holder === 'shell script' ? splitShell(text).commands.map((command) => command.words) : dockerfileCommands(text);
  const sites: GunicornCommandSite[] = [];
  for (let words of commands) {
    // A Procfile line starts with its process type: "web: gunicorn app:app".
    if (holder === 'Procfile' && words[0]?.text.endsWith(':')) words = words.slice(1);
    const programIndex = findGunicornProgram(words);
    if (programIndex === undefined) continue;
    for (const word of words.slice(0, programIndex)) {
      const site = cmdArgsSite(text, word, flags);
      if (site) sites.push(site);
    }
    sites.push({ command: parseGunicornArguments(words, programIndex, flags), holder });
  }
  return sites;
}

/**
 * The options of a `GUNICORN_CMD_ARGS=…` word. gunicorn splits the value with shlex, so
 * it is split here with shell rules, straight from the source between the `=` and the
 * end of the word (quotes around the value stripped).
 */
function cmdArgsSite(text: string, word: Word, flags: GunicornFlags): GunicornCommandSite | undefined {
  if (!word.text.startsWith(`${CMD_ARGS}=`)) return undefined;
  const written = text.slice(word.span.start, word.span.end);
  const equals = written.indexOf('=');
  if (equals < 0) return undefined;
  let value: Span = { start: word.span.start + equals + 1, end: word.span.end };
  const opening = text[value.start];
  if ((opening === '"' || opening === "'") && text[value.end - 1] === opening) value = { start: value.start + 1, end: value.end - 1 };
  else if (text[word.span.start] === '"' || text[word.span.start] === "'") value = { start: value.start, end: value.end - 1 };
  const words = splitShell(text, value.start, value.end).commands.flatMap((command) => command.words);
  const command = parseGunicornCmdArgs(words, flags);
  return command ? { command, holder: CMD_ARGS } : undefined;
}
