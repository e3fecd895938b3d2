// What every feature of the extension gets when it registers itself (see extension.ts).
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export interface ExtensionDeps {
  context: vscode.ExtensionContext;
  /** The "RouterOS" output channel (the language server logs here too). Never write secrets to it. */
  output: vscode.LogOutputChannel;
  /** Logs an info line (timestamped) to the output channel. */
  log(message: string): void;
  /** The language client once started (undefined while starting or after a failed start). */
  client(): LanguageClient | undefined;
  /** Resolves when the language server answered `initialize` (rejects if it could not start). */
  clientReady: Promise<void>;
}

/** A feature's entry point: registers its commands/providers and pushes disposables on context.subscriptions. */
export type RegisterFeature = (context: vscode.ExtensionContext, deps: ExtensionDeps) => void;
