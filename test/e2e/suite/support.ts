// Helpers shared by the real-editor tests: bounded polling, artifacts, screenshots requested from the runner.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** Figures the suite measures; written into e2e-results.json by index.ts. */
export const metrics: Record<string, number | string> = {};

/** Why a suite skipped itself (set before `this.skip()` in its `before` hook); index.ts reports it. */
export const skipped = new Map<Mocha.Suite, string>();

export const EXTENSION_ID = 'routeros-tools.routeros-firewall-tools';

/** Polls `probe` until it returns something other than undefined/false; fails after `ms` with `what`. */
export async function poll<T>(
  what: string | (() => string),
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20_000,
  every = 100,
): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const w = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${ms} ms waiting for ${w}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, every));
  }
}

export function routerosDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'routeros');
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return c === undefined ? undefined : String(c);
}

/** `rule@line` (1-based lines, like the CLI), sorted: easy to compare and to read in a failure. */
export function summary(diags: readonly vscode.Diagnostic[]): string[] {
  return diags.map((d) => `${codeOf(d)}@${d.range.start.line + 1}`).sort();
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e suite needs a workspace folder (the runner opens test/e2e/fixtures copied)');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openFile(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/**
 * Asks the runner (which drives the browser) for a screenshot of the workbench as it is now, and waits for
 * it. Only the code-server runner takes screenshots (ROUTEROS_E2E_SCREENSHOTS=1); elsewhere a no-op.
 */
export async function screenshot(name: string): Promise<string | undefined> {
  const dir = process.env.ROUTEROS_E2E_ARTIFACTS;
  if (!dir || process.env.ROUTEROS_E2E_SCREENSHOTS !== '1') return undefined;
  mkdirSync(dir, { recursive: true });
  const png = join(dir, `${name}.png`);
  writeFileSync(join(dir, `${name}.screenshot-request`), name);
  await poll(`screenshot ${png}`, () => existsSync(png), 20_000, 100);
  return png;
}

/** A keyboard/mouse step the runner performs in the workbench (see scripts/e2e-code-server.mjs). */
export type UiStep =
  /** Type into the open quick input box (showInputBox / showQuickPick). */
  | { text: string }
  /** Type a secret only the runner knows (e.g. "router-password") into the open input box; the runner
   *  refuses unless the box is a masked password box. The suite never sees the value. */
  | { secret: string }
  /** Press a key (playwright key names: "Enter", "Escape", ...). */
  | { press: string }
  /** Click the visible button with exactly this label (modal dialog, notification). */
  | { click: string }
  /** Wait until this text is visible in the workbench (output channel, Problems panel, ...). */
  | { see: string }
  /** Click the element inside a webview whose aria-label starts with this text (a rule on the firewall map). */
  | { clickInWebview: string }
  /** Wait until this text is visible inside a webview. */
  | { seeInWebview: string };

/** What the user saw while the runner performed the steps, one entry per step. */
export interface UiSeen {
  inputBox?: { title: string; message: string; type: string | null };
  clicked?: string;
  /** Text of the modal dialog the clicked button belonged to. */
  dialogText?: string;
  pressed?: string;
  saw?: string;
}

/** Whether a runner serves uiSteps (only the code-server runner has a browser to type and click with). */
export function uiStepsAvailable(): boolean {
  return !!process.env.ROUTEROS_E2E_ARTIFACTS && process.env.ROUTEROS_E2E_KEYS === '1';
}

/**
 * Asks the runner to perform keyboard/mouse steps as a user would, and waits until it did (bounded). The
 * handshake: `<name>.keys-request` (JSON array of steps) -> the runner -> `<name>.keys-done`
 * (`{ ok, seen }` or `{ ok: false, error }`). Call it while the command that shows the UI is running (not
 * awaited): each step waits for its target (input box, button) to appear.
 */
export async function uiSteps(name: string, steps: UiStep[], ms = 30_000): Promise<UiSeen[]> {
  const dir = process.env.ROUTEROS_E2E_ARTIFACTS;
  if (!dir || !uiStepsAvailable()) throw new Error('no runner serves UI steps here (only scripts/e2e-code-server.mjs does)');
  mkdirSync(dir, { recursive: true });
  const done = join(dir, `${name}.keys-done`);
  if (existsSync(done)) unlinkSync(done);
  writeFileSync(join(dir, `${name}.keys-request.tmp`), JSON.stringify(steps));
  // Renamed into place so the runner never reads half a request.
  renameSync(join(dir, `${name}.keys-request.tmp`), join(dir, `${name}.keys-request`));
  const answer = await poll(`the runner performing UI steps "${name}"`, () => existsSync(done) && (JSON.parse(readFileSync(done, 'utf8')) as { ok: boolean; seen?: UiSeen[]; error?: string }), ms, 100);
  if (!answer.ok) throw new Error(`UI steps "${name}" failed in the runner: ${answer.error}`);
  return answer.seen ?? [];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * Lines of the "RouterOS" output channel, read from the file VS Code writes a log output channel to
 * (<user-data>/logs/<session>/.../routeros-tools.routeros-firewall-tools/RouterOS.log).
 */
export function outputChannelLines(): string[] {
  const userData = process.env.ROUTEROS_E2E_USER_DATA;
  if (!userData) throw new Error('ROUTEROS_E2E_USER_DATA is not set (the code-server runner sets it)');
  return filesUnder(join(userData, 'logs'))
    .filter((f) => f.endsWith('/RouterOS.log'))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => l !== '');
}

/** `p`, or a clear failure after `ms` (every wait in the suite is bounded). */
export async function within<T>(p: Thenable<T>, what: string, ms = 60_000): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(p),
      new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))),
    ]);
  } finally {
    clearTimeout(t);
  }
}
