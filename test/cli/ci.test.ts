// action.yml and .pre-commit-hooks.yaml, run locally the way their tools run them: the action's shell
// steps with the runner's environment (GITHUB_ACTION_PATH, GITHUB_OUTPUT, inputs, `if:` conditions),
// and pre-commit's `entry args... <staged files matching "files">` in a temporary git repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureBuilt, repoRoot, tempTree } from './helpers';
import { allChecks } from '../../server/src/rules';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

const BROKEN = '/ip firewall filter\nadd chain=input action=accept\n:put (1 + \n';
const CLEAN = '/ip firewall filter\nadd chain=input action=accept protocol=icmp comment="ping"\n';
const FIXABLE = allChecks.find((c) => c.id === 'knock-blacklist-untested')!.examples.bad;

interface Step {
  name?: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

type Ctx = { inputs: Record<string, string>; steps: Record<string, { outputs: Record<string, string>; outcome?: string }> };

/** GitHub's expression language, the part action.yml uses: always(), ==, !=, &&, ||, strings, contexts. */
function evalExpr(expr: string, ctx: Ctx): unknown {
  const js = expr
    .replace(/\$\{\{\s*|\s*\}\}/g, '')
    .replace(/always\(\)/g, 'true')
    .replace(/\binputs\.([A-Za-z0-9_-]+)/g, (_, k) => `(ctx.inputs[${JSON.stringify(k)}] ?? '')`)
    .replace(/\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g, (_, s, k) => `(ctx.steps[${JSON.stringify(s)}]?.outputs[${JSON.stringify(k)}] ?? '')`)
    .replace(/!=/g, '!==')
    .replace(/(^|[^!=])==(?!=)/g, '$1===');
  assert.doesNotMatch(js, /\b(?!ctx|true|false|inputs|outputs|steps)[a-z]+\(/, `unsupported expression ${expr}`);
  return new Function('ctx', `return (${js});`)(ctx);
}

function interpolate(s: string, ctx: Ctx): string {
  return s.replace(/\$\{\{([^}]*)\}\}/g, (_, e) => String(evalExpr(e, ctx)));
}

interface ActionRun {
  ran: string[];
  uploaded?: Record<string, string>;
  failed?: { step: string; code: number | null; output: string };
  ctx: Ctx;
}

function runAction(inputs: Record<string, string>, cwd: string): ActionRun {
  const action = yaml.load(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as Action;
  assert.equal(action.runs.using, 'composite');
  const ctx: Ctx = { inputs: {}, steps: {} };
  for (const [k, v] of Object.entries(action.inputs)) ctx.inputs[k] = inputs[k] ?? v.default ?? '';
  const out: ActionRun = { ran: [], ctx };
  let jobFailed = false;
  for (const step of action.runs.steps) {
    // Default condition: success(); with always() the step also runs after a failure.
    const cond = step.if === undefined ? !jobFailed : (step.if.includes('always()') || !jobFailed) && Boolean(evalExpr(step.if, ctx));
    if (!cond) continue;
    if (step.uses) {
      assert.match(step.uses, /^github\/codeql-action\/upload-sarif@v\d+$/);
      out.uploaded = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]));
      out.ran.push(step.name ?? step.uses);
      continue;
    }
    assert.equal(step.shell, 'bash', `${step.name}: composite run steps need a shell`);
    const outputFile = path.join(cwd, `.github-output-${out.ran.length}`);
    fs.writeFileSync(outputFile, '');
    const env: Record<string, string> = { ...(process.env as Record<string, string>), GITHUB_ACTION_PATH: repoRoot, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: cwd };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(v, ctx);
    // The runner runs `bash --noprofile --norc -eo pipefail {0}` on the script file.
    const script = path.join(cwd, `.step-${out.ran.length}.sh`);
    fs.writeFileSync(script, interpolate(step.run!, ctx));
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8' });
    out.ran.push(step.name ?? '(run)');
    if (step.id) {
      const outputs: Record<string, string> = {};
      for (const line of fs.readFileSync(outputFile, 'utf8').split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
      }
      ctx.steps[step.id] = { outputs };
    }
    if (r.status !== 0) {
      out.failed ??= { step: step.name ?? '', code: r.status, output: r.stdout + r.stderr };
      jobFailed = true;
    }
  }
  return out;
}

test('action.yml: findings -> SARIF written and uploaded, the job fails; clean -> passes; a wrong path -> exit 2, no upload', () => {
  ensureBuilt();
  const t = tempTree({ 'routers/a.rsc': BROKEN, 'routers/b.rsc': CLEAN, 'clean/c.rsc': CLEAN });
  try {
    const bad = runAction({ paths: 'routers' }, t.dir);
    assert.equal(bad.ctx.steps.lint.outputs['exit-code'], '1');
    assert.deepEqual(bad.uploaded, { sarif_file: 'rsc-lint.sarif', category: 'rsc-lint' });
    const sarif = JSON.parse(fs.readFileSync(path.join(t.dir, 'rsc-lint.sarif'), 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length > 0);
    assert.deepEqual(sarif.runs[0].artifacts.map((a: { location: { uri: string } }) => a.location.uri), ['routers/a.rsc', 'routers/b.rsc']);
    assert.equal(bad.failed?.step, 'Fail on findings');
    assert.match(bad.failed!.output, /::error title=rsc-lint::rsc-lint found errors/);

    const good2 = runAction({ paths: 'clean', 'sarif-file': 'out/clean.sarif', args: '--max-warnings 0' }, t.dir);
    assert.equal(good2.failed, undefined, good2.failed?.output);
    assert.equal(good2.ctx.steps.lint.outputs['exit-code'], '0');
    assert.equal(good2.uploaded?.sarif_file, 'out/clean.sarif');

    const wrong = runAction({ paths: 'no-such-folder' }, t.dir);
    assert.equal(wrong.ctx.steps.lint.outputs['exit-code'], '2');
    assert.equal(wrong.uploaded, undefined, 'nothing to upload when rsc-lint could not run');
    assert.equal(wrong.failed?.step, 'Run rsc-lint');
    assert.match(wrong.failed!.output, /rsc-lint: cannot read no-such-folder: no such file or directory/);

    // One shard of a matrix.
    const shard = runAction({ paths: 'routers', args: '--shard 1/2', category: 'rsc-lint-1' }, t.dir);
    assert.equal(shard.uploaded?.category, 'rsc-lint-1');
  } finally {
    t.cleanup();
  }
});

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  types?: string[];
  args?: string[];
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** What pre-commit does for a `language: node` hook: the package's bin on PATH, `entry args... files`. */
function runHook(hook: Hook, cwd: string): { code: number | null; stdout: string; stderr: string; files: string[] } {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const staged = git(cwd, 'diff', '--cached', '--name-only', '--diff-filter=ACMR').split('\n').filter(Boolean);
  const re = new RegExp(hook.files);
  const files = staged.filter((f) => re.test(f) && fs.statSync(path.join(cwd, f)).isFile());
  const [cmd, ...entryArgs] = hook.entry.split(/\s+/);
  const bin = pkg.bin[cmd];
  assert.ok(bin, `${cmd} is a bin of package.json`);
  const r = spawnSync(process.execPath, [path.join(repoRoot, bin), ...entryArgs, ...(hook.args ?? []), ...files], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, files };
}

test('.pre-commit-hooks.yaml: the hooks lint (and fix) the staged .rsc files only', () => {
  ensureBuilt();
  const hooks = yaml.load(fs.readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  const lintHook = hooks.find((h) => h.id === 'rsc-lint')!;
  const fixHook = hooks.find((h) => h.id === 'rsc-lint-fix')!;
  for (const h of hooks) assert.equal(h.language, 'node');
  const t = tempTree({ 'a.rsc': CLEAN, 'notes.txt': BROKEN, 'sub/b.rsc': CLEAN, 'unstaged.rsc': BROKEN });
  try {
    git(t.dir, 'init', '-q');
    git(t.dir, 'add', 'a.rsc', 'notes.txt', 'sub/b.rsc');
    const ok = runHook(lintHook, t.dir);
    assert.deepEqual(ok.files, ['a.rsc', 'sub/b.rsc']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    fs.writeFileSync(path.join(t.dir, 'sub', 'b.rsc'), BROKEN);
    git(t.dir, 'add', 'sub/b.rsc');
    const bad = runHook(lintHook, t.dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^sub\/b\.rsc:3:\d+: error parse-error/m);
    // The fix hook rewrites the staged file (pre-commit then reports "files were modified").
    fs.writeFileSync(path.join(t.dir, 'sub', 'b.rsc'), FIXABLE);
    git(t.dir, 'add', 'sub/b.rsc');
    const fixed = runHook(fixHook, t.dir);
    assert.match(fixed.stderr, /fixed \d+ problems? in sub\/b\.rsc/);
    assert.notEqual(fs.readFileSync(path.join(t.dir, 'sub', 'b.rsc'), 'utf8'), FIXABLE);
    assert.match(git(t.dir, 'status', '--porcelain'), /^AM sub\/b\.rsc$/m, 'modified after staging, as pre-commit expects of a fixer');
  } finally {
    t.cleanup();
  }
});
