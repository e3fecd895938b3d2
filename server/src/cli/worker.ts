// Entry of dist/cli-worker.js: a worker thread of `rsc-lint --jobs N`. Receives { id, req } messages,
// answers { id, res } (or { id, crash } when lintJob itself threw, a bug: the file is reported as an
// internal error and the run goes on).
import { parentPort } from 'node:worker_threads';
import { lintJob, type LintRequest } from './lintJob';

parentPort?.on('message', (msg: { id: number; req: LintRequest }) => {
  try {
    parentPort!.postMessage({ id: msg.id, res: lintJob(msg.req) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, crash: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
