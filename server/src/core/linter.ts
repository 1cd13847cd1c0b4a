import { parseDocument, type DocumentInput } from './engine/document';
import { NginxView } from './engine/nginx-view';
import { lintDocuments, type FileReport } from './engine/lint';
import type { Rule } from './engine/rule';
import type { HostSpec } from './host/host-spec';
import type { Knowledge } from './knowledge/knowledge';
import { loadKnowledge } from './knowledge/tables';
import type { FileAccess } from './model/file-access';
import type { Severity } from './model/finding';
import type { Targets } from './model/targets';
import { ALL_RULES } from './rules';

export interface LintRequest {
  readonly documents: readonly DocumentInput[];
  readonly files: FileAccess;
  readonly host?: HostSpec;
  readonly severityFor?: (rule: string, path: string) => Severity | 'off' | undefined;
}

/** The core's front door for the faces: the CLI and the language server hold one each. */
export class Linter {
  readonly knowledge: Knowledge = loadKnowledge();
  readonly rules: readonly Rule[] = ALL_RULES;

  lint(request: LintRequest): FileReport[] {
    return lintDocuments(request.documents, {
      knowledge: this.knowledge,
      files: request.files,
      targets: this.targetsFor(request.host),
      rules: this.rules,
      ...(request.severityFor ? { severityFor: request.severityFor } : {}),
    });
  }

  /** Declared versions win; the rest are the newest releases the tables know. */
  targetsFor(host?: HostSpec): Targets {
    const declared = host?.versions ?? {};
    return {
      gunicorn: declared.gunicorn ?? this.knowledge.gunicorn.release,
      systemd: declared.systemd ?? this.knowledge.systemd.release,
      nginx: declared.nginx ?? this.knowledge.nginx.stable,
      python: declared.python ?? '3.13',
      origin: Object.keys(declared).length > 0 ? 'declared' : 'newest known',
    };
  }

  isNginxDirective = (name: string): boolean => this.knowledge.nginx.named(name).length > 0;

  /**
   * Files the nginx documents include that are not documents themselves: checking a
   * configuration means checking what it includes, as nginx -t does. Only files the
   * FileAccess lets us read come back.
   */
  includedNginxFiles(documents: readonly DocumentInput[], files: FileAccess): string[] {
    const parsed = documents.filter((document) => document.kind === 'nginx').map((document) => parseDocument(document, this.knowledge));
    const view = new NginxView(parsed, files, (name) => this.knowledge.nginx.named(name).flatMap((entry) => entry.contexts));
    const known = new Set(documents.map((document) => document.path));
    const found = new Set<string>();
    for (const document of parsed) {
      for (const path of view.graph(document).contexts.keys()) if (!known.has(path)) found.add(path);
    }
    return [...found].sort();
  }
}
