import { parseDocument, type DocumentInput, type ParsedDocument } from './engine/document';
import { hostLayersOf } from './engine/host-layers';
import { NginxView } from './engine/nginx-view';
import { lintDocuments, type FileReport } from './engine/lint';
import type { Rule } from './engine/rule';
import type { Workspace } from './engine/workspace';
import type { HostSpec } from './host/host-spec';
import { resolveHost, type Host, type HostLayer } from './host/resolve';
import type { Knowledge } from './knowledge/knowledge';
import { loadKnowledge } from './knowledge/tables';
import type { FileAccess } from './model/file-access';
import type { Severity } from './model/finding';
import { ALL_RULES } from './rules';

export interface LintRequest {
  readonly documents: readonly DocumentInput[];
  readonly files: FileAccess;
  /** What the CLI's --host or the editor's settings declare; a file's own declarations win over it. */
  readonly host?: HostSpec;
  readonly hostOrigin?: string;
  readonly severityFor?: (rule: string, path: string) => Severity | 'off' | undefined;
}

/** The core's front door for the faces: the CLI and the language server hold one each. */
export class Linter {
  readonly knowledge: Knowledge = loadKnowledge();
  readonly rules: readonly Rule[] = ALL_RULES;

  lint(request: LintRequest): FileReport[] {
    return lintDocuments(
      request.documents,
      {
        knowledge: this.knowledge,
        files: request.files,
        hostFor: (document, workspace) => this.hostFor(document, workspace, request.host, request.hostOrigin),
        rules: this.rules,
        ...(request.severityFor ? { severityFor: request.severityFor } : {}),
      },
      (input) => this.parse(input),
    );
  }

  /** Each input parsed once, however many times a run asks (a 10 MB config takes a third of a second to parse). */
  private parse(input: DocumentInput): ParsedDocument {
    let parsed = this.parsedInputs.get(input);
    if (!parsed) {
      parsed = parseDocument(input, this.knowledge);
      this.parsedInputs.set(input, parsed);
    }
    return parsed;
  }

  private readonly parsedInputs = new WeakMap<DocumentInput, ParsedDocument>();

  /**
   * The machine a document is deployed to: its own `# deploylint: host` comment, then the
   * nearest .deploylint.ini, then what the CLI or the editor declares, field by field;
   * what nobody declares is assumed (and fixes say so). Versions nobody declares are the
   * newest the tables know (nginx: the stable line).
   */
  hostFor(document: ParsedDocument, workspace: Workspace, declared?: HostSpec, origin = 'settings'): Host {
    const layers: HostLayer[] = [...hostLayersOf(document, workspace), ...(declared ? [{ spec: declared, origin }] : [])];
    return resolveHost(layers, {
      gunicorn: this.knowledge.gunicorn.release,
      systemd: this.knowledge.systemd.release,
      nginx: this.knowledge.nginx.stable,
      python: '3.13',
    });
  }

  isNginxDirective = (name: string): boolean => this.knowledge.nginx.named(name).length > 0;

  /**
   * Files the nginx documents include that are not documents themselves: checking a
   * configuration means checking what it includes, as nginx -t does. Only files the
   * FileAccess lets us read come back.
   */
  includedNginxFiles(documents: readonly DocumentInput[], files: FileAccess): string[] {
    const parsed = documents.filter((document) => document.kind === 'nginx').map((document) => this.parse(document));
    const view = new NginxView(parsed, files, (name) => this.knowledge.nginx.named(name).flatMap((entry) => entry.contexts));
    const known = new Set(documents.map((document) => document.path));
    const found = new Set<string>();
    for (const document of parsed) {
      for (const path of view.graph(document).contexts.keys()) if (!known.has(path)) found.add(path);
    }
    return [...found].sort();
  }
}
