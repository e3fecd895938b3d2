// Shared types of the upload feature. Pure data: no 'vscode' import anywhere under client/src/upload
// except command.ts, so the transports and the orchestration run (and are tested) in plain Node.

import type { Shown } from './redact';

/** One router as configured in the `routeros.routers` setting. Never holds a secret. */
export interface RouterProfile {
  name: string;
  host: string;
  /** Default 22 for ssh, 443 for rest (80 when restAllowHttp). */
  port?: number;
  user: string;
  transport: 'ssh' | 'rest';
  /** Name of the uploaded file on the router (a unique temporary name is used when absent). */
  defaultFileName?: string;
  /** REST only: allow plain HTTP (credentials travel unencrypted). */
  restAllowHttp?: boolean;
  /** SSH only: path to a private key file; its passphrase (if any) lives in SecretStorage. */
  privateKeyPath?: string;
}

export type Phase = 'check' | 'connect' | 'upload' | 'validate' | 'apply' | 'verify' | 'clean up';

/**
 * How much of the script the router ran.
 * - applied: the router printed its success marker.
 * - not-applied: the router rejected the script before running any command (syntax class errors),
 *   or nothing was sent.
 * - partly-applied: a command failed while running; every command before it took effect.
 * - unknown: the connection broke or timed out during the import, or the output had neither a success
 *   marker nor a recognised error.
 */
export type Outcome = 'applied' | 'not-applied' | 'partly-applied' | 'unknown' | 'validated';

/** A router error mapped back into the uploaded file. Lines/columns 0-based like the parser's. */
export interface RouterProblem {
  message: string;
  /** The router's own text of the error line, unchanged. */
  raw: string;
  kind: 'syntax' | 'runtime';
  /** Mapped position in the uploaded file, when the router gave one we could map. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** A router problem as shown to the user: its texts went through the Redactor. */
export interface ShownProblem extends Omit<RouterProblem, 'message' | 'raw'> {
  message: Shown;
  raw: Shown;
}

export interface RouterVersion {
  raw: string;
  major: number;
  minor: number;
  patch: number;
}

/** Codes of the failures that stop an upload; the message always says what to do next. */
export type UploadErrorCode =
  | 'empty-file'
  | 'non-ascii'
  | 'too-large'
  | 'lint-blocked'
  | 'bad-profile'
  | 'unreachable'
  | 'refused'
  | 'timeout'
  | 'auth-failed'
  | 'host-key-changed'
  | 'host-key-rejected'
  | 'certificate-changed'
  | 'certificate-rejected'
  | 'insecure-http'
  | 'cancelled'
  | 'router-error'
  | 'protocol'
  | 'connection-lost';

/** A failure inside the upload (transports, orchestration); its text may hold anything: never shown as is. */
export class UploadError extends Error {
  constructor(
    readonly code: UploadErrorCode,
    message: string,
    /** Whether anything may have changed on the router when this error happened. */
    readonly routerTouched: boolean = false,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/**
 * The only error `runUpload` throws: its message went through the Redactor (`shown`), so the command
 * layer can put it in a notification.
 */
export class UploadFailure extends UploadError {
  constructor(code: UploadErrorCode, readonly shown: Shown, routerTouched: boolean) {
    super(code, shown, routerTouched);
    this.name = 'UploadFailure';
  }
}

/** Options of one run, resolved from settings by the command layer. */
export interface UploadSettings {
  /** Minutes until the armed revert fires; 0 disables safe apply. */
  safeApplyMinutes: number;
  connectTimeoutMs: number;
  importTimeoutMs: number;
  /** REST: the router's per-request limit (RouterOS: 60 s); requests are planned to stay below it. */
  restRequestLimitMs: number;
  /** REST: the largest script sent through `/file` contents (bytes). */
  restMaxFileBytes: number;
  /** Deadline of each single network step that is not the import (SFTP write/stat/unlink, opening a channel, a short command). */
  stepTimeoutMs: number;
  /** SSH keepalive interval; a link that misses 3 in a row is dead and ends the operation. 0 = off. */
  keepaliveIntervalMs: number;
}

export const DEFAULT_SETTINGS: UploadSettings = {
  safeApplyMinutes: 0,
  connectTimeoutMs: 15_000,
  importTimeoutMs: 10 * 60_000,
  restRequestLimitMs: 60_000,
  restMaxFileBytes: 60 * 1024,
  stepTimeoutMs: 30_000,
  keepaliveIntervalMs: 10_000,
};

/** Minutes of the automatic revert offered in the lockout question when safe apply is off. */
export const OFFERED_SAFE_APPLY_MINUTES = 5;
