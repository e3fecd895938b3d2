// Runs the BUILT command line (node dist/cli.js, made by node scripts/build.mjs) as a child process, the
// way users and CI run it. When dist/cli.js is missing or older than the sources (running one test file
// after an edit), the CLI bundle alone is rebuilt, under a lock so parallel test files build it once.
import { spawn } from 'node:child_process';
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const examples = path.join(repoRoot, 'examples');

function newestSource(dir: string): number {
  let newest = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|json)$/.test(ent.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  if (!fs.existsSync(cliPath)) return true;
  const built = fs.statSync(cliPath).mtimeMs;
  const src = Math.max(newestSource(path.join(repoRoot, 'server', 'src')), fs.statSync(path.join(repoRoot, 'package.json')).mtimeMs);
  return src > built;
}

let checked = false;
export function ensureBuilt(): void {
  if (checked) return;
  checked = true;
  if (!isStale()) return;
  const lock = path.join(os.tmpdir(), 'rsc-lint-test-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`could not take ${lock}; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!isStale()) return;
    // Only the CLI bundle, with scripts/build.mjs's settings: other suites may be running dist/server.js.
    const r = buildSync({
      entryPoints: [path.join(repoRoot, 'server', 'src', 'cli', 'main.ts')],
      outfile: cliPath,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
      sourcemap: true,
      logLevel: 'silent',
    });
    if (r.errors.length > 0 || !fs.existsSync(cliPath)) {
      throw new Error(`building dist/cli.js failed:\n${r.errors.map((e) => e.text).join('\n')}`);
    }
  } finally {
    fs.rmdirSync(lock);
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
}

/** Runs `node dist/cli.js ...args`; NO_COLOR, FORCE_COLOR and TERM are cleared unless given. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  ensureBuilt();
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}

/** A fresh temporary directory with the given files (path -> content), removed by the returned function. */
export function tempTree(files: Record<string, string | Buffer>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsc-lint-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts-friendly: true when the text looks like a Node stack trace. */
export function hasStackTrace(s: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(s) || /node:internal/.test(s);
}
