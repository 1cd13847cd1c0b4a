import type { HostLayer } from '../host/resolve';
import { hostComment } from '../host/inline';
import { parseHostIni } from '../host/ini-file';
import { dirName } from './deployed-paths';
import type { ParsedDocument } from './document';
import type { Workspace } from './workspace';

export const HOST_FILE = '.deploylint.ini';
/** Folders walked up looking for .deploylint.ini, at most. */
const MAX_LEVELS = 32;

/** The declarations that apply to a document, nearest first: its own comment, then the nearest .deploylint.ini. */
export function hostLayersOf(document: ParsedDocument, workspace: Workspace): HostLayer[] {
  const layers: HostLayer[] = [];
  const inline = hostComment(document.comments);
  if (inline) layers.push({ spec: inline.spec, origin: `the comment on line ${document.source.positionAt(inline.span.start).line + 1}` });
  const file = nearestHostFile(document.path, workspace);
  if (file) layers.push({ spec: parseHostIni(file.text).spec, origin: file.path });
  return layers;
}

/** The .deploylint.ini in the document's folder or the closest folder above it that the run may read. */
export function nearestHostFile(path: string, workspace: Workspace): { path: string; text: string } | undefined {
  let folder = dirName(path);
  for (let level = 0; level < MAX_LEVELS; level++) {
    const candidate = `${folder === '/' ? '' : folder}/${HOST_FILE}`;
    const open = workspace.document(candidate);
    if (open) return { path: candidate, text: open.source.text };
    const read = workspace.files.read(candidate);
    if (read.ok) return { path: candidate, text: read.text };
    // Beyond the folders the user opened: stop, never wander the machine.
    if (read.reason === 'outside' || folder === '/') return undefined;
    folder = dirName(folder);
  }
  return undefined;
}
