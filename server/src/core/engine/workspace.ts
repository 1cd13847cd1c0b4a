import type { Knowledge } from '../knowledge/knowledge';
import type { FileAccess } from '../model/file-access';
import type { ParsedDocument } from './document';
import { NginxView } from './nginx-view';

/**
 * The documents of one run (a CLI invocation, or the language server's open and
 * indexed files) and the access to everything else. Rules that look beyond their own
 * document go through here.
 */
export class Workspace {
  private readonly byPath: ReadonlyMap<string, ParsedDocument>;
  /** Include graphs and placement of the nginx files. */
  readonly nginx: NginxView;

  constructor(
    documents: readonly ParsedDocument[],
    readonly files: FileAccess,
    knowledge: Knowledge,
  ) {
    this.byPath = new Map(documents.map((document) => [document.path, document]));
    this.nginx = new NginxView(documents, files, (name) => knowledge.nginx.named(name).flatMap((entry) => entry.contexts));
  }

  get documents(): IterableIterator<ParsedDocument> {
    return this.byPath.values();
  }

  document(path: string): ParsedDocument | undefined {
    return this.byPath.get(path);
  }
}
