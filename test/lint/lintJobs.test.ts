import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, lintSteps, type LintOptions, type LintResult } from '../../server/src/lint';
import { LintJobs, type Cancellable } from '../../server/src/lintJobs';

const SCRIPT = `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s dst-port=888 protocol=tcp
add chain=input action=accept src-address-list=knock1 dst-port=22 protocol=tcp
`;

class Token implements Cancellable {
  isCancellationRequested = false;
  private listeners: Array<() => void> = [];
  onCancellationRequested(l: () => void) {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  }
  cancel() {
    this.isCancellationRequested = true;
    for (const l of this.listeners) l();
  }
}

/** A stepper that counts its steps and busy-waits `ms` in each of its `n` steps before the real lint. */
function slowStepper(n: number, ms: number, counter: { steps: number }) {
  return function* (text: string, options: LintOptions): Generator<void, LintResult, void> {
    for (let i = 0; i < n; i++) {
      const until = performance.now() + ms;
      while (performance.now() < until);
      counter.steps++;
      yield;
    }
    return yield* lintSteps(text, options);
  };
}

const settings = {};

test('lintSteps driven to the end gives exactly what lint gives', () => {
  const steps = lintSteps(SCRIPT, {});
  let r = steps.next();
  let n = 0;
  while (!r.done) {
    n++;
    r = steps.next();
  }
  assert.ok(n > 3, 'it stops between stages');
  assert.deepEqual(JSON.parse(JSON.stringify(r.value.findings)), JSON.parse(JSON.stringify(lint(SCRIPT).findings)));
});

test('a job resolves with the lint; two waiters of one version share one job', async () => {
  const jobs = new LintJobs(lintSteps);
  const req = { uri: 'a', version: 1, text: SCRIPT, options: {}, settings, isCurrent: () => true };
  const [a, b] = await Promise.all([jobs.request(req), jobs.request(req)]);
  assert.ok(a && b);
  assert.equal(a, b);
  assert.equal(jobs.started, 1);
  assert.equal(a.findings.length, lint(SCRIPT).findings.length);
});

test('the event loop runs between the slices of a long lint (requests are answered meanwhile)', async () => {
  const counter = { steps: 0 };
  const jobs = new LintJobs(slowStepper(40, 2, counter), 4);
  const req = { uri: 'a', version: 1, text: SCRIPT, options: {}, settings, isCurrent: () => true };
  const done = jobs.request(req);
  // a "request" arriving right after: it runs while the lint is still in its first steps
  const seenAt = await new Promise<number>((resolve) => setImmediate(() => setImmediate(() => resolve(counter.steps))));
  assert.ok(seenAt < 40, `the other work ran after ${seenAt} of 40 steps`);
  assert.ok(await done);
  assert.equal(counter.steps, 40);
});

test('a version that is no longer current is dropped at its next step, unfinished', async () => {
  const counter = { steps: 0 };
  const jobs = new LintJobs(slowStepper(200, 1, counter), 2);
  let current = true;
  const done = jobs.request({ uri: 'a', version: 1, text: SCRIPT, options: {}, settings, isCurrent: () => current });
  await new Promise((r) => setImmediate(r));
  current = false; // the document was edited
  assert.equal(await done, undefined);
  assert.ok(counter.steps < 200, `stopped after ${counter.steps} steps`);
  assert.equal(jobs.dropped, 1);
});

test('a new version replaces the job of the old one; its waiters get undefined', async () => {
  const counter = { steps: 0 };
  const jobs = new LintJobs(slowStepper(20, 1, counter), 2);
  const old = jobs.request({ uri: 'a', version: 1, text: SCRIPT, options: {}, settings, isCurrent: () => true });
  const next = jobs.request({ uri: 'a', version: 2, text: SCRIPT, options: {}, settings, isCurrent: () => true });
  assert.equal(await old, undefined);
  assert.ok(await next);
  assert.equal(jobs.started, 2);
});

test('cancellation: the waiter is answered at once; with nobody left waiting the lint stops', async () => {
  const counter = { steps: 0 };
  const jobs = new LintJobs(slowStepper(500, 1, counter), 2);
  const token = new Token();
  const done = jobs.request({ uri: 'a', version: 1, text: SCRIPT, options: {}, settings, isCurrent: () => true }, token);
  await new Promise((r) => setImmediate(r));
  token.cancel();
  assert.equal(await done, undefined);
  await new Promise((r) => setTimeout(r, 20));
  const after = counter.steps;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(counter.steps, after, 'no step after the last waiter left');
  assert.ok(after < 500);
  assert.equal(jobs.dropped, 1);
});

test('cancelling one of two waiters keeps the job for the other', async () => {
  const jobs = new LintJobs(slowStepper(10, 1, { steps: 0 }), 2);
  const token = new Token();
  const req = { uri: 'a', version: 1, text: SCRIPT, options: {}, settings, isCurrent: () => true };
  const a = jobs.request(req, token);
  const b = jobs.request(req);
  token.cancel();
  assert.equal(await a, undefined);
  assert.ok(await b);
  assert.equal(jobs.dropped, 0);
});

test('an already cancelled token starts nothing', async () => {
  const jobs = new LintJobs(lintSteps);
  const token = new Token();
  token.cancel();
  assert.equal(await jobs.request({ uri: 'a', version: 1, text: SCRIPT, options: {}, settings, isCurrent: () => true }, token), undefined);
  assert.equal(jobs.started, 0);
});
