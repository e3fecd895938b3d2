// Entry point of the real-editor suite, dist/e2e/suite/index.js: run() is called in the extension host by
// the code-server runner's driver extension (a normal window, where modal dialogs are shown) or by
// @vscode/test-electron as extension tests. Results go to the runner three ways: the promise (the driver's
// suite-exit.json / test-electron's exit code), the console, and $ROUTEROS_E2E_ARTIFACTS/e2e-results.json
// (passed / failed / skipped with the reason).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { metrics, skipped } from './support';

interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  ms: number;
  error?: string;
  /** Why a skipped test did not run. */
  reason?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  // ROUTEROS_E2E_GREP=upload node scripts/e2e-code-server.mjs: only the tests whose title matches (development).
  if (process.env.ROUTEROS_E2E_GREP) mocha.grep(process.env.ROUTEROS_E2E_GREP);
  // The test files are bundled into this file: hand mocha's globals (describe/it/...) over before loading them.
  // A new test file: add a require() line here (esbuild bundles only what is required literally).
  mocha.suite.emit('pre-require', globalThis, 'e2e-bundle', mocha);
  require('./extension.test');
  require('./upload.test');
  require('./knock.test');
  require('./map.test');
  require('./format.test');
  require('./editor.test');

  const records: TestRecord[] = [];
  const artifacts = process.env.ROUTEROS_E2E_ARTIFACTS;
  const write = (done: boolean) => {
    if (!artifacts) return;
    mkdirSync(artifacts, { recursive: true });
    const passed = records.filter((r) => r.state === 'passed').length;
    const failed = records.filter((r) => r.state === 'failed').length;
    const skippedCount = records.filter((r) => r.state === 'skipped').length;
    writeFileSync(
      join(artifacts, 'e2e-results.json'),
      JSON.stringify({ done, passed, failed, skipped: skippedCount, metrics, tests: records }, null, 2),
    );
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        write(true);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
      runner.on('pass', (t) => records.push({ title: t.fullTitle(), state: 'passed', ms: t.duration ?? 0 }));
      runner.on('fail', (t, err: Error) =>
        records.push({ title: t.fullTitle(), state: 'failed', ms: t.duration ?? 0, error: String(err?.stack ?? err) }),
      );
      runner.on('pending', (t) => {
        let reason: string | undefined;
        for (let s: Mocha.Suite | undefined = t.parent; s && !reason; s = s.parent) reason = skipped.get(s);
        records.push({ title: t.fullTitle(), state: 'skipped', ms: 0, reason: reason ?? 'skipped' });
      });
      runner.on('test end', () => write(false));
    } catch (e) {
      write(true);
      reject(e);
    }
  });
}
