import type { Comment, SyntaxProblem } from '../formats/common';
import type { GunicornCommand } from '../formats/gunicorn/command-line';
import { parseGunicornConfig } from '../formats/gunicorn/config-parser';
import type { GunicornConfig } from '../formats/gunicorn/model';
import { parseNginx } from '../formats/nginx/parser';
import type { NginxFile } from '../formats/nginx/model';
import { reparseNginx } from '../formats/nginx/reparse';
import { parseUnit } from '../formats/systemd/parser';
import { reparseUnit } from '../formats/systemd/reparse';
import type { UnitEntry, UnitFile } from '../formats/systemd/model';
import { gunicornCommandsInScript, gunicornCommandsInUnit } from './gunicorn-commands';
import type { Knowledge } from '../knowledge/knowledge';
import type { FileKind } from '../model/finding';
import { SourceText } from '../text/source-text';

/** A file handed to the core: its path, its text, and what kind it is. */
export interface DocumentInput {
  readonly path: string;
  readonly text: string;
  readonly kind: FileKind;
  /** Editor version, to tell an up-to-date parse from a stale one. */
  readonly version?: number;
  /**
   * Offsets where the bytes on disk were not valid UTF-8 (the reader put U+FFFD there).
   * The language server never has these: editors decode files themselves.
   */
  readonly invalidUtf8At?: readonly number[];
}

/** A gunicorn command line found inside another file. */
export interface GunicornCommandSite {
  readonly command: GunicornCommand;
  /** What holds it, for messages: "ExecStart=", "Procfile", "shell command". */
  readonly holder: string;
  /** For units: the assignment it is the value of. */
  readonly entry?: UnitEntry;
}

/** A parsed document: every model its kind has, each with exact spans. */
export interface ParsedDocument {
  readonly path: string;
  readonly kind: FileKind;
  readonly source: SourceText;
  readonly version?: number;
  readonly gunicornConfig?: GunicornConfig;
  readonly gunicornCommands: readonly GunicornCommandSite[];
  readonly unit?: UnitFile;
  readonly nginx?: NginxFile;
  readonly comments: readonly Comment[];
  /** Where the file is not valid UTF-8. */
  readonly encodingProblems: readonly SyntaxProblem[];
  /** Where the parser's reading becomes a guess (NginxFile.guessedFrom): no fix edits past it. */
  readonly guessedFrom?: number;
}

/**
 * Parses a document. `previous`, an earlier version of the same document, lets a parser
 * reuse what the edit did not touch (the Python, nginx and unit parsers do). It is handed
 * over: the nginx and unit parsers move the offsets of what follows the edit in place, so
 * the caller must not read `previous` afterwards.
 */
export function parseDocument(input: DocumentInput, knowledge: Knowledge, previous?: ParsedDocument): ParsedDocument {
  const source = new SourceText(input.text);
  const base = {
    path: input.path,
    kind: input.kind,
    source,
    ...(input.version !== undefined ? { version: input.version } : {}),
    encodingProblems: (input.invalidUtf8At ?? []).map((offset) => ({
      span: { start: offset, end: offset + 1 },
      message: 'Not valid UTF-8',
    })),
  };
  switch (input.kind) {
    case 'gunicorn': {
      if (input.path.endsWith('.py')) {
        const config = parseGunicornConfig(input.text, previous?.path === input.path ? previous.gunicornConfig : undefined);
        return { ...base, gunicornConfig: config, gunicornCommands: [], comments: config.comments };
      }
      return { ...base, gunicornCommands: gunicornCommandsInScript(input.text, holderName(input.path), knowledge.gunicorn), comments: [] };
    }
    case 'systemd': {
      const unit = previous?.path === input.path && previous.unit ? reparseUnit({ text: previous.source.text, unit: previous.unit }, input.text) : parseUnit(input.text);
      return { ...base, unit, gunicornCommands: gunicornCommandsInUnit(input.text, unit, knowledge.gunicorn), comments: unit.comments };
    }
    case 'nginx': {
      const nginx =
        previous?.path === input.path && previous.nginx ? reparseNginx({ text: previous.source.text, file: previous.nginx }, input.text).file : parseNginx(input.text);
      return { ...base, nginx, gunicornCommands: [], comments: nginx.comments, ...(nginx.guessedFrom !== undefined ? { guessedFrom: nginx.guessedFrom } : {}) };
    }
    case 'hostspec':
      return { ...base, gunicornCommands: [], comments: [] };
  }
}

function holderName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name === 'Procfile' ? 'Procfile' : /dockerfile|containerfile/i.test(name) ? name : 'shell script';
}
