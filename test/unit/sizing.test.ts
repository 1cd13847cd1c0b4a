import assert from 'node:assert/strict';
import { maxRequestsJitter, memoryPlan, memoryWorkers, singleWorkerPlan, tasksMax, timeoutAbove, workerPlan, type SizingInput } from '../../server/src/core/host/sizing';

const GiB = 1024;

/** The worked examples of docs/sizing.md (from the seed documents). */
describe('sizing model: the worked examples', () => {
  it('1 CPU, 1 GiB, io (seed 004): 512M/400M, 3 fit in memory, 2 gthread workers × 2 threads', () => {
    const plan = memoryPlan(1 * GiB);
    assert.equal(plan.reserve.value, 256);
    assert.equal(plan.usable.value, 768);
    assert.equal(plan.memoryMax.value, 512);
    assert.equal(plan.memoryHigh.value, 400, '409.6 rounded down to 16');
    const input: SizingInput = { cpus: 1, memoryMiB: GiB, workerMemoryMiB: 100, workload: 'io' };
    assert.equal(memoryWorkers(plan.memoryHigh.value, 100).value, 3);
    const workers = workerPlan(input, plan.memoryHigh.value);
    assert.deepEqual([workers.workers, workers.threads, workers.workerClass], [2, 2, 'gthread']);
    assert.equal(workers.arithmetic, 'workers = min(1 + 1, memory (400M − 50M master) / 100M per worker = 3) = 2; threads = 4 × 1 io requests / 2 = 2');
  });

  it('1 CPU, 1 GiB, cpu (seed 004): 3 sync workers', () => {
    const workers = workerPlan({ cpus: 1, memoryMiB: GiB, workerMemoryMiB: 100, workload: 'cpu' }, memoryPlan(GiB).memoryHigh.value);
    assert.deepEqual([workers.workers, workers.threads, workers.workerClass], [3, 1, 'sync']);
    assert.equal(workers.arithmetic, 'workers = min(2 × 1 CPU + 1 = 3, memory (400M − 50M master) / 100M per worker = 3)');
  });

  it('4 CPUs, 1 GiB, an app that runs a UDP receiver (seed 000): 1 worker, 8 threads, TasksMax 100', () => {
    const plan = memoryPlan(GiB);
    assert.deepEqual([plan.memoryMax.value, plan.memoryHigh.value], [512, 400]);
    const workers = singleWorkerPlan(4);
    assert.deepEqual([workers.workers, workers.threads, workers.workerClass], [1, 8, 'gthread']);
    assert.equal(tasksMax(workers.workers, workers.threads).value, 100);
  });

  it('4 CPUs, 1 GiB, 250 MiB workers (seed 001): memory holds 1 worker, not the 4 configured', () => {
    const budget = memoryPlan(GiB).memoryHigh.value;
    assert.ok(4 * 250 > budget - 50);
    assert.equal(memoryWorkers(budget, 250).value, 1);
  });

  it('4 CPUs, 8 GiB, cpu (seed 003): --workers 9 is exactly what the model proposes', () => {
    const plan = memoryPlan(8 * GiB);
    const workers = workerPlan({ cpus: 4, memoryMiB: 8 * GiB, workerMemoryMiB: 100, workload: 'cpu' }, plan.memoryHigh.value);
    assert.equal(workers.workers, 9);
  });
});

describe('sizing model: the other formulas', () => {
  it('mixed workload aims at 2 × cpus + 1 concurrent requests', () => {
    const workers = workerPlan({ cpus: 2, memoryMiB: 4 * GiB, workerMemoryMiB: 100, workload: 'mixed' }, memoryPlan(4 * GiB).memoryHigh.value);
    assert.deepEqual([workers.workers, workers.threads], [3, 2]);
  });

  it('at least one worker even when a worker does not fit the budget', () => {
    assert.equal(memoryWorkers(100, 400).value, 1);
    assert.equal(workerPlan({ cpus: 8, memoryMiB: 512, workerMemoryMiB: 400, workload: 'io' }, memoryPlan(512).memoryHigh.value).workers, 1);
  });

  it('threads stay between 2 and 8', () => {
    assert.equal(singleWorkerPlan(1).threads, 4);
    assert.equal(singleWorkerPlan(32).threads, 8);
    assert.equal(workerPlan({ cpus: 64, memoryMiB: 256 * GiB, workerMemoryMiB: 100, workload: 'io' }, 100_000).threads, 4);
  });

  it('limits never fall below a floor on a tiny machine', () => {
    const plan = memoryPlan(256);
    assert.equal(plan.memoryMax.value, 64);
    assert.equal(plan.memoryHigh.value, 48);
  });

  it('TasksMax grows with workers × threads past the floor of 100', () => {
    assert.deepEqual(tasksMax(9, 8), { value: 200, arithmetic: 'max(100, 2 × (1 + 9 × (8 + 3))) = 200' });
  });

  it('jitter is a tenth of max_requests; timeouts get 5 s of margin', () => {
    assert.deepEqual(maxRequestsJitter(1000), { value: 100, arithmetic: '1000 / 10 = 100' });
    assert.deepEqual(timeoutAbove(30), { value: 35, arithmetic: '30 s + 5 s = 35 s' });
  });

  it('prints sizes the way systemd reads them', () => {
    assert.equal(memoryPlan(2 * GiB).memoryMax.arithmetic, '⅔ of 1.7G usable = 1152M');
  });
});
