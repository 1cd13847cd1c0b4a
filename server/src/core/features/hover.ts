import type { ParsedDocument } from '../engine/document';
import type { Workspace } from '../engine/workspace';
import { contextOf } from '../formats/nginx/context';
import { walkNginx } from '../formats/nginx/walk';
import type { Host } from '../host/resolve';
import { availableIn, type Knowledge } from '../knowledge/knowledge';
import type { GunicornSetting, NginxDirective as DirectiveEntry, SystemdDirective } from '../knowledge/types';
import type { Targets } from '../model/targets';
import type { Span } from '../text/source-text';

export interface HoverInfo {
  /** Markdown. */
  readonly contents: string;
  readonly span: Span;
}

export interface FeatureContext {
  readonly document: ParsedDocument;
  readonly workspace: Workspace;
  readonly knowledge: Knowledge;
  readonly targets: Targets;
  /** The machine the document is deployed to, which sized completions are sized for. */
  readonly host: Host;
}

/** What the thing under the cursor is: a setting, a unit key, a directive; where the file sits. */
export function hoverAt(context: FeatureContext, offset: number): HoverInfo | undefined {
  const { document } = context;
  return gunicornHover(context, offset) ?? (document.unit ? systemdHover(context, offset) : undefined) ?? (document.nginx ? nginxHover(context, offset) : undefined);
}

const inside = (span: Span, offset: number) => span.start <= offset && offset <= span.end;

function gunicornHover(context: FeatureContext, offset: number): HoverInfo | undefined {
  const gunicorn = context.knowledge.gunicorn;
  const configPath = configPathHover(context, offset);
  if (configPath) return configPath;
  for (const binding of context.document.gunicornConfig?.bindings ?? []) {
    if (!inside(binding.nameSpan, offset)) continue;
    const setting = gunicorn.setting(binding.name);
    return setting ? { contents: describeSetting(setting, context.targets.gunicorn), span: binding.nameSpan } : undefined;
  }
  for (const site of context.document.gunicornCommands) {
    for (const option of site.command.options) {
      if (!inside(option.flagSpan, offset)) continue;
      const setting = gunicorn.setting(option.spec.setting);
      return setting ? { contents: describeSetting(setting, context.targets.gunicorn), span: option.flagSpan } : undefined;
    }
  }
  return undefined;
}

/**
 * On a `-c` path of a command line: the workspace file deploylint reads as that config, and
 * how it was matched, or that none matched (then the run is judged without the file's
 * settings, and the reader should know it).
 */
function configPathHover(context: FeatureContext, offset: number): HoverInfo | undefined {
  for (const run of context.workspace.runsOf(context.document)) {
    const written = run.configLink?.written;
    if (run.launcher !== context.document || !written || !inside(written.span, offset)) continue;
    const link = run.configLink!;
    const deployed = link.deployedPath === written.text ? '' : ` (on the server: \`${link.deployedPath}\`)`;
    const contents = link.match
      ? `**gunicorn config** \`${written.text}\`${deployed}\n\nRead from \`${link.match.path}\` in the workspace, matched by ${link.match.how}.`
      : `**gunicorn config** \`${written.text}\`${deployed}\n\nNo file in the workspace matched it (by path, relative path or unique name): this run is checked with the command line's settings only.`;
    return { contents, span: written.span };
  }
  return undefined;
}

function describeSetting(setting: GunicornSetting, release: string): string {
  const facts = [
    `type: ${setting.type}`,
    `default: \`${setting.defaultText}\``,
    setting.flags.length > 0 ? `flags: ${setting.flags.map((flag) => `\`${flag}\``).join(', ')}` : 'config file only',
    setting.since ? `since gunicorn ${setting.since}` : undefined,
    setting.removed ? `removed in ${setting.removed}` : undefined,
  ].filter(Boolean);
  const warning = availableIn(setting, release) ? '' : `\n\n⚠ Not in gunicorn ${release}.`;
  return `**${setting.name}** (gunicorn setting)\n\n${setting.summary}\n\n${facts.join(' · ')}${warning}\n\n[Documentation](${setting.docs})`;
}

function systemdHover(context: FeatureContext, offset: number): HoverInfo | undefined {
  for (const section of context.document.unit!.sections) {
    for (const entry of section.entries) {
      if (!inside(entry.keySpan, offset)) continue;
      const directive = context.knowledge.systemd.directive(section.name, entry.key);
      if (!directive) return undefined;
      return { contents: describeUnitKey(directive, section.name, context.targets.systemd), span: entry.keySpan };
    }
  }
  return undefined;
}

function describeUnitKey(directive: SystemdDirective, section: string, release: string): string {
  const facts = [
    `[${section}]`,
    `type: ${directive.type}`,
    directive.values ? `values: ${directive.values.map((value) => `\`${value}\``).join(', ')}` : undefined,
    directive.accumulates ? 'may be repeated (an empty value resets)' : 'one value (the last counts)',
    directive.since ? `since systemd ${directive.since}` : undefined,
    directive.deprecated ? `deprecated since ${directive.deprecated}${directive.replacement ? `: use ${directive.replacement}=` : ''}` : undefined,
    directive.removed ? `ignored or gone from ${directive.removed}` : undefined,
  ].filter(Boolean);
  const warning = availableIn(directive, release) ? '' : `\n\n⚠ Not in systemd ${release}.`;
  return `**${directive.name}=** (systemd)\n\n${directive.summary}\n\n${facts.join(' · ')}${warning}\n\n[Documentation](${directive.docs})`;
}

function nginxHover(context: FeatureContext, offset: number): HoverInfo | undefined {
  const { document, workspace } = context;
  const placement = workspace.nginx.placement(document);
  let found: HoverInfo | undefined;
  walkNginx(document.nginx!.directives, (directive, ancestors) => {
    if (found || !inside(directive.nameSpan, offset)) return;
    const where = contextOf([...placement.chain, ...ancestors.map((ancestor) => ancestor.name)]);
    const entries = context.knowledge.nginx.named(directive.name);
    const entry = (where && where !== 'opaque' ? entries.find((candidate) => candidate.contexts.includes(where)) : undefined) ?? entries[0];
    if (entry) found = { contents: describeDirective(entry, context.targets.nginx), span: directive.nameSpan };
  });
  if (found) return found;
  // On the first line: which context the file is read in, and why.
  if (document.source.positionAt(offset).line === 0) {
    const where = placement.chain.length > 0 ? placement.chain.join(' > ') : 'the main context';
    return { contents: `**nginx file** read in ${where}\n\n${placement.reason}.`, span: { start: 0, end: document.source.lineEnd(0) } };
  }
  return undefined;
}

const ARITY_TEXT: Readonly<Record<string, string>> = {
  NOARGS: 'no arguments',
  FLAG: 'on | off',
  '1MORE': 'one or more arguments',
  '2MORE': 'two or more arguments',
  ANY: 'any arguments',
};

function describeDirective(entry: DirectiveEntry, release: string): string {
  const arity = entry.arity.map((form) => ARITY_TEXT[form] ?? `${form.slice(4).split('').join(' or ')} argument(s)`).join('; ');
  const facts = [
    `module: ${entry.module}`,
    `context: ${entry.contexts.join(', ')}`,
    arity,
    entry.repeatable ? 'may repeat' : 'once per block',
    entry.since ? `since nginx ${entry.since}` : undefined,
    entry.deprecated ? `deprecated since ${entry.deprecated}` : undefined,
    entry.removed ? `removed in ${entry.removed}` : undefined,
  ].filter(Boolean);
  const warning = availableIn(entry, release) ? '' : `\n\n⚠ Not in nginx ${release}.`;
  return `**${entry.name}** (nginx)\n\n${entry.summary}\n\n${facts.join(' · ')}${warning}\n\n[Documentation](${entry.docs})`;
}
