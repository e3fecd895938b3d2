// What the orchestration needs from a connection to a router, whatever carries it (SSH or REST),
// plus the trust-on-first-use bookkeeping both transports share.

import type { RouterProfile } from './types';

export interface RunOptions {
  timeoutMs: number;
  /** The command may run long (an import): REST runs it as a background job and polls. */
  long?: boolean;
}

export interface RouterSession {
  readonly kind: 'ssh' | 'rest';
  /** Runs one console command and returns everything it printed. */
  run(command: string, options: RunOptions): Promise<string>;
  putFile(name: string, content: Buffer): Promise<void>;
  removeFile(name: string): Promise<void>;
  close(): void;
}

export interface Credentials {
  password?: string;
  privateKey?: Buffer;
  passphrase?: string;
}

/** Pinned host keys / certificate fingerprints, one per router endpoint. Not secret. */
export interface TrustStore {
  get(id: string): string | undefined;
  set(id: string, fingerprint: string): void | PromiseLike<void>;
  delete(id: string): void | PromiseLike<void>;
}

export interface TrustPrompt {
  /** Asks the user whether to trust a fingerprint seen for the first time. */
  confirmFingerprint(what: 'ssh host key' | 'TLS certificate', endpoint: string, fingerprint: string): Promise<boolean>;
}

export interface ConnectOptions {
  profile: RouterProfile;
  credentials: Credentials;
  trust: TrustStore;
  prompt: TrustPrompt;
  connectTimeoutMs: number;
  /** REST: the router's per-request limit; no single request is allowed to run longer. */
  requestLimitMs?: number;
  /** REST: how often a background job is polled (ms). */
  pollIntervalMs?: number;
}

export type Connector = (options: ConnectOptions) => Promise<RouterSession>;

export function defaultPort(p: RouterProfile): number {
  if (p.port) return p.port;
  if (p.transport === 'ssh') return 22;
  return p.restAllowHttp ? 80 : 443;
}

/** The key under which a router's host key / certificate fingerprint is pinned. */
export function trustId(p: RouterProfile): string {
  return `${p.transport === 'ssh' ? 'ssh' : p.restAllowHttp ? 'http' : 'https'}:${p.host}:${defaultPort(p)}`;
}
