// The VS Code extension: starts the bundled language server and lets each feature register itself.
//
// Adding a feature: put it in client/src/<feature>/index.ts exporting `registerXxx(context, deps)`
// (type RegisterFeature in deps.ts) and add it to FEATURES below. Features must not throw from
// register; a failing one is logged and the others still load.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ExtensionDeps, RegisterFeature } from './deps';
import { createLanguageClient } from './lsp';
import { registerDocs } from './docs';
import { registerKnockSetup } from './knockSetup';
import { registerUpload } from './upload/command';
import { registerKnock } from './knock/command';
import { registerStatus } from './status';
import { registerWalkthrough } from './walkthrough';
import { registerMap } from './map/command';
import { registerCompareFirewall } from './diff/command';

const FEATURES: Array<[name: string, register: RegisterFeature]> = [
  ['rule documentation', registerDocs],
  ['knock setup', registerKnockSetup],
  ['upload', registerUpload],
  ['knock', registerKnock],
  ['language status', registerStatus],
  ['walkthrough', registerWalkthrough],
  ['firewall map', registerMap],
  ['compare firewall', registerCompareFirewall],
];

/** What activate() returns (vscode.extensions.getExtension(...).exports); the e2e suite reads it. */
export interface RouterOsExtensionApi {
  /** Resolves when the language server is ready. */
  ready: Promise<void>;
  /** Milliseconds from activate() to the language client being ready (set once ready). */
  activationMs: number | undefined;
  client(): LanguageClient | undefined;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): RouterOsExtensionApi {
  const t0 = Date.now();
  const output = vscode.window.createOutputChannel('RouterOS', { log: true });
  context.subscriptions.push(output);
  const log = (message: string) => output.info(message);

  const api: RouterOsExtensionApi = { ready: Promise.resolve(), activationMs: undefined, client: () => client };
  const c = createLanguageClient(context, output);
  api.ready = c.start().then(
    () => {
      client = c;
      api.activationMs = Date.now() - t0;
      log(`RouterOS language server ready; activation took ${api.activationMs} ms`);
    },
    (e: unknown) => {
      log(`RouterOS language server failed to start: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    },
  );
  // The promise is also handed to features; keep an unhandled rejection from surfacing twice.
  api.ready.catch(() => undefined);

  const deps: ExtensionDeps = { context, output, log, client: () => client, clientReady: api.ready };
  for (const [name, register] of FEATURES) {
    try {
      register(context, deps);
    } catch (e) {
      log(`feature "${name}" failed to register: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return api;
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
