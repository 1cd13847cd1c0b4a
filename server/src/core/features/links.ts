import type { Span } from '../text/source-text';
import type { FeatureContext } from './hover';

export interface DocumentLink {
  readonly span: Span;
  /** Absolute path of the file the link opens. */
  readonly target: string;
}

/**
 * Paths a reader wants to follow: nginx includes (to each file they resolved to, when
 * there is one), `-c` config paths on gunicorn command lines and `EnvironmentFile=` of
 * units, when the file is among those the workspace can read.
 */
export function documentLinks(context: FeatureContext): DocumentLink[] {
  const { document, workspace } = context;
  const links: DocumentLink[] = [];
  if (document.nginx) {
    for (const site of workspace.nginx.sitesIn(document)) {
      const argument = site.directive.args[0];
      const resolved = site.targets.filter((target) => !site.failures.some((failure) => failure.path === target));
      if (argument && resolved.length === 1) links.push({ span: argument.span, target: resolved[0]! });
    }
  }
  const directory = document.path.slice(0, document.path.lastIndexOf('/'));
  const readable = (path: string) => workspace.document(path) !== undefined || workspace.files.read(path).ok;
  for (const site of document.gunicornCommands) {
    for (const option of site.command.options) {
      if (option.spec.setting !== 'config' || !option.value || !option.valueSpan) continue;
      const path = option.value.startsWith('/') ? option.value : `${directory}/${option.value.replace(/^\.\//, '')}`;
      if (readable(path)) links.push({ span: option.valueSpan, target: path });
    }
  }
  for (const section of document.unit?.sections ?? []) {
    for (const entry of section.entries) {
      if (entry.key !== 'EnvironmentFile' || entry.value === '') continue;
      const path = entry.value.replace(/^-/, '');
      if (path.startsWith('/') && readable(path)) links.push({ span: entry.valueSpan, target: path });
    }
  }
  return links;
}
