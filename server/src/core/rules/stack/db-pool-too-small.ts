import type { AppModule, AppModuleFile } from '../../engine/app-modules';
import type { GunicornRun, PlacedUse } from '../../engine/gunicorn-runs';
import type { EditDraft, Rule, RuleContext } from '../../engine/rule';
import { readDatabasePools, type DatabasePoolFacts, type Insertion, type WrittenNumber, type WrittenOptions } from '../../formats/python/database-pools';
import { databaseConnections } from '../../host/sizing';
import type { Span } from '../../text/source-text';
import { effectiveNumber, effectiveWorkerClass, whereUse } from '../gunicorn/run-settings';
import { useSpan } from '../gunicorn/use-span';
import { effectiveWorkers } from '../gunicorn/worker-count';

/**
 * Each gunicorn worker is a process with its own copy of the app, and so its own database
 * pool: the pool must hand out as many connections as the worker serves requests at once
 * (its threads under gthread, its worker_connections under gevent and eventlet), or the
 * requests beyond it wait for a connection and then fail. The pool is read from the app
 * module without running it (database-pools.ts): SQLAlchemy's create_engine(), a
 * Flask-SQLAlchemy setup, psycopg2's connection pools. Django is not read: CONN_MAX_AGE
 * keeps one connection per thread open, which is no pool that can run dry.
 */
export const dbPoolTooSmall: Rule = {
  id: 'stack/db-pool-too-small',
  severity: 'warning',
  summary: "The app's database pool holds fewer connections than one gunicorn worker serves requests at once: the others wait for a connection and time out",

  gunicornRun(run, context) {
    const demand = requestsPerWorker(run, context);
    if (!demand || demand.value <= 1) return;
    const app = context.workspace.apps.ofRun(run);
    if (!app) return;
    for (const pool of poolsOf(app)) {
      if (pool.capacity >= demand.value) continue;
      const where = `${pool.described} in ${placeIn(pool.module, pool.span)}`;
      const exhausted = pool.waits
        ? 'the others wait for a connection and fail after pool_timeout (30 s by default)'
        : 'getconn() raises PoolError ("connection pool exhausted") for the others';
      const workers = effectiveWorkers(run, context)?.value ?? 1;
      context.report({
        document: demand.use.document,
        span: useSpan(demand.use),
        severity: demand.green ? 'info' : 'warning',
        message:
          `${demand.described}, but its ${pool.library} pool holds ${pool.capacity} connection${pool.capacity === 1 ? '' : 's'} (${pool.arithmetic}, ${where}): ` +
          `when more than ${pool.capacity} requests of one worker use the database at once, ${exhausted}`,
        related: [{ document: pool.module, span: pool.span, message: `the ${pool.library} pool: ${pool.arithmetic}` }],
        // Raising a green worker's pool to its worker_connections (1000 by default) would only move the queue to the database.
        fixes: demand.green
          ? []
          : [
              {
                title: `Set ${pool.sizeName}=${demand.value} in ${pool.described} (${demand.value} threads per worker, each can hold a connection${pool.headroom}; ${workers === 1 ? 'with 1 worker' : `across ${workers} workers`} the database needs max_connections ≥ ${databaseConnections(workers, demand.value).arithmetic})`,
                // The database must accept the connections every worker may now open.
                safe: false,
                preferred: true,
                edits: [pool.resize(demand.value)],
              },
            ],
      });
    }
  },
};

/** How many requests one worker serves at once, and where that is decided. */
interface Demand {
  readonly value: number;
  readonly use: PlacedUse;
  /** "Each worker serves up to 8 requests at once (threads 8, app.service:5)" */
  readonly described: string;
  /** Green threads (gevent, eventlet): the number is worker_connections. */
  readonly green: boolean;
}

/**
 * A gthread worker serves `threads` requests at once; a gevent or eventlet worker up to
 * `worker_connections` (each connection a green thread, all in one process). A sync
 * worker serves one; other classes are not judged.
 */
function requestsPerWorker(run: GunicornRun, context: RuleContext): Demand | undefined {
  const workerClass = effectiveWorkerClass(run, context);
  const running = workerClass?.running;
  if (running?.name === 'gthread') {
    const threads = effectiveNumber(run, 'threads', context);
    if (!threads?.use) return undefined;
    return { value: threads.value, use: threads.use, described: `Each worker serves up to ${threads.value} requests at once (threads ${threads.value}, ${whereUse(threads.use)})`, green: false };
  }
  if (running?.requires !== 'gevent' && running?.requires !== 'eventlet') return undefined;
  const connections = effectiveNumber(run, 'worker_connections', context);
  const use = connections?.use ?? workerClass?.use;
  if (!connections || !use) return undefined;
  const source = connections.use ? whereUse(use) : `gunicorn's default, for the ${running.name} class set on ${whereUse(use)}`;
  return { value: connections.value, use, described: `Each ${running.name} worker serves up to ${connections.value} connections at once (worker_connections ${connections.value}, ${source})`, green: true };
}

/** A pool whose size is known, in the module that sets it up. */
interface KnownPool {
  readonly module: AppModuleFile;
  readonly span: Span;
  readonly library: 'SQLAlchemy' | 'Flask-SQLAlchemy' | 'psycopg2';
  /** `create_engine()`, `ThreadedConnectionPool()`. */
  readonly described: string;
  readonly capacity: number;
  /** "pool_size 2 + max_overflow 10 (default)" */
  readonly arithmetic: string;
  /** Whether a request waits for a connection (SQLAlchemy) rather than failing at once (psycopg2). */
  readonly waits: boolean;
  readonly sizeName: string;
  /** What stays on top of the new size, for the fix's title. */
  readonly headroom: string;
  readonly resize: (size: number) => EditDraft;
}

const poolFacts = new WeakMap<AppModuleFile, DatabasePoolFacts>();

function poolFactsOf(module: AppModuleFile): DatabasePoolFacts {
  let facts = poolFacts.get(module);
  if (!facts) {
    facts = readDatabasePools(module.source.text, module.facts.importedNames);
    poolFacts.set(module, facts);
  }
  return facts;
}

function poolsOf(app: AppModule): KnownPool[] {
  const pools: KnownPool[] = [];
  for (const module of app.modules) {
    const facts = poolFactsOf(module);
    for (const engine of facts.engines) {
      // SQLite engines pool differently (one connection per thread, or none).
      if (engine.firstString?.startsWith('sqlite')) continue;
      const place: PoolPlace = { module, span: engine.span, library: 'SQLAlchemy', described: `${engine.callee}()` };
      const pool = queuePool(place, [{ module, options: engine }], module, engine.insertion);
      if (pool) pools.push(pool);
    }
    for (const psycopg of facts.psycopgPools) {
      const maxconn = psycopg.maxconn;
      if (maxconn?.value === undefined) continue;
      pools.push({
        module,
        span: psycopg.span,
        library: 'psycopg2',
        described: `${psycopg.callee.slice(psycopg.callee.lastIndexOf('.') + 1)}()`,
        capacity: maxconn.value,
        arithmetic: `maxconn ${maxconn.value}`,
        waits: false,
        sizeName: 'maxconn',
        headroom: '',
        resize: (size) => ({ document: module, span: maxconn.span, newText: String(size) }),
      });
    }
  }
  const flask = flaskPool(app);
  return flask ? [...pools, flask] : pools;
}

/** SQLAlchemy's QueuePool defaults (create_engine() and Flask-SQLAlchemy alike). */
const POOL_SIZE = 5;
const MAX_OVERFLOW = 10;

/** Options as written in one module. */
interface PlacedOptions {
  readonly module: AppModuleFile;
  readonly options: WrittenOptions;
}

/** Where a pool is set up, for messages and the related location. */
type PoolPlace = Pick<KnownPool, 'module' | 'span' | 'library' | 'described'>;

/**
 * A QueuePool from its options, read in order (a later layer wins, key by key). Undefined
 * when its size cannot be known (a value that is no literal, `**options`, a `poolclass`),
 * or when it has no limit (`pool_size=0`, `max_overflow=-1`). A new pool_size is inserted
 * where `insertion` says, in `insertInto`.
 */
function queuePool(place: PoolPlace, layers: readonly PlacedOptions[], insertInto: AppModuleFile, insertion: Insertion): KnownPool | undefined {
  if (layers.some(({ options }) => options.open || options.values.has('poolclass'))) return undefined;
  const written = (name: string): { module: AppModuleFile; number: WrittenNumber } | undefined => {
    const layer = layers.filter(({ options }) => options.values.has(name)).at(-1);
    return layer && { module: layer.module, number: layer.options.values.get(name)! };
  };
  const size = written('pool_size');
  const overflow = written('max_overflow');
  if ((size && size.number.value === undefined) || (overflow && overflow.number.value === undefined)) return undefined;
  const poolSize = size?.number.value ?? POOL_SIZE;
  const maxOverflow = overflow?.number.value ?? MAX_OVERFLOW;
  if (poolSize === 0 || maxOverflow < 0) return undefined;
  return {
    ...place,
    capacity: poolSize + maxOverflow,
    arithmetic: `pool_size ${poolSize}${size ? '' : ' (default)'} + max_overflow ${maxOverflow}${overflow ? '' : ' (default)'}`,
    waits: true,
    sizeName: 'pool_size',
    headroom: maxOverflow > 0 ? `; max_overflow ${maxOverflow} stays on top for bursts` : '',
    resize: (value) =>
      size
        ? { document: size.module, span: size.number.span, newText: String(value) }
        : { document: insertInto, span: { start: insertion.offset, end: insertion.offset }, newText: `${insertion.before}${value}${insertion.after}` },
  };
}

/**
 * A Flask-SQLAlchemy pool, its pieces gathered over the app's modules: the extension
 * (`db = SQLAlchemy(app, engine_options={...})`), then SQLALCHEMY_ENGINE_OPTIONS, which
 * overrides the extension's options key by key. Unknown when SQLALCHEMY_POOL_SIZE or
 * SQLALCHEMY_MAX_OVERFLOW is set (Flask-SQLAlchemy 2 applies them, 3.0 ignores them: the
 * installed release decides), when the database is SQLite, and when nothing in the modules
 * sets the options while the config is loaded from elsewhere.
 */
function flaskPool(app: AppModule): KnownPool | undefined {
  const all = app.modules.map((module) => ({ module, facts: poolFactsOf(module) }));
  const owner = all.find(({ facts }) => facts.flaskExtensions.length > 0);
  const extension = owner?.facts.flaskExtensions[0];
  if (!owner || !extension) return undefined;
  if (all.some(({ facts }) => facts.flaskLegacyKeys.length > 0 || facts.sqliteUri)) return undefined;
  const config = all.flatMap(({ module, facts }) => facts.flaskEngineOptions.map((options) => ({ module, written: options.options }))).at(-1);
  const given = extension.engineOptions;
  if (!config && !given && all.some(({ facts }) => facts.loadsConfig)) return undefined;
  if ((config && !config.written) || (given && !given.options)) return undefined;
  const layers: PlacedOptions[] = [
    ...(given?.options ? [{ module: owner.module, options: given.options }] : []),
    ...(config?.written ? [{ module: config.module, options: config.written }] : []),
  ];
  // A new pool_size goes into the options written last (the config's), else into the extension's call.
  const into = layers.at(-1);
  const place: PoolPlace = { module: owner.module, span: extension.span, library: 'Flask-SQLAlchemy', described: 'SQLAlchemy()' };
  return queuePool(place, layers, into?.module ?? owner.module, into?.options.insertion ?? extension.insertion);
}

/** "app.py:12" */
function placeIn(module: AppModuleFile, span: Span): string {
  return `${module.path.slice(module.path.lastIndexOf('/') + 1)}:${module.source.positionAt(span.start).line + 1}`;
}
