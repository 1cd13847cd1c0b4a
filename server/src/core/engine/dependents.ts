import type { ParsedDocument } from './document';
import { documentsOf } from './gunicorn-runs';
import type { Workspace } from './workspace';

/**
 * The other documents whose findings may change when `document` changes: the edges of the
 * deployment graph that leave it.
 *
 * - the launcher and config file of every gunicorn run it takes part in (the unit compares
 *   its TimeoutStopSec= with the config's graceful_timeout; the config is judged with the
 *   unit's MemoryMax=);
 * - the other files of every systemd unit it is merged into (a drop-in overrides the unit);
 * - every other nginx file when it is one (includes place files inside each other);
 * - across the stack: an nginx file and the files of gunicorn runs see each other (a proxy
 *   target against the addresses gunicorn binds, proxy timeouts against gunicorn's);
 * - the programs that listen: every unit and every file of a gunicorn run sees the others
 *   (a port one service binds against another's, a socket unit's);
 * - everything, for a host file: the machine it declares applies to the whole folder.
 *
 * The language server asks this of the workspace before and after an edit, so a link the
 * edit cut (a `-c` path changed) still has its other end checked again.
 */
export function dependentsOf(document: ParsedDocument, workspace: Workspace): ParsedDocument[] {
  const all = [...workspace.documents];
  if (document.kind === 'hostspec') return all.filter((other) => other !== document);
  const found = new Set<ParsedDocument>();
  for (const run of workspace.runsOf(document)) for (const other of documentsOf(run)) found.add(other);
  for (const unit of workspace.unitsOf(document)) for (const other of unit.files) found.add(other);
  const inRuns = new Set(workspace.gunicornRuns.flatMap(documentsOf));
  if (document.nginx) {
    for (const other of all) if (other.nginx || inRuns.has(other)) found.add(other);
  } else if (inRuns.has(document)) {
    for (const other of all) if (other.nginx) found.add(other);
  }
  const listens = (candidate: ParsedDocument) => candidate.unit !== undefined || inRuns.has(candidate);
  if (listens(document)) for (const other of all) if (listens(other)) found.add(other);
  found.delete(document);
  return [...found];
}
