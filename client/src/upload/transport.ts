// What the orchestration needs from a connection to a router, whatever carries it (SSH or REST),
// plus the trust-on-first-use bookkeeping both transports share.

import { type RouterProfile, UploadError } from './types';

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
  /**
   * Asks the user whether to trust a fingerprint seen for the first time. The transports stop their
   * connect clock while this is open (the user is not timed) and pin the fingerprint only once the
   * handshake that showed it has completed.
   */
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
  /** Deadline of each network step other than a long command (default 30 s). */
  stepTimeoutMs?: number;
  /** SSH keepalive interval (ms); 3 missed answers end the connection. 0 = off (default 10 s). */
  keepaliveIntervalMs?: number;
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

/** Where a stored secret may be sent: transport, user, host and port (never the profile's name alone). */
export function secretId(p: RouterProfile): string {
  return `${trustId(p)}:${p.user}`;
}

/**
 * Settles with `p`, or rejects with `onTimeout()` after `ms`: a network step that never calls back
 * cannot hold the upload (or its cleanup) for ever.
 */
export function withDeadline<T>(p: Promise<T>, ms: number, onTimeout: () => UploadError): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), Math.max(1, ms));
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** A connect clock that can be stopped while the user reads a question, and restarted after. */
export class PausableTimer {
  private timer?: ReturnType<typeof setTimeout>;
  private left: number;
  private startedAt = 0;
  private done = false;
  constructor(ms: number, private readonly fire: () => void) {
    this.left = ms;
    this.resume();
  }
  pause(): void {
    if (this.done || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.left -= Date.now() - this.startedAt;
  }
  /** Restarts the clock with what was left, but never less than `minMs` (the answer still has to travel). */
  resume(minMs = 0): void {
    if (this.done || this.timer) return;
    this.left = Math.max(this.left, minMs);
    this.startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.done = true;
      this.fire();
    }, Math.max(1, this.left));
  }
  stop(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
