import { pathToFileURL } from 'node:url';
import {
  AnnotatedTextEdit,
  CodeAction,
  CodeActionKind,
  CompletionItemKind,
  CreateFile,
  DiagnosticSeverity,
  InsertTextFormat,
  SymbolKind,
  TextDocumentEdit,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { ruleDocsUrl } from '../core/engine/rule-docs';
import type { CompletionEntry } from '../core/features/completion';
import type { OutlineSymbol } from '../core/features/outline';
import type { AppliedFix } from '../core/engine/fix-all';
import type { FileEdit, Finding, Fix, NewFile, Severity } from '../core/model/finding';
import { differingStretch } from '../core/text/edits';
import { SourceText } from '../core/text/source-text';
import type { WorkspaceFileChange } from './session';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.deploylint`;

export function uriOf(path: string): string {
  return path.startsWith('/') ? pathToFileURL(path).href : path;
}

export function toDiagnostic(finding: Finding): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    codeDescription: { href: ruleDocsUrl(finding.rule) },
    source: 'deploylint',
    message: finding.message,
    ...(finding.related.length > 0
      ? { relatedInformation: finding.related.map((related) => ({ location: { uri: uriOf(related.path), range: related.range }, message: related.message })) }
      : {}),
  };
}

export function toWorkspaceEdit(edits: readonly FileEdit[], creates: readonly NewFile[] = []): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) (changes[uriOf(edit.path)] ??= []).push({ range: edit.range, newText: edit.newText });
  if (creates.length === 0) return { changes };
  // Creating a file takes documentChanges, which then has to carry the text edits too.
  const start = { line: 0, character: 0 };
  return {
    documentChanges: [
      ...creates.flatMap((file) => [
        CreateFile.create(uriOf(file.path), { ignoreIfExists: true }),
        TextDocumentEdit.create({ uri: uriOf(file.path), version: null }, [{ range: { start, end: start }, newText: file.text }]),
      ]),
      ...Object.entries(changes).map(([uri, textEdits]) => TextDocumentEdit.create({ uri, version: null }, textEdits)),
    ],
  };
}

/**
 * Fix-all's changes as one edit the user confirms: each file's change is the stretch
 * between what stays the same at its start and end, annotated with the fixes it carries,
 * so the editor's preview lists them file by file.
 */
export function toConfirmedWorkspaceEdit(changes: readonly WorkspaceFileChange[], applied: readonly AppliedFix[]): WorkspaceEdit {
  const changeAnnotations: NonNullable<WorkspaceEdit['changeAnnotations']> = {};
  const documentChanges = changes.map((change, index) => {
    const titles = applied.filter((fix) => fix.path === change.path).map((fix) => fix.title);
    const id = `deploylint.fix.${index}`;
    changeAnnotations[id] = { label: `${titles.length} deploylint fix${titles.length === 1 ? '' : 'es'}`, description: titles.join('; '), needsConfirmation: true };
    const { start, endBefore, endAfter } = wholeLines(differingStretch(change.before, change.after), change.before);
    const range = new SourceText(change.before).rangeOf({ start, end: endBefore });
    return TextDocumentEdit.create({ uri: uriOf(change.path), version: change.version }, [AnnotatedTextEdit.replace(range, change.after.slice(start, endAfter), id)]);
  });
  return { documentChanges, changeAnnotations };
}

/**
 * The stretch widened to whole lines of `before`, so the preview shows lines replaced
 * rather than a cut from the middle of one line to the middle of another. What is added
 * on either side is common to both texts, so both ends move alike.
 */
function wholeLines(stretch: { start: number; endBefore: number; endAfter: number }, before: string): { start: number; endBefore: number; endAfter: number } {
  const start = before.lastIndexOf('\n', stretch.start - 1) + 1;
  const atLineStart = stretch.endBefore === 0 || before[stretch.endBefore - 1] === '\n' || stretch.endBefore === before.length;
  const lineEnd = before.indexOf('\n', stretch.endBefore);
  const extra = atLineStart ? 0 : (lineEnd === -1 ? before.length : lineEnd + 1) - stretch.endBefore;
  return { start, endBefore: stretch.endBefore + extra, endAfter: stretch.endAfter + extra };
}

export function toQuickFix(fix: Fix, diagnostic: Diagnostic): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    ...(fix.preferred ? { isPreferred: true } : {}),
    edit: toWorkspaceEdit(fix.edits, fix.creates),
  };
}

const COMPLETION_KIND: Record<CompletionEntry['kind'], CompletionItemKind> = {
  setting: CompletionItemKind.Property,
  flag: CompletionItemKind.Property,
  key: CompletionItemKind.Property,
  section: CompletionItemKind.Module,
  directive: CompletionItemKind.Keyword,
  value: CompletionItemKind.EnumMember,
  snippet: CompletionItemKind.Snippet,
};

export function toCompletionItem(entry: CompletionEntry, source: SourceText): CompletionItem {
  return {
    label: entry.label,
    kind: COMPLETION_KIND[entry.kind],
    ...(entry.detail ? { detail: entry.detail } : {}),
    ...(entry.documentation ? { documentation: { kind: 'markdown', value: entry.documentation } } : {}),
    textEdit: { range: source.rangeOf(entry.span), newText: entry.insertText ?? entry.label },
    ...(entry.insertText !== undefined ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
  };
}

const SYMBOL_KIND: Record<OutlineSymbol['kind'], SymbolKind> = {
  section: SymbolKind.Namespace,
  setting: SymbolKind.Property,
  function: SymbolKind.Function,
  block: SymbolKind.Object,
  directive: SymbolKind.Property,
};

export function toDocumentSymbol(symbol: OutlineSymbol, source: SourceText): DocumentSymbol {
  // Built iteratively: the outline depth is bounded, but keep the call stack out of it anyway.
  const convert = (node: OutlineSymbol): DocumentSymbol => ({
    name: node.name || '(unnamed)',
    ...(node.detail ? { detail: node.detail } : {}),
    kind: SYMBOL_KIND[node.kind],
    range: source.rangeOf(node.span),
    selectionRange: source.rangeOf(node.selectionSpan),
    children: [],
  });
  const root = convert(symbol);
  const pending: { node: OutlineSymbol; into: DocumentSymbol }[] = [{ node: symbol, into: root }];
  while (pending.length > 0) {
    const { node, into } = pending.pop()!;
    for (const child of node.children) {
      const converted = convert(child);
      into.children!.push(converted);
      pending.push({ node: child, into: converted });
    }
  }
  return root;
}
