// Runs lint jobs on worker threads (or in-process) and hands the results back IN INPUT ORDER, with a
// bounded number of files in flight: the output is the same whatever --jobs is, and memory does not
// grow with the fleet (at most `window` files are read, linted or waiting for an earlier one).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { lintJob, type LintRequest, type LintResponse } from './lintJob';

/** dist/cli-worker.js beside the bundle; undefined when running from sources (tests under tsx). */
export function workerEntry(): string | undefined {
  const dir = typeof __dirname === 'string' ? __dirname : undefined;
  if (!dir) return undefined;
  const p = path.join(dir, 'cli-worker.js');
  return fs.existsSync(p) ? p : undefined;
}

export interface JobRunner {
  run(req: LintRequest): Promise<LintResponse>;
  close(): Promise<void>;
}

/** In-process: lint on the main thread, yielding to the event loop between files (output keeps flowing). */
export function inProcessRunner(): JobRunner {
  return {
    run: (req) => new Promise((resolve) => setImmediate(() => resolve(lintJob(req)))),
    close: async () => {},
  };
}

/** Files above this size are linted one at a time (see workerRunner). */
export const BIG_FILE_BYTES = 256 * 1024;

/** Files in flight (read, linted, or done and waiting for an earlier one) for `jobs` threads. */
export function windowFor(jobs: number): number {
  // Results are findings only (small); a window much longer than the number of threads lets the other
  // workers go on while one lints a big file that heads the output order.
  return Math.max(64, jobs * 32);
}

interface Pending {
  resolve(r: LintResponse): void;
  reject(e: Error): void;
  req: LintRequest;
}

interface Slot {
  worker: Worker;
  inFlight: number;
}

type Message = { id: number; res?: LintResponse; crash?: string };

/** Files a worker holds at once: the one it lints and the next, so it never waits for a message. */
const PER_WORKER = 2;

/**
 * Heap limits of a lint worker. The young generation is what a lint allocates in: small enough that
 * `jobs` workers stay within a CI runner's memory, large enough that most of a small file's garbage dies
 * there. The old generation limit is a safety net: a file that needs more is linted again on the main
 * thread, with node's own limits (see `runOn`).
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 512 };

/**
 * `jobs` worker threads; the main thread only reads folders, schedules and prints (a main thread that
 * lints too holds back every worker's result while it lints, and the workers idle). Each worker holds
 * up to two files. Big files (over BIG_FILE_BYTES) are started first, one at a time across all workers:
 * a lint's memory grows with its file, so two at once would double the peak. A worker that runs out of
 * heap is replaced and its file linted on the main thread.
 */
export function workerRunner(entry: string, jobs: number): JobRunner {
  const slots: Slot[] = [];
  const pending = new Map<number, Pending & { slot: Slot; big: boolean }>();
  const queue: Array<{ id: number } & Pending> = [];
  let bigInFlight = 0;
  let nextId = 0;
  let closed = false;

  const isBig = (req: LintRequest) => (req.size ?? 0) > BIG_FILE_BYTES;

  const settle = (id: number): (Pending & { slot: Slot; big: boolean }) | undefined => {
    const p = pending.get(id);
    if (!p) return undefined;
    pending.delete(id);
    p.slot.inFlight--;
    if (p.big) bigInFlight--;
    return p;
  };

  const onMessage = (msg: Message) => {
    const p = settle(msg.id);
    if (!p) return;
    if (msg.res) p.resolve(msg.res);
    else p.reject(new Error(`linting ${p.req.display} failed: ${msg.crash}`));
    pump();
  };

  const pick = (): number => {
    if (bigInFlight === 0) {
      const b = queue.findIndex((q) => isBig(q.req));
      if (b >= 0) return b;
    }
    return queue.findIndex((q) => !isBig(q.req));
  };

  const pump = () => {
    while (queue.length > 0 && !closed) {
      let target: Slot | undefined;
      for (const s of slots) if (s.inFlight < PER_WORKER && (!target || s.inFlight < target.inFlight)) target = s;
      if ((!target || target.inFlight > 0) && slots.length < jobs) target = spawn();
      if (!target) return;
      const i = pick();
      if (i < 0) return;
      const [job] = queue.splice(i, 1);
      const big = isBig(job.req);
      if (big) bigInFlight++;
      target.inFlight++;
      pending.set(job.id, { ...job, slot: target, big });
      target.worker.postMessage({ id: job.id, req: job.req });
    }
  };

  const spawn = (): Slot => {
    const worker = new Worker(entry, { stdout: false, stderr: false, resourceLimits: WORKER_LIMITS });
    const slot: Slot = { worker, inFlight: 0 };
    worker.on('message', (msg: Message) => onMessage(msg));
    let dead = false;
    const die = (e: Error & { code?: string }) => {
      if (dead) return;
      dead = true;
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      for (const [id, p] of [...pending]) {
        if (p.slot !== slot) continue;
        settle(id);
        if (oom) {
          // lint it here, with node's own heap limits (the file needed more than a worker may hold)
          setImmediate(() => {
            try {
              p.resolve(lintJob(p.req));
            } catch (err) {
              p.reject(new Error(`linting ${p.req.display} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
            }
          });
        } else p.reject(new Error(`a worker thread stopped while linting ${p.req.display}: ${e.message}`));
      }
      pump();
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(code !== 0 ? `exit code ${code}` : 'exited')));
    slots.push(slot);
    return slot;
  };

  return {
    run(req) {
      return new Promise<LintResponse>((resolve, reject) => {
        queue.push({ id: nextId++, req, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      const workers = slots.splice(0);
      await Promise.all(workers.map((s) => s.worker.terminate()));
    },
  };
}

/**
 * Feeds `source` through `runner`, calling `emit` for each item in source order as soon as it and every
 * earlier item are done. At most `window` items are in flight (read, linted or waiting to be emitted).
 * `prepare` turns a source item into a request, or into a ready response (a cache hit, stdin) that
 * needs no worker.
 */
export async function runOrdered<T>(
  source: AsyncIterable<T>,
  runner: JobRunner,
  window: number,
  prepare: (item: T) => Promise<LintRequest | { ready: LintResponse }>,
  emit: (item: T, res: LintResponse) => Promise<void> | void,
): Promise<void> {
  const fifo: Array<{ item: T; done: boolean; res?: LintResponse; err?: unknown; promise: Promise<void> }> = [];
  const flushReady = async () => {
    while (fifo.length > 0 && fifo[0].done) {
      const h = fifo.shift()!;
      if (h.err !== undefined) throw h.err;
      await emit(h.item, h.res!);
    }
  };
  for await (const item of source) {
    const prepared = await prepare(item);
    const entry = { item, done: false } as (typeof fifo)[number];
    const p: Promise<LintResponse> = 'ready' in prepared ? Promise.resolve(prepared.ready) : runner.run(prepared);
    entry.promise = p.then(
      (res) => {
        entry.res = res;
        entry.done = true;
      },
      (err) => {
        entry.err = err;
        entry.done = true;
      },
    );
    fifo.push(entry);
    await flushReady();
    while (fifo.length >= window) {
      await fifo[0].promise;
      await flushReady();
    }
  }
  while (fifo.length > 0) {
    await fifo[0].promise;
    await flushReady();
  }
}
