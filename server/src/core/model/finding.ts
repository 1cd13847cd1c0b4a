import type { Range } from '../text/source-text';

/**
 * What a severity promises the user:
 * - error: the file will not do what it says (the program rejects it, or silently
 *   ignores the setting);
 * - warning: it works, but hurts reliability, performance or security;
 * - info: a suggestion.
 */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export function severityRank(severity: Severity): number {
  return severity === 'error' ? 2 : severity === 'warning' ? 1 : 0;
}

/** The kinds of file deploylint reads; the CLI's JSON reports one per file. */
export type FileKind = 'gunicorn' | 'systemd' | 'nginx' | 'hostspec';

export const FILE_KINDS: readonly FileKind[] = ['gunicorn', 'systemd', 'nginx', 'hostspec'];

/** A text edit in a named file. Paths are those the documents were given under. */
export interface FileEdit {
  readonly path: string;
  readonly range: Range;
  readonly newText: string;
}

/** A file a fix brings into being, such as the .deploylint.ini that declares the machine. */
export interface NewFile {
  readonly path: string;
  readonly text: string;
}

export interface Fix {
  /** Says what the fix does, with the arithmetic when it writes computed numbers. */
  readonly title: string;
  readonly edits: readonly FileEdit[];
  /** Files the fix creates; absent for the usual fix that only edits. A file that exists already is left as it is. */
  readonly creates?: readonly NewFile[];
  /**
   * A safe fix cannot change what the deployment does beyond removing the problem, so
   * `deploylint --fix` and "fix all" apply it without asking. Renames to a guessed
   * name, or numbers a human should confirm, are not safe.
   */
  readonly safe: boolean;
  /** The fix an editor should offer first (LSP `isPreferred`). */
  readonly preferred?: boolean;
}

export interface RelatedLocation {
  readonly path: string;
  readonly range: Range;
  readonly message: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: Range;
  readonly fixes: readonly Fix[];
  readonly related: readonly RelatedLocation[];
}
