import type { GunicornCommandSite, ParsedDocument } from './document';
import type { Knowledge } from '../knowledge/knowledge';
import type { NewFile, Severity } from '../model/finding';
import type { Host } from '../host/resolve';
import type { Targets } from '../model/targets';
import type { Span } from '../text/source-text';
import type { GunicornConfig } from '../formats/gunicorn/model';
import type { NginxFile } from '../formats/nginx/model';
import type { UnitFile } from '../formats/systemd/model';
import type { GunicornRun } from './gunicorn-runs';
import type { MergedUnit } from './merged-unit';
import type { Workspace } from './workspace';

/**
 * A rule: one concern, one file under `rules/`, one docs page under `docs/rules/`.
 *
 * A rule implements the visitors for the models it cares about; the engine calls each
 * visitor once per model of that kind in every document. A gunicorn rule that checks a
 * setting implements both `gunicornConfig` and `gunicornCommand`, so the same check
 * runs whether the setting is in gunicorn.conf.py or on an `ExecStart=` line.
 */
export interface Rule {
  /** `<format>/<name>`, stable: users' CI and suppressions refer to it. */
  readonly id: string;
  readonly severity: Severity;
  /** One line for listings, SARIF and hover. */
  readonly summary: string;
  gunicornConfig?(config: GunicornConfig, context: RuleContext): void;
  gunicornCommand?(site: GunicornCommandSite, context: RuleContext): void;
  /**
   * Called for every gunicorn run the document takes part in (as launcher or config file),
   * with the settings gunicorn ends up with. Findings placed in the run's other document
   * are reported when that document is checked.
   */
  gunicornRun?(run: GunicornRun, context: RuleContext): void;
  unit?(unit: UnitFile, context: RuleContext): void;
  /**
   * Called for every service the document is part of (as its unit file or a drop-in), the
   * files merged as systemd merges them. A finding goes where the deciding assignment is
   * written (`document:`); each file reports its own.
   */
  service?(service: MergedUnit, context: RuleContext): void;
  nginx?(file: NginxFile, context: RuleContext): void;
  /** Called once per document of any kind, for rules that read the whole document. */
  document?(document: ParsedDocument, context: RuleContext): void;
}

export interface RuleContext {
  readonly document: ParsedDocument;
  readonly knowledge: Knowledge;
  /** The machine the document is deployed to, as declared (or assumed, and marked so). */
  readonly host: Host;
  /** Release of each program the files are checked against: `host.targets`. */
  readonly targets: Targets;
  /** The other documents of this run, and what links them. */
  readonly workspace: Workspace;
  report(finding: FindingDraft): void;
}

export interface FindingDraft {
  /** The document the span belongs to; the one being checked when absent. */
  readonly document?: ParsedDocument;
  readonly span: Span;
  readonly message: string;
  /** Overrides the rule's default for this finding only. */
  readonly severity?: Severity;
  readonly fixes?: readonly FixDraft[];
  readonly related?: readonly RelatedDraft[];
}

export interface FixDraft {
  readonly title: string;
  readonly safe: boolean;
  readonly preferred?: boolean;
  readonly edits: readonly EditDraft[];
  readonly creates?: readonly NewFile[];
}

export interface EditDraft {
  readonly span: Span;
  readonly newText: string;
  /** The file the span belongs to (a checked document, or a file it names, such as the app module); the reporting document when absent. */
  readonly document?: Pick<ParsedDocument, 'path' | 'source'>;
}

export interface RelatedDraft {
  /** A checked document, or another file the finding points into (the app module). */
  readonly document: Pick<ParsedDocument, 'path' | 'source'>;
  readonly span: Span;
  readonly message: string;
}
