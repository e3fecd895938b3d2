// A minimal LSP client for tests: starts the BUILT server (`node dist/server.js --stdio`) as a child process
// and talks JSON-RPC to it with vscode-jsonrpc, the way an editor does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export const repoRoot = join(__dirname, '..', '..');
export const serverPath = join(repoRoot, 'dist', 'server.js');
export const binPath = join(repoRoot, 'bin', 'routeros-language-server.js');

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  relatedInformation?: Array<{ location: { uri: string; range: unknown }; message: string }>;
  data?: unknown;
}

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

/** Builds dist/ when it is missing (a plain `node scripts/test.mjs lsp` after a fresh clone). */
export function ensureBuilt(): void {
  if (existsSync(serverPath)) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(serverPath)) throw new Error('build failed: dist/server.js is missing');
}

export class LspTestClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  /** Every publishDiagnostics, in arrival order. */
  readonly published: Published[] = [];
  /** What the server's workspace/configuration requests get (the `routeros` section). */
  settings: unknown = {};
  readonly logs: string[] = [];
  stderr = '';
  private waiters: Array<() => void> = [];

  constructor(args: string[] = ['--stdio'], script = serverPath) {
    ensureBuilt();
    this.proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.conn = createMessageConnection(
      new StreamMessageReader(this.proc.stdout!),
      new StreamMessageWriter(this.proc.stdin!),
    );
    this.conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      this.published.push(p);
      this.wake();
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.wake();
    });
    this.conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) =>
      p.items.map((i) => (i.section === 'routeros' ? this.settings : null)),
    );
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.listen();
  }

  async initialize(capabilities: Record<string, unknown> = {}, rootUri: string | null = null): Promise<Record<string, any>> {
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true, versionSupport: true },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite', 'source', 'source.fixAll'] } },
            dataSupport: true,
            isPreferredSupport: true,
          },
          completion: { completionItem: { snippetSupport: true } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
        ...capabilities,
      },
    });
    await this.conn.sendNotification('initialized', {});
    return result as Record<string, any>;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves with the first value `probe` returns that is not undefined; rejects after `ms`. */
  async waitFor<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The diagnostics published for `uri` at exactly `version` (waits for them). */
  diagnosticsFor(uri: string, version: number, ms = 5000): Promise<Diagnostic[]> {
    return this.waitFor(`diagnostics of ${uri} v${version}`, () => {
      for (let i = this.published.length - 1; i >= 0; i--) {
        const p = this.published[i];
        if (p.uri === uri && p.version === version) return p.diagnostics;
      }
      return undefined;
    }, ms);
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'routeros', version, text },
    });
  }

  change(uri: string, version: number, changes: unknown[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  request<T = any>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    const exited = new Promise<void>((r) => (this.proc.exitCode !== null ? r() : this.proc.once('exit', () => r())));
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
    this.conn.dispose();
  }
}

/** Applies LSP TextEdits (non-overlapping) to a text. */
export function applyLspEdits(
  text: string,
  edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>,
): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const off = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}
