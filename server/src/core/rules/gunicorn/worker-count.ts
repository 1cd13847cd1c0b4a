import type { ParsedDocument } from '../../engine/document';
import { effectiveUse, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import type { EditDraft, RuleContext } from '../../engine/rule';
import { splitUnitWords } from '../../formats/systemd/exec';
import { cpuWorkers, MASTER_MIB, memoryWorkers, type Sized } from '../../host/sizing';
import type { Span } from '../../text/source-text';
import { effectiveNumber, effectiveWorkerClass } from './run-settings';
import { setSetting } from './setting-edits';
import { memoryBudget, unitMemoryBudget } from './sized-layout';
import { useSpan } from './use-span';

/*
 * What gunicorn/workers-exceed-memory, gunicorn/workers-exceed-cpu and
 * gunicorn/max-requests-without-jitter share: how many workers a run starts, where that
 * number is decided, and the two limits on it. Both limit rules judge the same number and
 * both fixes rewrite it, so which of them reports a run is decided here, once: a run gets
 * at most one finding about its worker count, with the lower of the two proposals.
 */

/** The number of workers a run starts, and the place that decides it. */
export interface WorkerCount {
  readonly value: number;
  /** Absent when it is gunicorn's default of 1 (nothing sets it). */
  readonly source?: WorkerCountSource;
}

export type WorkerCountSource =
  | { readonly kind: 'setting'; readonly use: PlacedUse }
  /** `WEB_CONCURRENCY=N` in the `Environment=` of the unit that starts gunicorn. */
  | { readonly kind: 'environment'; readonly document: ParsedDocument; readonly span: Span; readonly quote: string };

const WEB_CONCURRENCY = 'WEB_CONCURRENCY';

/**
 * `workers` as gunicorn ends up with it: the setting wherever it is written (command line,
 * GUNICORN_CMD_ARGS, config file; expressions evaluated on the declared host), else the
 * default, which is `int(os.environ.get("WEB_CONCURRENCY", 1))` (gunicorn/config.py,
 * class Workers, in 20.1 and 23.0 alike). The variable is read from the `Environment=` of
 * the unit that starts gunicorn; a script's or Dockerfile's environment is not followed, so
 * there the default counts as 1. Undefined when the value cannot be known without running
 * the app (`int(os.environ["N"])`: deploylint does not read the environment of the config file).
 */
export function effectiveWorkers(run: GunicornRun, context: RuleContext): WorkerCount | undefined {
  if (effectiveUse(run, 'workers')) {
    const workers = effectiveNumber(run, 'workers', context);
    return workers?.use ? { value: workers.value, source: { kind: 'setting', use: workers.use } } : undefined;
  }
  const fromEnvironment = webConcurrency(run);
  if (fromEnvironment === 'unknown') return undefined;
  return fromEnvironment ?? { value: 1 };
}

/** The last `WEB_CONCURRENCY=` of the unit's [Service] section (a later assignment replaces an earlier one, as systemd reads them). */
function webConcurrency(run: GunicornRun): WorkerCount | 'unknown' | undefined {
  const launcher = run.launcher;
  if (!launcher?.unit) return undefined;
  let found: WorkerCount | 'unknown' | undefined;
  for (const section of launcher.unit.sections) {
    if (section.name !== 'Service') continue;
    for (const entry of section.entries) {
      if (entry.key !== 'Environment') continue;
      // An empty Environment= resets the list.
      if (entry.value === '') found = undefined;
      if (!entry.value.includes(WEB_CONCURRENCY)) continue;
      for (const word of splitUnitWords(entry).words) {
        if (!word.text.startsWith(`${WEB_CONCURRENCY}=`)) continue;
        const written = word.text.slice(WEB_CONCURRENCY.length + 1).trim();
        // gunicorn calls int() on it: anything but digits stops it at import, which is not this rule's concern.
        const quote = /^["']/.test(word.raw) ? word.raw[0]! : '';
        found = /^\+?\d+$/.test(written) ? { value: Number(written), source: { kind: 'environment', document: launcher, span: word.span, quote } } : 'unknown';
      }
    }
  }
  return found;
}

/** What a finding about the count underlines: the setting (as use-span has it) or the `WEB_CONCURRENCY=N` word. */
export function countPlace(source: WorkerCountSource): { document: ParsedDocument; span: Span } {
  return source.kind === 'setting' ? { document: source.use.document, span: useSpan(source.use) } : { document: source.document, span: source.span };
}

/** Edits that make the run start `value` workers, at the place that decides the count now. */
export function setWorkerCount(run: GunicornRun, source: WorkerCountSource, value: number, context: RuleContext): EditDraft[] {
  if (source.kind === 'setting') return setSetting(run, 'workers', { kind: 'number', value, integer: true }, context);
  // Rewriting the variable keeps one place deciding the count; adding --workers beside it would leave a stale 8 that reads as the truth.
  return [{ document: source.document, span: source.span, newText: `${source.quote}${WEB_CONCURRENCY}=${value}${source.quote}` }];
}

/** A limit the count goes over, and what the fix proposes instead. */
export interface CountVerdict {
  readonly count: WorkerCount & { readonly source: WorkerCountSource };
  readonly proposed: Sized;
}

export interface MemoryVerdict extends CountVerdict {
  readonly perWorkerMiB: number;
  readonly neededMiB: number;
  readonly budget: Sized;
}

/**
 * The workers need more than the memory budget: `workers × worker_memory + master` above
 * the unit's MemoryHigh= (80 % of its MemoryMax=), else the MemoryHigh the model gives the
 * declared machine. Without a unit limit and without a declared memory there is no budget
 * worth judging against: the assumed 1 GiB would flag every config written for a bigger
 * machine.
 */
export function memoryVerdict(run: GunicornRun, context: RuleContext, count: WorkerCount | undefined = effectiveWorkers(run, context)): MemoryVerdict | undefined {
  if (!count?.source) return undefined;
  if (!unitMemoryBudget(run) && context.host.assumed.has('memory')) return undefined;
  const budget = memoryBudget(run, context);
  const perWorkerMiB = context.host.workerMemoryMiB;
  const neededMiB = MASTER_MIB + count.value * perWorkerMiB;
  const fit = memoryWorkers(budget.value, perWorkerMiB);
  // memoryWorkers never proposes fewer than 1: a single worker that does not fit is not something fewer workers can fix.
  if (neededMiB <= budget.value || fit.value >= count.value) return undefined;
  return { count: { value: count.value, source: count.source }, proposed: { value: fit.value, arithmetic: `workers = ${fit.arithmetic}` }, perWorkerMiB, neededMiB, budget };
}

export interface CpuVerdict extends CountVerdict {
  /** The event-loop class that makes the limit one per CPU; absent for sync and gthread. */
  readonly eventLoopClass?: string;
}

/** The classes that block a thread per request; every other class gunicorn ships runs an event loop. */
const THREAD_OR_PROCESS_CLASSES = new Set(['sync', 'gthread']);

/**
 * The most workers the declared CPUs can use:
 *
 * - sync and gthread (gthread workers are processes too, each with the GIL): gunicorn's
 *   own guidance, `2 × cpus + 1`. A process waits on I/O part of the time, so about two
 *   per CPU keep the CPUs busy; beyond that they only take turns.
 * - the event-loop classes gunicorn ships (gevent, eventlet, tornado, asgi, …): one per
 *   CPU. Such a worker does not block on I/O, so a single one already keeps a CPU busy,
 *   and a second one on the same CPU only competes with it.
 * - a class deploylint does not know (a dotted path to a third-party worker): the sync
 *   guidance, the more lenient of the two, since how it uses a CPU is unknown.
 *
 * Undefined when the CPUs are only assumed: the single assumed CPU would flag most configs.
 */
export function cpuLimit(run: GunicornRun, context: RuleContext): { limit: Sized; eventLoopClass?: string } | undefined {
  const cpus = context.host.cpus;
  if (context.host.assumed.has('cpus')) return undefined;
  const running = effectiveWorkerClass(run, context)?.running;
  if (running && !THREAD_OR_PROCESS_CLASSES.has(running.name)) {
    return { limit: { value: cpus, arithmetic: `1 ${running.name} worker per CPU × ${cpus} CPU${cpus === 1 ? '' : 's'} = ${cpus}` }, eventLoopClass: running.name };
  }
  return { limit: cpuWorkers(cpus) };
}

export function cpuVerdict(run: GunicornRun, context: RuleContext, count: WorkerCount | undefined = effectiveWorkers(run, context)): CpuVerdict | undefined {
  if (!count?.source) return undefined;
  const limit = cpuLimit(run, context);
  if (!limit || count.value <= limit.limit.value) return undefined;
  return { count: { value: count.value, source: count.source }, proposed: limit.limit, ...(limit.eventLoopClass ? { eventLoopClass: limit.eventLoopClass } : {}) };
}

/**
 * Which of the two rules reports a run whose count is over both limits: the one that
 * proposes fewer workers, since that number satisfies both limits while the other
 * satisfies only its own. On a tie the memory rule reports, because running out of
 * memory (workers killed mid-request) is the worse of the two outcomes.
 */
export function workerCountVerdict(run: GunicornRun, context: RuleContext): { memory?: MemoryVerdict; cpu?: CpuVerdict } {
  const count = effectiveWorkers(run, context);
  const memory = memoryVerdict(run, context, count);
  const cpu = cpuVerdict(run, context, count);
  if (memory && cpu) return cpu.proposed.value < memory.proposed.value ? { cpu } : { memory };
  return { ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}) };
}
