// REST against the local fakes (HTTPS and a plain-HTTP one, both on 127.0.0.1): a stored password
// never follows a profile whose destination changed (a workspace's settings redefining "lab"), plain
// HTTP asks every time naming the host before any password is read, a plain-HTTP port reached over
// HTTPS is named as such, and the user is not timed while reading the certificate fingerprint.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { credentialSource, passwordKey, type SecretStore } from '../../client/src/upload/credentials';
import { runUpload, type UploadRequest } from '../../client/src/upload/orchestrate';
import { connectRest } from '../../client/src/upload/rest';
import { DEFAULT_SETTINGS, type RouterProfile, type UploadError, type UploadSettings } from '../../client/src/upload/types';
import { openSslUnavailable, startFakeRest, type FakeRest } from '../fixtures/router/fake-rest';
import { makeDeps } from './helpers';

const skip = openSslUnavailable();
if (skip) console.log(`# SKIP REST destination tests: ${skip}`);

const settings: UploadSettings = { ...DEFAULT_SETTINGS, connectTimeoutMs: 3000, importTimeoutMs: 20_000, restRequestLimitMs: 5000 };
const good = '/ip firewall address-list add list=secured address=10.0.0.2\n';

function memSecrets(): SecretStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k) => map.get(k),
    store: async (k, v) => void map.set(k, v),
    delete: async (k) => void map.delete(k),
  };
}

describe('REST: where a password may go', { skip, concurrency: false }, () => {
  let https: FakeRest;
  let http: FakeRest;
  before(async () => {
    https = await startFakeRest();
    http = await startFakeRest({ plainHttp: true });
    http.password = https.password; // the same admin password on both routers: only the destination differs
  });
  after(async () => {
    await https?.stop();
    await http?.stop();
  });
  beforeEach(() => {
    https.reset();
    http.reset();
  });

  const req = (profile: RouterProfile, extra: Partial<UploadRequest> = {}): UploadRequest => ({ text: good, fileLabel: 'fw.rsc', profile, settings, mode: 'apply', ...extra });

  it('a workspace redefining profile "lab" to another host/port over HTTP: the stored password is not sent, the user is asked again', async () => {
    const secrets = memSecrets();
    const asked: RouterProfile[] = [];
    const creds = credentialSource(secrets, {
      password: async (p) => {
        asked.push(p);
        return https.password;
      },
      passphrase: async () => undefined,
      readKey: () => Buffer.alloc(0),
      keyIsEncrypted: () => false,
    });
    const lab: RouterProfile = { name: 'lab', host: '127.0.0.1', port: https.port, user: 'admin', transport: 'rest' };
    const first = makeDeps(connectRest, { password: undefined });
    first.deps.credentials = creds;
    assert.equal((await runUpload(req(lab), first.deps)).outcome, 'applied');
    assert.equal(asked.length, 1);
    assert.equal(secrets.map.get(passwordKey(lab)), https.password, 'stored under transport, host, port and user');
    assert.ok(![...secrets.map.keys()].some((k) => k.includes('.lab.')), 'not under the profile name');

    // Same name, new destination (another port, plain HTTP): as a workspace's settings would redefine it.
    const redefined: RouterProfile = { name: 'lab', host: '127.0.0.1', port: http.port, user: 'admin', transport: 'rest', restAllowHttp: true };
    const declined = makeDeps(connectRest, { password: undefined, confirm: false });
    declined.deps.credentials = creds;
    await assert.rejects(runUpload(req(redefined), declined.deps), (e: UploadError) => {
      assert.equal(e.code, 'insecure-http');
      return true;
    });
    assert.match(declined.rec.confirms[0], new RegExp(`UNENCRYPTED to 127\\.0\\.0\\.1:${http.port}`));
    assert.equal(asked.length, 1, 'not even asked for a password before the HTTP question was answered');
    assert.deepEqual(http.authHeaders, [], 'nothing reached the HTTP router');

    const accepted = makeDeps(connectRest, { password: undefined, confirm: true });
    accepted.deps.credentials = creds;
    assert.equal((await runUpload(req(redefined), accepted.deps)).outcome, 'applied');
    assert.equal(asked.length, 2, 'the password is asked again for the new destination');
    assert.equal(asked[1].port, http.port);

    // A stored password over HTTP: asked again on every run, naming the host.
    http.reset();
    const again = makeDeps(connectRest, { password: undefined, confirm: true });
    again.deps.credentials = creds;
    assert.equal((await runUpload(req(redefined), again.deps)).outcome, 'applied');
    assert.equal(asked.length, 2, 'stored now');
    assert.equal(again.rec.confirms.length, 1);
    assert.match(again.rec.confirms[0], new RegExp(`Send it to 127\\.0\\.0\\.1:${http.port}\\?`));
  });

  it('HTTPS to a port that speaks plain HTTP: says so and how to proceed, no OpenSSL jargon', async () => {
    const { deps } = makeDeps(connectRest, { password: https.password });
    const profile: RouterProfile = { name: 'lab', host: '127.0.0.1', port: http.port, user: 'admin', transport: 'rest' };
    await assert.rejects(runUpload(req(profile), deps), (e: UploadError) => {
      assert.equal(e.code, 'insecure-http');
      assert.match(e.message, /127\.0\.0\.1:\d+ speaks plain HTTP, not HTTPS/);
      assert.match(e.message, /www-ssl/);
      assert.match(e.message, /"restAllowHttp": true/);
      assert.doesNotMatch(e.message, /ssl3|wrong version number|routines/i);
      return true;
    });
    assert.deepEqual(http.authHeaders, [], 'no credentials were sent');
  });

  it('the user takes longer over the certificate than the connect timeout: not timed', async () => {
    const { deps, rec } = makeDeps(connectRest, { password: https.password, fingerprintDelayMs: 2500 });
    const profile: RouterProfile = { name: 'lab', host: '127.0.0.1', port: https.port, user: 'admin', transport: 'rest' };
    const res = await runUpload(req(profile, { settings: { ...settings, connectTimeoutMs: 1000 } }), deps);
    assert.equal(res.outcome, 'applied', res.summary);
    assert.equal(rec.trust.get(`https:127.0.0.1:${https.port}`), https.fingerprint);
  });
});
