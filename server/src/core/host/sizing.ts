/**
 * The sizing model: how many workers and threads, and which limits, fit the machine the
 * user declares. Every number a fix writes comes from here, and every result carries the
 * arithmetic that produced it, because fix titles show it (a number nobody can check is a
 * number nobody trusts). The formulas and their worked examples are in
 * docs/sizing.md; the tests reproduce that table.
 *
 * All sizes are in MiB.
 */

export type Workload = 'io' | 'cpu' | 'mixed';

/** What the model needs to know about the machine and the app. */
export interface SizingInput {
  readonly cpus: number;
  readonly memoryMiB: number;
  /** Resident memory of one worker. */
  readonly workerMemoryMiB: number;
  readonly workload: Workload;
}

/** A number with the arithmetic behind it, as a fix title prints it. */
export interface Sized {
  readonly value: number;
  readonly arithmetic: string;
}

/** Memory the gunicorn master needs beside its workers. */
export const MASTER_MIB = 50;
export const MAX_REQUESTS = 1000;
export const LIMIT_NOFILE = 65536;
/** Seconds systemd and nginx should wait beyond gunicorn's own timeouts. */
export const TIMEOUT_MARGIN_SECONDS = 5;

/** The memory a service may use on this machine, proposed for a unit that declares none. */
export interface MemoryPlan {
  readonly reserve: Sized;
  readonly usable: Sized;
  readonly memoryMax: Sized;
  readonly memoryHigh: Sized;
}

/**
 * `reserve = max(256, 15 % of memory)` for the OS, sshd, nginx and friends; the service
 * gets two thirds of the rest as its hard limit (rounded down to 64 MiB), and starts
 * being throttled at 80 % of that (rounded down to 16 MiB).
 */
export function memoryPlan(memoryMiB: number): MemoryPlan {
  const fifteenPercent = memoryMiB * 0.15;
  const reserve = Math.max(256, fifteenPercent);
  const usable = memoryMiB - reserve;
  const memoryMax = Math.max(64, roundDown((usable * 2) / 3, 64));
  const memoryHigh = Math.max(16, roundDown(memoryMax * 0.8, 16));
  return {
    reserve: { value: reserve, arithmetic: `reserve max(256M, 15% of ${mib(memoryMiB)}) = ${mib(reserve)}` },
    usable: { value: usable, arithmetic: `${mib(memoryMiB)} − ${mib(reserve)} reserve = ${mib(usable)}` },
    memoryMax: { value: memoryMax, arithmetic: `⅔ of ${mib(usable)} usable = ${mib(memoryMax)}` },
    memoryHigh: { value: memoryHigh, arithmetic: `80% of ${mib(memoryMax)} = ${mib(memoryHigh)}` },
  };
}

/** A worker layout: how many processes, how many threads each, and the class that runs them. */
export interface WorkerPlan {
  readonly workers: number;
  readonly threads: number;
  readonly workerClass: 'sync' | 'gthread';
  /** Why these numbers, for the fix title. */
  readonly arithmetic: string;
}

/** How many workers the memory budget holds: `floor((budget − master) / worker_memory)`, at least 1. */
export function memoryWorkers(budgetMiB: number, workerMemoryMiB: number): Sized {
  const value = Math.max(1, Math.floor((budgetMiB - MASTER_MIB) / workerMemoryMiB));
  return { value, arithmetic: `(${mib(budgetMiB)} − ${MASTER_MIB}M master) / ${mib(workerMemoryMiB)} per worker = ${value}` };
}

/** gunicorn's own guidance: `2 × cpus + 1`. */
export function cpuWorkers(cpus: number): Sized {
  return { value: 2 * cpus + 1, arithmetic: `2 × ${cpus} CPU${cpus === 1 ? '' : 's'} + 1 = ${2 * cpus + 1}` };
}

/**
 * The layout for an app on this machine within a memory budget (the unit's MemoryHigh=,
 * else the proposed one).
 *
 * - `cpu` workload: sync workers, `min(2 × cpus + 1, what memory holds)`.
 * - `io` and `mixed`: gthread, `min(cpus + 1, what memory holds)` processes, and threads
 *   to reach `4 × cpus` (io) or `2 × cpus + 1` (mixed) concurrent requests, 2 to 8 each.
 */
export function workerPlan(input: SizingInput, budgetMiB: number): WorkerPlan {
  const byMemory = memoryWorkers(budgetMiB, input.workerMemoryMiB);
  if (input.workload === 'cpu') {
    const byCpu = cpuWorkers(input.cpus);
    const workers = Math.min(byCpu.value, byMemory.value);
    return { workers, threads: 1, workerClass: 'sync', arithmetic: `workers = min(${byCpu.arithmetic}, memory ${byMemory.arithmetic})` };
  }
  const processes = input.cpus + 1;
  const workers = Math.min(processes, byMemory.value);
  const target = input.workload === 'io' ? 4 * input.cpus : 2 * input.cpus + 1;
  const targetText = input.workload === 'io' ? `4 × ${input.cpus}` : `2 × ${input.cpus} + 1`;
  const threads = clamp(Math.ceil(target / workers), 2, 8);
  return {
    workers,
    threads,
    workerClass: 'gthread',
    arithmetic: `workers = min(${input.cpus} + 1, memory ${byMemory.arithmetic}) = ${workers}; threads = ${targetText} ${input.workload} requests / ${workers} = ${threads}`,
  };
}

/**
 * An app that must run once per machine (a UDP receiver, an in-process scheduler,
 * Socket.IO without a message queue): one process, concurrency from threads.
 */
export function singleWorkerPlan(cpus: number): WorkerPlan {
  const threads = clamp(4 * cpus, 2, 8);
  return { workers: 1, threads, workerClass: 'gthread', arithmetic: `1 worker (the app must run once); threads = 4 × ${cpus} CPU${cpus === 1 ? '' : 's'}, 2 to 8 = ${threads}` };
}

/** `TasksMax = max(100, 2 × (1 + workers × (threads + 3)))`: the master, and per worker its threads plus a few of gunicorn's own. */
export function tasksMax(workers: number, threads: number): Sized {
  const needed = 2 * (1 + workers * (threads + 3));
  const value = Math.max(100, needed);
  return { value, arithmetic: `max(100, 2 × (1 + ${workers} × (${threads} + 3))) = ${value}` };
}

/** Jitter a tenth of max_requests, so workers do not all recycle at once. */
export function maxRequestsJitter(maxRequests: number): Sized {
  const value = Math.max(1, Math.round(maxRequests / 10));
  return { value, arithmetic: `${maxRequests} / 10 = ${value}` };
}

/** A timeout that outlasts another by the margin: `TimeoutStopSec ≥ graceful_timeout + 5 s`. */
export function timeoutAbove(seconds: number): Sized {
  const value = seconds + TIMEOUT_MARGIN_SECONDS;
  return { value, arithmetic: `${seconds} s + ${TIMEOUT_MARGIN_SECONDS} s = ${value} s` };
}

/** Database connections the app needs: `workers × threads + 5`. */
export function databaseConnections(workers: number, threads: number): Sized {
  const value = workers * threads + 5;
  return { value, arithmetic: `${workers} × ${threads} + 5 = ${value}` };
}

/** A MiB figure the way systemd and people write it: "512M", "1G", "1.5G". */
export function mib(mebibytes: number): string {
  if (mebibytes >= 1024 && (mebibytes * 10) % 1024 === 0) return `${mebibytes / 1024}G`;
  return `${Math.round(mebibytes * 10) / 10}M`;
}

function roundDown(value: number, step: number): number {
  return Math.floor(value / step) * step;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
