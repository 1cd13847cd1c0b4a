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

/** A .deploylint.ini found for a folder. */
interface HostFile {
  readonly path: string;
  readonly text: string;
}

/** What the walk found for each folder, per run: the documents of one folder share one walk. */
const foundIn = new WeakMap<Workspace, Map<string, HostFile | undefined>>();

/** The .deploylint.ini in the document's folder or the closest folder above it that the run may read. */
export function nearestHostFile(path: string, workspace: Workspace): HostFile | undefined {
  let known = foundIn.get(workspace);
  if (!known) foundIn.set(workspace, (known = new Map()));
  const walked: string[] = [];
  let found: HostFile | undefined;
  let settled = false;
  for (let folder = dirName(path); walked.length < MAX_LEVELS; folder = dirName(folder)) {
    if (known.has(folder)) {
      found = known.get(folder);
      settled = true;
      break;
    }
    walked.push(folder);
    const candidate = `${folder === '/' ? '' : folder}/${HOST_FILE}`;
    const open = workspace.document(candidate);
    const read = open ? undefined : workspace.files.read(candidate);
    const text = open ? open.source.text : read?.ok ? read.text : undefined;
    if (text !== undefined) {
      found = { path: candidate, text };
      settled = true;
      break;
    }
    // Beyond the folders the user opened: stop, never wander the machine.
    if ((read && !read.ok && read.reason === 'outside') || folder === '/') {
      settled = true;
      break;
    }
  }
  // A walk cut short by MAX_LEVELS says nothing of the folders it passed.
  if (settled) for (const folder of walked) known.set(folder, found);
  return found;
}
