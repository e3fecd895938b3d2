// Scripted stand-ins for the editor side of an upload (prompts, secret store, trust store, output
// channel), recording everything shown so tests can assert on it (and on what must never show).

import type { CredentialSource, UploadDeps } from '../../client/src/upload/orchestrate';
import type { Connector, Credentials, TrustStore } from '../../client/src/upload/transport';
import type { Phase, RouterProfile } from '../../client/src/upload/types';

export interface Recorder {
  logs: string[];
  phases: Phase[];
  fingerprintsShown: string[];
  confirms: string[];
  remembered: number;
  forgotten: number;
  trust: Map<string, string>;
  /** The buttons of each multi-answer question. */
  choices: string[][];
}

export interface ScriptedUi {
  password: string | undefined;
  trustFingerprint?: boolean;
  confirm?: boolean | ((message: string) => boolean);
  /** Answer to a question with several buttons; default: the last button when `confirm` is true. */
  choose?: (message: string, actions: string[]) => string | undefined;
  cancelAt?: Phase;
  /** Runs when a phase starts (fault injection at a moment of the upload). */
  onPhase?: (phase: Phase) => void;
  /** How long the user takes to answer the fingerprint question (ms). */
  fingerprintDelayMs?: number;
  /** Runs while the fingerprint question is open (fault injection). */
  whileAsking?: () => void | Promise<void>;
}

export function makeDeps(connect: Connector, ui: ScriptedUi, rec?: Partial<Recorder>): { deps: UploadDeps; rec: Recorder } {
  const r: Recorder = { logs: [], phases: [], fingerprintsShown: [], confirms: [], remembered: 0, forgotten: 0, trust: new Map(), choices: [], ...rec };
  const trust: TrustStore = {
    get: (id) => r.trust.get(id),
    set: (id, fp) => void r.trust.set(id, fp),
    delete: (id) => void r.trust.delete(id),
  };
  const credentials: CredentialSource = {
    get: async (): Promise<Credentials | undefined> => (ui.password === undefined ? undefined : { password: ui.password }),
    remember: async () => void r.remembered++,
    forget: async () => void r.forgotten++,
  };
  let cancelled = false;
  const deps: UploadDeps = {
    connect,
    trust,
    credentials,
    prompt: {
      confirmFingerprint: async (_what, _endpoint, fp) => {
        r.fingerprintsShown.push(fp);
        if (ui.whileAsking) await ui.whileAsking();
        if (ui.fingerprintDelayMs) await new Promise((res) => setTimeout(res, ui.fingerprintDelayMs));
        return ui.trustFingerprint ?? true;
      },
    },
    confirm: async (message) => {
      r.confirms.push(message);
      const c = ui.confirm ?? false;
      return typeof c === 'function' ? c(message) : c;
    },
    choose: async (message, actions) => {
      r.confirms.push(message);
      r.choices.push(actions);
      if (ui.choose) return ui.choose(message, actions);
      const c = ui.confirm ?? false;
      return (typeof c === 'function' ? c(message) : c) ? actions[actions.length - 1] : undefined;
    },
    log: (l) => r.logs.push(l),
    progress: (p) => {
      if (!r.phases.includes(p)) ui.onPhase?.(p);
      r.phases.push(p);
      if (ui.cancelAt === p) cancelled = true;
    },
    isCancelled: () => cancelled,
    pollIntervalMs: 20,
  };
  return { deps, rec: r };
}

export function profileFor(port: number, user: string, transport: 'ssh' | 'rest' = 'ssh'): RouterProfile {
  return { name: 'lab', host: '127.0.0.1', port, user, transport };
}
