import { dirName } from '../../engine/deployed-paths';
import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import { availableIn, versionGap } from '../../knowledge/knowledge';
import type { GunicornWorkerClass } from '../../knowledge/types';
import { compareVersions } from '../../model/version';
import { effectiveWorkerClass } from './run-settings';
import { setSettings } from './setting-edits';
import { describeLayout, layoutSettings, proposedLayout } from './sized-layout';
import { declareHostFixes, sizedTitle } from '../sized-fixes';
import { useSpan } from './use-span';

/** Files that list what a project installs; a worker's package missing from all of them is worth a word. */
const REQUIREMENT_FILES = ['requirements.txt', 'requirements/production.txt', 'requirements/prod.txt', 'pyproject.toml', 'Pipfile', 'setup.cfg'];

export const workerClassUnavailable: Rule = {
  id: 'gunicorn/worker-class-unavailable',
  severity: 'error',
  summary: 'A worker class the target gunicorn does not have (eventlet from 26), or whose package the project does not install',

  gunicornRun(run, context) {
    const choice = effectiveWorkerClass(run, context);
    const known = choice?.known;
    if (!choice?.use || !known) return;
    const target = context.targets.gunicorn;
    const span = useSpan(choice.use, 'value');
    if (!availableIn(known, target)) {
      context.report({
        document: choice.use.document,
        span,
        message: `The ${known.name} worker is not in gunicorn ${target} (${versionGap(known, target)}; ${context.targets.origin}): gunicorn cannot start`,
        fixes: replacements(run, known, context),
      });
      return;
    }
    if (known.deprecated && compareVersions(target, known.deprecated) >= 0) {
      context.report({
        document: choice.use.document,
        span,
        severity: 'warning',
        message: `The ${known.name} worker is deprecated since gunicorn ${known.deprecated}${known.removed ? ` and removed in ${known.removed}` : ''}: plan the move before upgrading`,
        fixes: replacements(run, known, context),
      });
      return;
    }
    const missing = known.requires ? missingRequirement(run, known.requires, context) : undefined;
    if (missing) {
      context.report({
        document: choice.use.document,
        span,
        severity: 'warning',
        message: `The ${known.name} worker needs the ${known.requires} package, which ${missing} does not list: gunicorn fails to load the worker`,
        fixes: replacements(run, known, context),
      });
    }
  },
};

/** gevent keeps green-thread semantics (eventlet's closest kin); gthread needs no extra package. */
function replacements(run: GunicornRun, current: GunicornWorkerClass, context: RuleContext): FixDraft[] {
  const fixes: FixDraft[] = [];
  const gevent = context.knowledge.gunicorn.workerClass('gevent');
  if (current.name !== 'gevent' && gevent && availableIn(gevent, context.targets.gunicorn) && current.requires) {
    fixes.push({ title: 'Use the gevent worker (install gevent)', safe: false, edits: setSettings(run, [['worker_class', { kind: 'string', value: 'gevent' }]], context) });
  }
  const plan = proposedLayout(run, context);
  if (plan.workerClass === 'gthread') {
    fixes.push({ title: sizedTitle(`Use ${describeLayout(plan)}`, plan.arithmetic, context), safe: false, edits: setSettings(run, layoutSettings(plan), context) }, ...declareHostFixes(context));
  }
  return fixes;
}

/** The requirements file beside the run's files that leaves the package out, or undefined when none says either way. */
function missingRequirement(run: GunicornRun, pythonPackage: string, context: RuleContext): string | undefined {
  const folders = new Set([run.launcher, run.config].filter((document) => document !== undefined).map((document) => dirName(document.path)));
  const listed = new RegExp(`(^|[\\s"'\\[,])${pythonPackage}(\\b|$)`, 'im');
  for (const folder of folders) {
    for (const name of REQUIREMENT_FILES) {
      const read = context.workspace.files.read(`${folder}/${name}`);
      if (read.ok) return listed.test(read.text) ? undefined : name;
    }
  }
  return undefined;
}
