// Helpers shared by the real-editor tests: bounded polling, artifacts, screenshots requested from the runner.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** Figures the suite measures; written into e2e-results.json by index.ts. */
export const metrics: Record<string, number | string> = {};

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
