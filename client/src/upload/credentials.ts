// Where passwords and passphrases are kept between uploads (SecretStorage in the editor) and under what
// key. A password is stored under where it may be sent: transport, host, port and user (secretId), never
// under the profile's name: a workspace's settings can redefine profile "lab" to point elsewhere, and
// the password stored for the old destination must not follow it. A passphrase unlocks a local key
// file and is stored under the file's path. Pure: the editor supplies the store and the prompts.

import type { CredentialSource } from './orchestrate';
import { type Credentials, secretId } from './transport';
import type { RouterProfile } from './types';

export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export interface CredentialPrompts {
  /** Asks for the password of `profile` (the prompt names user, host and port); undefined = cancelled. */
  password(profile: RouterProfile): PromiseLike<string | undefined>;
  passphrase(profile: RouterProfile, keyPath: string): PromiseLike<string | undefined>;
  /** Reads a private key file (throws a clear error when it cannot). */
  readKey(path: string): Buffer;
  keyIsEncrypted(key: Buffer): boolean;
}

export const passwordKey = (p: RouterProfile): string => `routeros.router.${secretId(p)}.password`;
export const passphraseKey = (keyPath: string): string => `routeros.key.${keyPath}.passphrase`;
/** The key older versions used (the profile name only); read never, deleted by forget. */
export const legacyKey = (p: RouterProfile, what: 'password' | 'passphrase'): string => `routeros.router.${p.name}.${what}`;

export function credentialSource(secrets: SecretStore, prompts: CredentialPrompts): CredentialSource {
  /** What the user typed in this window and that is not stored yet (stored after a successful login). */
  const typed = new Map<string, Credentials>();
  return {
    async get(p) {
      if (p.transport === 'ssh' && p.privateKeyPath) {
        const creds: Credentials = { privateKey: prompts.readKey(p.privateKeyPath) };
        if (prompts.keyIsEncrypted(creds.privateKey!)) {
          const stored = await secrets.get(passphraseKey(p.privateKeyPath));
          creds.passphrase = stored ?? (await prompts.passphrase(p, p.privateKeyPath));
          if (creds.passphrase === undefined) return undefined;
          if (stored === undefined) typed.set(secretId(p), creds);
        }
        return creds;
      }
      const stored = await secrets.get(passwordKey(p));
      if (stored !== undefined) return { password: stored };
      const password = await prompts.password(p);
      if (password === undefined) return undefined;
      typed.set(secretId(p), { password });
      return { password };
    },
    async remember(p, c) {
      const id = secretId(p);
      if (!typed.has(id)) return;
      typed.delete(id);
      if (c.password !== undefined) await secrets.store(passwordKey(p), c.password);
      if (c.passphrase !== undefined && p.privateKeyPath) await secrets.store(passphraseKey(p.privateKeyPath), c.passphrase);
    },
    async forget(p) {
      typed.delete(secretId(p));
      await secrets.delete(passwordKey(p));
      if (p.privateKeyPath) await secrets.delete(passphraseKey(p.privateKeyPath));
      await secrets.delete(legacyKey(p, 'password'));
      await secrets.delete(legacyKey(p, 'passphrase'));
    },
  };
}
