import type { Comment } from '../formats/common';
import type { Span } from '../text/source-text';
import type { HostSpec, Program } from './host-spec';
import { readHostValue, type HostSpecProblem } from './ini-file';
import { parseVersion } from '../model/version';

const MARKER = /^\s*deploylint:\s*host\b/;
const PROGRAMS: readonly string[] = ['gunicorn', 'systemd', 'nginx', 'python'];

/**
 * `# deploylint: host cpus=1 memory=1G distro=debian-12`: a file declaring its own machine.
 * Pairs are separated by spaces or commas; the keys are those of .deploylint.ini's [host],
 * [app] and [versions].
 */
export function hostComment(comments: readonly Comment[]): { spec: HostSpec; span: Span; problems: HostSpecProblem[] } | undefined {
  const comment = comments.find((candidate) => MARKER.test(candidate.text));
  if (!comment) return undefined;
  const marker = MARKER.exec(comment.text)!;
  // The comment's text starts right after its marker character(s).
  const textStart = comment.span.end - comment.text.length;
  let spec: HostSpec = { versions: {} };
  const problems: HostSpecProblem[] = [];
  const pairs = /([^\s,=]+)=([^\s,]*)/g;
  const body = comment.text.slice(marker[0].length);
  for (let match = pairs.exec(body); match; match = pairs.exec(body)) {
    const [, key, value] = match as unknown as [string, string, string];
    const start = textStart + marker[0].length + match.index;
    const span = { start, end: start + match[0].length };
    if (PROGRAMS.includes(key)) {
      if (parseVersion(value)) spec = { ...spec, versions: { ...spec.versions, [key as Program]: value } };
      else problems.push({ span, message: `${key} must be a version such as 1.22 or 252, not "${value}"`, rule: 'hostspec/invalid-value', severity: 'error' });
      continue;
    }
    const read = readHostValue(key, value);
    if ('error' in read) problems.push({ span, message: read.error, rule: key.match(/^(cpus|memory|worker_memory|distro|container|workload)$/) ? 'hostspec/invalid-value' : 'hostspec/unknown-key', severity: 'error' });
    else spec = { ...spec, ...read };
  }
  return { spec, span: comment.span, problems };
}
