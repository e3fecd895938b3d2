// The orchestration against an in-memory router: checks before upload (empty, non-ASCII, lockout lint
// with the project's real lint), profiles, cancellation, cleanup, unknown outcomes, and redaction:
// no secret ever reaches a log line or an error message.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/lint';
import { lockoutRisks } from '../../server/src/features/lockout';
import { runUpload, type UploadRequest } from '../../client/src/upload/orchestrate';
import { checkProfile, tempFileName } from '../../client/src/upload/preflight';
import { MASK, Redactor } from '../../client/src/upload/redact';
import type { Connector, RouterSession } from '../../client/src/upload/transport';
import { DEFAULT_SETTINGS, UploadError } from '../../client/src/upload/types';
import { makeDeps } from './helpers';

const SECRET = 'S3cr3t!pa55"word';

interface MemRouter {
  files: Map<string, Buffer>;
  commands: string[];
  importAnswer: string | Error;
  removeFails?: boolean;
}

function memConnector(r: MemRouter): Connector {
  return async (o) => {
    if (o.credentials.password !== SECRET) {
      // A transport that (badly) echoes what it was given: the orchestrator must still redact it.
      throw new UploadError('auth-failed', `login as ${o.profile.user} with ${o.credentials.password} refused`);
    }
    const s: RouterSession = {
      kind: 'ssh',
      run: async (cmd) => {
        r.commands.push(cmd);
        if (cmd.startsWith(':put [/system resource')) return '7.22.1 (stable)\n';
        if (cmd.endsWith('dry-run')) return 'Script file loaded successfully\n';
        if (cmd.startsWith('/import')) {
          if (r.importAnswer instanceof Error) throw r.importAnswer;
          return r.importAnswer;
        }
        return '';
      },
      putFile: async (n, c) => void r.files.set(n, c),
      removeFile: async (n) => {
        if (r.removeFails) throw new UploadError('protocol', 'connection lost');
        r.files.delete(n);
      },
      close: () => undefined,
    };
    return s;
  };
}

const mem = (answer: string | Error = 'Script file loaded and executed successfully\n'): MemRouter => ({ files: new Map(), commands: [], importAnswer: answer });
const req = (text: string, extra: Partial<UploadRequest> = {}): UploadRequest => ({
  text,
  fileLabel: 'fw.rsc',
  profile: { name: 'r1', host: 'router.lab', user: 'admin', transport: 'ssh' },
  settings: DEFAULT_SETTINGS,
  mode: 'apply',
  ...extra,
});
const realLint = (t: string, a: Parameters<typeof lockoutRisks>[1]) => lockoutRisks(lint(t), a);

describe('before anything is sent', () => {
  it('an empty or comment-only file is refused', async () => {
    const r = mem();
    const { deps } = makeDeps(memConnector(r), { password: SECRET });
    await assert.rejects(runUpload(req('\n# nothing here\n'), deps), (e: UploadError) => e.code === 'empty-file');
    assert.equal(r.commands.length, 0);
  });

  it('non-ASCII text: warns with the line, stops unless confirmed', async () => {
    const text = '/ip firewall filter\nadd chain=input action=accept comment="Büro"\n';
    const r = mem();
    const no = makeDeps(memConnector(r), { password: SECRET, confirm: false });
    await assert.rejects(runUpload(req(text), no.deps), (e: UploadError) => e.code === 'non-ascii' && /line 2 column 41 \("ü"\)/.test(e.message));
    assert.equal(r.commands.length, 0);
    const yes = makeDeps(memConnector(r), { password: SECRET, confirm: true });
    assert.equal((await runUpload(req(text), yes.deps)).outcome, 'applied');
  });

  it('a lockout-class finding (here a syntax error, from the real lint) stops the upload unless confirmed', async () => {
    const text = '/ip firewall filter\nadd chain=input action=accept "oops\n';
    const r = mem();
    const blocked = makeDeps(memConnector(r), { password: SECRET, confirm: false });
    blocked.deps.lockout = realLint;
    await assert.rejects(runUpload(req(text), blocked.deps), (e: UploadError) => e.code === 'lint-blocked' && /line 2: unterminated string.*\[parse-error\]/.test(e.message));
    assert.equal(r.commands.length, 0);
    const confirmed = makeDeps(memConnector(r), { password: SECRET, confirm: true });
    confirmed.deps.lockout = realLint;
    await runUpload(req(text), confirmed.deps);
    assert.match(confirmed.rec.confirms[0], /lock you out/);
  });

  it('a clean script is not questioned by the lint gate', async () => {
    const r = mem();
    const { deps, rec } = makeDeps(memConnector(r), { password: SECRET, confirm: false });
    deps.lockout = realLint;
    assert.equal((await runUpload(req('/ip firewall filter\nadd chain=input action=accept connection-state=established\n'), deps)).outcome, 'applied');
    assert.deepEqual(rec.confirms, []);
  });

  it('profiles: clear errors, no passwords in settings, never an .auto.rsc name', () => {
    assert.throws(() => checkProfile({ name: 'a', host: 'h', user: 'u', transport: 'telnet' as 'ssh' }), /"transport" must be "ssh" or "rest"/);
    assert.throws(() => checkProfile({ name: 'a', host: 'h', user: 'u', transport: 'ssh', password: 'x' } as never), /passwords do not belong in settings/);
    assert.throws(() => checkProfile({ name: 'a', host: 'h', user: 'u', transport: 'ssh', defaultFileName: 'fw.auto.rsc' }), /\.auto\.rsc/);
    assert.match(tempFileName('fw.auto.rsc', new Date('2025-01-02T03:04:05Z'), () => 0.5), /^fw-20250102030405-[a-z0-9]{6}\.rsc$/);
  });
});

describe('during and after the import', () => {
  it('cancel after the dry run: nothing applied, file removed', async () => {
    const r = mem();
    const { deps } = makeDeps(memConnector(r), { password: SECRET, cancelAt: 'validate' });
    await assert.rejects(runUpload(req('/system identity set name=x\n'), deps), (e: UploadError) => e.code === 'cancelled');
    assert.ok(!r.commands.some((c) => c.startsWith('/import') && !c.endsWith('dry-run')));
    assert.equal(r.files.size, 0);
  });

  it('a broken connection during the import: outcome unknown, not a guess', async () => {
    const r = mem(new UploadError('timeout', 'The router did not finish within 600 s', true));
    const { deps } = makeDeps(memConnector(r), { password: SECRET });
    const res = await runUpload(req('/system identity set name=x\n'), deps);
    assert.equal(res.outcome, 'unknown');
    assert.match(res.summary, /Check the router/);
  });

  it('a file that cannot be removed is reported', async () => {
    const r = mem();
    r.removeFails = true;
    const { deps, rec } = makeDeps(memConnector(r), { password: SECRET });
    const res = await runUpload(req('/system identity set name=x\n'), deps);
    assert.match(res.leftBehind ?? '', /^rsc-upload-\d{14}-[a-z0-9]{6}\.rsc$/);
    assert.ok(rec.logs.some((l) => l.includes(`/file remove "${res.leftBehind}"`)));
  });
});

describe('secrets never show', () => {
  it('the Redactor masks the password, its JSON/URL forms and the Basic-auth token', () => {
    const red = new Redactor();
    red.add(SECRET, 'admin');
    const basic = Buffer.from(`admin:${SECRET}`).toString('base64');
    const out = red.redact(`pw=${SECRET} json=${JSON.stringify(SECRET)} url=${encodeURIComponent(SECRET)} auth=Basic ${basic}`);
    for (const s of [SECRET, JSON.stringify(SECRET).slice(1, -1), encodeURIComponent(SECRET), basic]) assert.ok(!out.includes(s), s);
    assert.ok(out.includes(MASK));
  });

  it('a wrong password echoed by a transport is masked in the error and the log', async () => {
    const wrong = 'typo-' + SECRET;
    const r = mem();
    const { deps, rec } = makeDeps(memConnector(r), { password: wrong });
    await assert.rejects(runUpload(req('/system identity set name=x\n'), deps), (e: UploadError) => {
      assert.equal(e.code, 'auth-failed');
      assert.ok(!e.message.includes(wrong) && !e.message.includes(SECRET));
      assert.match(e.message, /stored password was removed/);
      return true;
    });
    assert.ok(!rec.logs.join('\n').includes(wrong));
  });

  it('router output that happens to contain the password is masked in the output channel', async () => {
    const r = mem(`:log info "${SECRET}"\nScript file loaded and executed successfully\n`);
    const { deps, rec } = makeDeps(memConnector(r), { password: SECRET });
    await runUpload(req(`:log info "${SECRET}"\n`), deps);
    const all = rec.logs.join('\n');
    assert.ok(!all.includes(SECRET));
    assert.ok(all.includes(`router> :log info "${MASK}"`));
  });
});
