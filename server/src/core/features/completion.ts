import { contextOf } from '../formats/nginx/context';
import type { NginxDirective } from '../formats/nginx/model';
import { walkNginx } from '../formats/nginx/walk';
import { unitTypeOf } from '../formats/systemd/unit-name';
import { availableIn } from '../knowledge/knowledge';
import type { Span } from '../text/source-text';
import type { FeatureContext } from './hover';
import { templateCompletions } from './template-completions';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: 'setting' | 'flag' | 'key' | 'section' | 'directive' | 'value' | 'snippet';
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** What to insert instead of the label, in snippet syntax (placeholders the cursor visits). */
  readonly insertText?: string;
  /** The text typed so far that the completion replaces. */
  readonly span: Span;
}

const BOOLEAN_WORDS = ['yes', 'no', 'true', 'false'];

/** Names and values valid where the cursor is: settings, flags, unit keys and sections, directives, and whole-file templates. */
export function completionsAt(context: FeatureContext, offset: number): CompletionEntry[] {
  const { document } = context;
  const source = document.source;
  const lineStart = source.lineStart(source.positionAt(offset).line);
  const before = source.text.slice(lineStart, offset);
  if (document.gunicornConfig) return [...gunicornConfigCompletions(context, before, offset), ...fileTemplates(context, before, offset)];
  const flags = flagCompletions(context, before, offset);
  if (flags.length > 0) return flags;
  if (document.unit) return unitCompletions(context, before, offset);
  if (document.nginx) return nginxCompletions(context, before, offset);
  return [];
}

/**
 * The template of a whole file, filled in for the host, where one may start: on a line that
 * holds nothing but the word being typed, unindented, at the top level of the file (which
 * the caller knows for its format).
 */
function fileTemplates(context: FeatureContext, before: string, offset: number): CompletionEntry[] {
  const word = typed(before, offset, /^([A-Za-z_]*)$/);
  const source = context.document.source;
  const rest = source.text.slice(offset, source.lineEnd(source.positionAt(offset).line));
  return word && rest.trim() === '' ? templateCompletions(context, word) : [];
}

function typed(before: string, offset: number, pattern: RegExp): Span | undefined {
  const match = pattern.exec(before);
  if (!match) return undefined;
  const word = match[match.length - 1] ?? '';
  return { start: offset - word.length, end: offset };
}

function gunicornConfigCompletions(context: FeatureContext, before: string, offset: number): CompletionEntry[] {
  const gunicorn = context.knowledge.gunicorn;
  const release = context.targets.gunicorn;
  const name = typed(before, offset, /^([A-Za-z_]\w*)$/);
  if (name) {
    return gunicorn.settings
      .filter((setting) => availableIn(setting, release) && setting.type !== 'callable')
      .map((setting) => ({ label: setting.name, kind: 'setting' as const, detail: `${setting.section} · default ${setting.defaultText}`, documentation: setting.summary, span: name }));
  }
  const value = /^(\w+)\s*=\s*["']([\w.:-]*)$/.exec(before);
  const setting = value ? gunicorn.setting(value[1]!) : undefined;
  if (!value || !setting) return [];
  const span = { start: offset - value[2]!.length, end: offset };
  if (setting.name === 'worker_class') {
    return gunicorn.workerClasses
      .filter((workerClass) => availableIn(workerClass, release))
      .map((workerClass) => ({ label: workerClass.name, kind: 'value' as const, detail: workerClass.path, documentation: workerClass.summary, span }));
  }
  return (setting.choices ?? []).map((choice) => ({ label: choice, kind: 'value' as const, span }));
}

/** Long flags, after `--` in a gunicorn command line. */
function flagCompletions(context: FeatureContext, before: string, offset: number): CompletionEntry[] {
  const span = typed(before, offset, /(?:^|\s)(--[\w-]*)$/);
  if (!span || !/\bgunicorn3?\b/.test(before)) return [];
  const release = context.targets.gunicorn;
  return context.knowledge.gunicorn.settings
    .filter((setting) => availableIn(setting, release))
    .flatMap((setting) =>
      setting.flags
        .filter((flag) => flag.startsWith('--'))
        .map((flag) => ({ label: flag, kind: 'flag' as const, detail: setting.name, documentation: setting.summary, span })),
    );
}

function unitCompletions(context: FeatureContext, before: string, offset: number): CompletionEntry[] {
  const systemd = context.knowledge.systemd;
  const release = context.targets.systemd;
  const sectionPrefix = typed(before, offset, /^\s*\[([A-Za-z]*)$/);
  if (sectionPrefix) {
    const sections = systemd.sectionsOf(unitTypeOf(context.document.path) ?? 'service') ?? [];
    return sections.map((section) => ({ label: section, kind: 'section' as const, span: sectionPrefix }));
  }
  const section = currentSection(context, offset);
  // Above the first section: where a whole unit may be inserted.
  if (!section) return fileTemplates(context, before, offset);
  const key = typed(before, offset, /^\s*([A-Za-z]*)$/);
  if (key) {
    return systemd
      .namesIn(section)
      .map((name) => systemd.directive(section, name)!)
      .filter((directive) => availableIn(directive, release) && !directive.deprecated)
      .map((directive) => ({ label: directive.name, kind: 'key' as const, detail: `[${section}] ${directive.type}`, documentation: directive.summary, span: key }));
  }
  const assignment = /^\s*([A-Za-z]+)=(\S*)$/.exec(before);
  if (!assignment) return [];
  const directive = systemd.directive(section, assignment[1]!);
  const span = { start: offset - assignment[2]!.length, end: offset };
  const words = directive?.type === 'boolean' ? BOOLEAN_WORDS : [...(directive?.values ?? []), ...(directive?.acceptsBoolean ? BOOLEAN_WORDS : [])];
  return [...new Set(words)].map((word) => ({ label: word, kind: 'value' as const, span }));
}

function currentSection(context: FeatureContext, offset: number): string | undefined {
  let name: string | undefined;
  for (const section of context.document.unit!.sections) {
    if (section.headerSpan.start <= offset) name = section.name;
  }
  return name;
}

function nginxCompletions(context: FeatureContext, before: string, offset: number): CompletionEntry[] {
  const text = context.document.source.text;
  let start = offset;
  while (start > 0 && /[a-z0-9_]/.test(text[start - 1]!)) start--;
  // A directive name is typed at the start of a statement: after ; { } or at a line start.
  let previous = start - 1;
  while (previous >= 0 && (text[previous] === ' ' || text[previous] === '\t')) previous--;
  if (previous >= 0 && !';{}\n\r'.includes(text[previous]!)) return [];
  const where = contextOf([...context.workspace.nginx.placement(context.document).chain, ...blocksAround(context, offset).map((block) => block.name)]);
  if (where === undefined || where === 'opaque') return [];
  const release = context.targets.nginx;
  const span = { start, end: offset };
  const seen = new Set<string>();
  const entries: CompletionEntry[] = [];
  for (const name of context.knowledge.nginx.names) {
    const entry = context.knowledge.nginx.availableIn(name, release).find((candidate) => candidate.contexts.includes(where));
    if (!entry || seen.has(name)) continue;
    seen.add(name);
    entries.push({ label: name, kind: 'directive', detail: entry.module, documentation: entry.summary, span });
  }
  // A site (upstream and server blocks) belongs in http.
  return where === 'http' ? [...entries, ...fileTemplates(context, before, offset)] : entries;
}

/** The block directives whose braces enclose the offset, outermost first. */
function blocksAround(context: FeatureContext, offset: number): NginxDirective[] {
  let chain: NginxDirective[] = [];
  walkNginx(context.document.nginx!.directives, (directive, ancestors) => {
    const block = directive.block;
    if (!block) return;
    const end = block.closeSpan?.start ?? context.document.source.length;
    if (block.openSpan.end <= offset && offset <= end && ancestors.length >= chain.length) chain = [...ancestors, directive];
  });
  return chain;
}
