// Lints off the request path, for the language server: a lint runs in slices of a few milliseconds
// (`lintSteps` stops after the parse, the model and each check) with the event loop free in between, so
// requests and edits that arrive meanwhile are handled at once. One job per document; a job runs only
// while someone waits for its result (the diagnostics of the current version, or a request whose
// cancellation token is not cancelled) and only while its version is the document's current one: an
// edit or the last waiter leaving drops it at its next step. No LSP here (server.ts turns LSP
// cancellation tokens into `Cancellable`s; they have the same shape).

import type { LintOptions, LintResult } from './lint';

/** The part of an LSP CancellationToken a waiter needs. */
export interface Cancellable {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface LintJobRequest {
  uri: string;
  version: number;
  /** The text of that version. */
  text: string;
  options: LintOptions;
  /** Identity of the settings the options came from: a job for other settings is replaced. */
  settings: object;
  /** Is `version` still the document's current version? Asked before every slice. */
  isCurrent: () => boolean;
  /** The document's own stepper (its incremental lint), instead of the one the jobs were made with. */
  stepper?: LintStepper;
}

interface Job {
  req: LintJobRequest;
  steps: Generator<void, LintResult, void>;
  waiters: number;
  finished: boolean;
  listeners: Array<(r: LintResult | undefined) => void>;
}

export type LintStepper = (text: string, options: LintOptions) => Generator<void, LintResult, void>;

export class LintJobs {
  private readonly jobs = new Map<string, Job>();
  /** Lints started and lints dropped unfinished (for tests and logs). */
  started = 0;
  dropped = 0;

  constructor(
    private readonly stepper: LintStepper,
    /** Work per slice before the event loop gets a turn (ms). */
    private readonly sliceMs = 8,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /**
   * The lint of `req.version`: resolves with the result, or with undefined when the version is no
   * longer current, the job was replaced, or `token` was cancelled. Never rejects.
   */
  request(req: LintJobRequest, token?: Cancellable): Promise<LintResult | undefined> {
    if (token?.isCancellationRequested) return Promise.resolve(undefined);
    let job = this.jobs.get(req.uri);
    if (job && (job.req.version !== req.version || job.req.settings !== req.settings)) {
      this.drop(job);
      job = undefined;
    }
    if (!job) {
      job = { req, steps: (req.stepper ?? this.stepper)(req.text, req.options), waiters: 0, finished: false, listeners: [] };
      this.jobs.set(req.uri, job);
      this.started++;
      const j = job;
      setImmediate(() => this.pump(j));
    }
    const j = job;
    j.waiters++;
    return new Promise((resolve) => {
      let settled = false;
      let sub: { dispose(): void } | undefined;
      const finish = (r: LintResult | undefined) => {
        if (settled) return;
        settled = true;
        sub?.dispose();
        resolve(r);
      };
      j.listeners.push(finish);
      if (token) {
        sub = token.onCancellationRequested(() => {
          if (settled) return;
          j.waiters--;
          finish(undefined);
          // nobody else waits: the job stops at its next step
        });
      }
    });
  }

  /** Drops the document's job (closed document, changed settings). */
  cancel(uri: string): void {
    const job = this.jobs.get(uri);
    if (job) this.drop(job);
  }

  /** A job is running for `uri` (any version). */
  busy(uri: string): boolean {
    return this.jobs.has(uri);
  }

  private drop(job: Job): void {
    if (job.finished) return;
    job.finished = true;
    this.dropped++;
    if (this.jobs.get(job.req.uri) === job) this.jobs.delete(job.req.uri);
    for (const l of job.listeners.splice(0)) l(undefined);
  }

  private complete(job: Job, result: LintResult | undefined): void {
    if (job.finished) return;
    job.finished = true;
    if (this.jobs.get(job.req.uri) === job) this.jobs.delete(job.req.uri);
    for (const l of job.listeners.splice(0)) l(result);
  }

  private pump(job: Job): void {
    if (job.finished) return;
    if (job.waiters <= 0 || !job.req.isCurrent()) {
      this.drop(job);
      return;
    }
    const until = performance.now() + this.sliceMs;
    try {
      for (;;) {
        const r = job.steps.next();
        if (r.done) {
          this.complete(job, r.value);
          return;
        }
        if (performance.now() >= until) break;
      }
    } catch (e) {
      // lint contains its own failures; this is a bug in the stepping itself
      this.onError(e);
      this.complete(job, undefined);
      return;
    }
    setImmediate(() => this.pump(job));
  }
}
