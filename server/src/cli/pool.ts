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

/** Files above this size are linted one at a time, on the main thread (see pump). */
export const BIG_FILE_BYTES = 256 * 1024;

interface Pending {
  resolve(r: LintResponse): void;
  reject(e: Error): void;
  req: LintRequest;
}

interface Slot {
  /** Undefined for the main thread's slot. */
  worker?: Worker;
  inFlight: number;
  capacity: number;
}

type Message = { id: number; res?: LintResponse; crash?: string };

/**
 * `jobs` threads: the main thread lints too (slot 0, one file at a time between its other work) and
 * `jobs - 1` worker threads take up to 2 files each, so a worker never waits for its next message. Using
 * the main thread saves one V8 isolate (its code and heap) per run: memory is what limits a CI runner.
 */
export function workerRunner(entry: string, jobs: number): JobRunner {
  const main: Slot = { inFlight: 0, capacity: 1 };
  const slots: Slot[] = [main];
  const pending = new Map<number, Pending & { slot: Slot }>();
  const queue: Array<{ id: number } & Pending> = [];
  let nextId = 0;

  const onMessage = (slot: Slot, msg: Message) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    slot.inFlight--;
    if (msg.res) p.resolve(msg.res);
    else p.reject(new Error(`linting ${p.req.display} failed: ${msg.crash}`));
    pump();
  };

  const post = (slot: Slot, id: number, req: LintRequest) => {
    if (slot.worker) {
      slot.worker.postMessage({ id, req });
      return;
    }
    setImmediate(() => {
      let msg: Message;
      try {
        msg = { id, res: lintJob(req) };
      } catch (e) {
        msg = { id, crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      }
      onMessage(slot, msg);
    });
  };

  const pump = () => {
    // Big files go to the main thread's slot, one at a time, and it takes nothing else while one waits:
    // the lint's memory grows with the file, so two big files in two isolates at once would double the peak.
    for (let i = 0; i < queue.length; ) {
      const job = queue[i];
      const big = (job.req.size ?? 0) > BIG_FILE_BYTES;
      let target: Slot | undefined;
      if (big) {
        target = main.inFlight === 0 ? main : undefined;
        if (!target) {
          i++;
          continue;
        }
      } else {
        const bigWaiting = queue.some((q, k) => k !== i && (q.req.size ?? 0) > BIG_FILE_BYTES);
        for (const s of slots) {
          if (s === main && bigWaiting) continue;
          if (s.inFlight < s.capacity && (!target || s.inFlight < target.inFlight)) target = s;
        }
        if ((!target || target.inFlight > 0) && slots.length < jobs) target = spawn();
        if (!target) return;
      }
      queue.splice(i, 1);
      target.inFlight++;
      pending.set(job.id, { ...job, slot: target });
      post(target, job.id, job.req);
    }
  };

  const spawn = (): Slot => {
    const worker = new Worker(entry, { stdout: false, stderr: false });
    const slot: Slot = { worker, inFlight: 0, capacity: 2 };
    worker.on('message', (msg: Message) => onMessage(slot, msg));
    const die = (e: Error) => {
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        pending.delete(id);
        p.reject(new Error(`a worker thread stopped while linting ${p.req.display}: ${e.message}`));
      }
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
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
      const workers = slots.splice(0).filter((s) => s.worker);
      await Promise.all(workers.map((s) => s.worker!.terminate()));
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
