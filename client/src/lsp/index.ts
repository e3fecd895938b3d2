// Starts the bundled language server (dist/server.js) over Node IPC and connects it to VS Code.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

export const LANGUAGE_ID = 'routeros';

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    // The server pulls `routeros.*` with workspace/configuration; this also pushes changes to it.
    // The server indexes the workspace's .rsc files (globals and definitions across files) and follows changes.
    synchronize: { configurationSection: LANGUAGE_ID, fileEvents: vscode.workspace.createFileSystemWatcher('**/*.rsc') },
    outputChannel: output,
    // Lets the server add VS Code-only touches (re-open suggestions after accepting `action=`).
    initializationOptions: { vscode: true },
  };
  // The id 'routeros' makes the client honour the `routeros.trace.server` setting.
  return new LanguageClient(LANGUAGE_ID, 'RouterOS Language Server', serverOptions, clientOptions);
}
