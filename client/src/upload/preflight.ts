// Checks on the script before anything leaves the machine: empty file, non-ASCII text, size for the
// transport, and the lockout risks (server/src/features/lockout.ts) that stop the upload unless the user
// confirms.

import { findNonAscii, isEffectivelyEmpty, type NonAsciiLine } from './lines';
import { type RouterProfile, type UploadSettings, UploadError } from './types';

/** The part of a lockout risk the upload needs (server/src/features/lockout.ts LockoutRisk fits). */
export interface LockoutRiskLike {
  kind: string;
  message: string;
  /** 0-based. */
  line: number;
}

/** What the lockout analysis needs to know about the connection the upload uses. */
export interface UploadAccess {
  transport: 'ssh' | 'rest';
  port: number;
  user: string;
  plainHttp: boolean;
}

/** RouterOS imports over SSH are not size-limited by the transport; this only guards against mistakes. */
export const SSH_MAX_BYTES = 4 * 1024 * 1024;

export interface Preflight {
  bytes: Buffer;
  nonAscii: NonAsciiLine[];
  lockout: LockoutRiskLike[];
}

export function preflight(text: string, profile: RouterProfile, settings: UploadSettings, risks: LockoutRiskLike[]): Preflight {
  if (text.trim() === '' || isEffectivelyEmpty(text)) {
    throw new UploadError('empty-file', 'The file is empty (or holds only comments): there is nothing to upload.');
  }
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8');
  const max = profile.transport === 'rest' ? settings.restMaxFileBytes : SSH_MAX_BYTES;
  if (bytes.length > max) {
    const hint = profile.transport === 'rest' ? ' The REST transport stores the script through /file contents, which RouterOS limits; use the SSH transport for this file.' : '';
    throw new UploadError('too-large', `The script is ${bytes.length} bytes, more than the ${max} bytes the ${profile.transport.toUpperCase()} transport accepts.${hint}`);
  }
  return {
    bytes,
    nonAscii: findNonAscii(text),
    lockout: risks,
  };
}

export function describeNonAscii(lines: NonAsciiLine[]): string {
  const first = lines.slice(0, 3).map((l) => `line ${l.line + 1} column ${l.column + 1} (${JSON.stringify(l.char)})`);
  return (
    `RouterOS does not understand UTF-8: text outside ASCII is stored as raw bytes and shows up garbled in names, comments and strings. ` +
    `Found at ${first.join(', ')}${lines.length > 3 ? ` and ${lines.length - 3} more line(s)` : ''}.`
  );
}

export function describeLockout(f: LockoutRiskLike[]): string {
  const items = f.slice(0, 3).map((x) => `line ${x.line + 1}: ${x.message.replace(/\.$/, '')} [${x.kind}]`);
  return `This script may lock you out of the router or does not parse: ${items.join('; ')}${f.length > 3 ? `; and ${f.length - 3} more` : ''}.`;
}

/** Validates a profile from settings; the message names the field to fix. */
export function checkProfile(p: Partial<RouterProfile> | undefined): RouterProfile {
  const bad = (why: string) => new UploadError('bad-profile', `Router profile ${p?.name ? `"${p.name}" ` : ''}in setting routeros.routers: ${why}`);
  if (!p || typeof p !== 'object') throw bad('not an object.');
  if (!p.name || typeof p.name !== 'string') throw bad('"name" is missing.');
  if (!p.host || typeof p.host !== 'string') throw bad('"host" is missing.');
  if (!p.user || typeof p.user !== 'string') throw bad('"user" is missing.');
  if (p.transport !== 'ssh' && p.transport !== 'rest') throw bad('"transport" must be "ssh" or "rest".');
  if (p.port !== undefined && (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535)) throw bad('"port" must be 1-65535.');
  if (p.defaultFileName !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(p.defaultFileName)) throw bad('"defaultFileName" may only hold letters, digits, ".", "_" and "-".');
    if (/\.auto\.rsc$/i.test(p.defaultFileName)) throw bad('"defaultFileName" must not end in ".auto.rsc" (the router would run such a file as soon as it arrives).');
  }
  if (JSON.stringify(p).match(/"(password|passphrase|secret)"/i)) throw bad('passwords do not belong in settings; remove the field (the extension asks and keeps it in the OS secret store).');
  return p as RouterProfile;
}

/** A unique temporary file name on the router; never `*.auto.rsc`. */
export function tempFileName(stem = 'rsc-upload', now = new Date(), rand = Math.random): string {
  const base = stem.replace(/\.rsc$/i, '').replace(/\.auto$/i, '');
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const r = Math.floor(rand() * 36 ** 6).toString(36).padStart(6, '0');
  const name = `${base}-${stamp}-${r}.rsc`;
  if (/\.auto\.rsc$/i.test(name)) throw new Error('unreachable: temporary name ends in .auto.rsc');
  return name;
}
