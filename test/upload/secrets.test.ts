// Secrets never reach what the user sees: the result's summary and problems (the Problems panel and the
// notification are made of them), the output channel, progress, questions and errors, whatever form
// the password comes back in (ASCII, non-ASCII read back as latin1 mojibake, RouterOS's \XX escapes,
// JSON), and a short password is never revealed by masking it inside other words.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runUpload, type UploadRequest, type UploadResult } from '../../client/src/upload/orchestrate';
import { MASK, MIN_SUBSTRING_LENGTH, Redactor, secretForms, type Shown } from '../../client/src/upload/redact';
import type { Connector, RouterSession } from '../../client/src/upload/transport';
import { DEFAULT_SETTINGS, UploadError, UploadFailure } from '../../client/src/upload/types';
import { makeDeps, type Recorder } from './helpers';

/** What the router prints for a script line holding the password, as the transports decode it (latin1). */
const asReadBack = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

function echoRouter(password: string, how: 'dry-run-error' | 'runtime-error' | 'log' | 'connect-error'): Connector {
  return async (o) => {
    if (how === 'connect-error') throw new UploadError('protocol', `handshake failed for ${asReadBack(password)} (${o.credentials.password})`);
    const s: RouterSession = {
      kind: 'ssh',
      run: async (cmd) => {
        if (cmd.startsWith(':put [/system resource')) return '7.22.1 (stable)\n';
        if (cmd.endsWith('dry-run')) {
          if (how === 'dry-run-error') return `bad command name ${asReadBack(password)} (line 2 column 1)\n`;
          return 'Script file loaded successfully\n';
        }
        if (how === 'runtime-error') return `/system identity set name=${asReadBack(password)}\nfailure: name ${asReadBack(password)} is not allowed (line 2)\n`;
        return `:log info "${asReadBack(password)}"\nScript file loaded and executed successfully\n`;
      },
      putFile: async () => undefined,
      removeFile: async () => undefined,
      close: () => undefined,
    };
    return s;
  };
}

const req = (text: string): UploadRequest => ({
  text,
  fileLabel: 'fw.rsc',
  profile: { name: 'r1', host: 'router.lab', user: 'admin', transport: 'ssh' },
  settings: DEFAULT_SETTINGS,
  mode: 'apply',
});

/** Every text of a result and of the recorder: what reaches the output channel, notifications and Problems. */
function everythingShown(res: UploadResult | undefined, rec: Recorder, err?: unknown): string {
  const parts: string[] = [...rec.logs, ...rec.confirms];
  if (res) parts.push(res.summary, res.routerOutput, ...res.problems.flatMap((p) => [p.message, p.raw]));
  if (err instanceof UploadFailure) parts.push(err.shown, err.message);
  return parts.join('\n');
}

const PASSWORDS: Array<[string, string]> = [
  ['ASCII', 'Adm1n-Secret-42'],
  ['non-ASCII', 'Pässwörd-Grüße-9'],
];

describe('secrets never show, whatever the output path', () => {
  for (const [kind, pw] of PASSWORDS) {
    for (const how of ['dry-run-error', 'runtime-error', 'log'] as const) {
      it(`${kind} password in router output (${how}): masked in summary, problems, log and router output`, async () => {
        const { deps, rec } = makeDeps(echoRouter(pw, how), { password: pw });
        const res = await runUpload(req(`/ip firewall filter\n/system identity set name=x\n`), deps);
        const all = everythingShown(res, rec);
        for (const form of [pw, asReadBack(pw)]) assert.ok(!all.includes(form), `${JSON.stringify(form)} leaked:\n${all}`);
        assert.ok(all.includes(MASK), 'something was masked');
        if (how === 'dry-run-error') {
          assert.equal(res.outcome, 'not-applied');
          assert.equal(res.problems[0].message, `bad command name ${MASK} (line 2 column 1)`);
          assert.equal(res.problems[0].line, 1, 'still mapped to its line');
        }
      });
    }
    it(`${kind} password echoed in a transport error: masked in the thrown error and the log`, async () => {
      const { deps, rec } = makeDeps(echoRouter(pw, 'connect-error'), { password: pw });
      let caught: unknown;
      await assert.rejects(
        runUpload(req('/system identity set name=x\n'), deps).catch((e) => {
          caught = e;
          throw e;
        }),
        UploadFailure,
      );
      const all = everythingShown(undefined, rec, caught);
      assert.ok(!all.includes(pw) && !all.includes(asReadBack(pw)), all);
    });
  }

  it('a non-ASCII password in RouterOS escapes (\\C3\\A4), JSON (\\u00e4) and Basic auth is masked', () => {
    const pw = 'Pässwörd-Grüße-9';
    const red = new Redactor();
    red.add(pw, 'admin');
    const routerEscaped = [...Buffer.from(pw, 'utf8')].map((b) => (b < 0x80 ? String.fromCharCode(b) : '\\' + b.toString(16).toUpperCase())).join('');
    const jsonAscii = pw.replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    const basic = Buffer.from(`admin:${pw}`, 'utf8').toString('base64');
    for (const form of [routerEscaped, routerEscaped.replace(/\\[0-9A-F]{2}/g, (m) => m.toLowerCase()), jsonAscii, basic, encodeURIComponent(pw), JSON.stringify(asReadBack(pw))]) {
      const out = red.redact(`x=${form} y`);
      assert.equal(out, `x=${form.startsWith('"') ? `"${MASK}"` : MASK} y`, form);
    }
  });

  it('a short password is masked only as a whole token, never inside other words, and the log says so', async () => {
    const pw = 'rsc';
    assert.ok(pw.length < MIN_SUBSTRING_LENGTH);
    const red = new Redactor();
    red.add(pw);
    assert.equal(red.redact('rsc-upload-20260102-abc.rsc uploaded; rscx; xrsc'), 'rsc-upload-20260102-abc.rsc uploaded; rscx; xrsc');
    assert.equal(red.redact(':log info "rsc"; name=rsc; (rsc) rsc'), `:log info "${MASK}"; name=${MASK}; (${MASK}) ${MASK}`);

    const { deps, rec } = makeDeps(echoRouter(pw, 'log'), { password: pw });
    const res = await runUpload(req('/system identity set name=x\n'), deps);
    const all = everythingShown(res, rec);
    assert.ok(all.includes(`:log info "${MASK}"`));
    assert.ok(/rsc-upload-\d{14}-[a-z0-9]{6}\.rsc/.test(all), 'the temporary file name is not mangled (which would reveal the password)');
    assert.ok(rec.logs.some((l) => /shorter than 8 characters.*whole word/.test(l)));
  });

  it('a short non-ASCII password read back as latin1 is masked as a whole token too', () => {
    const red = new Redactor();
    red.add('pä1');
    assert.deepEqual(secretForms('pä1').includes(asReadBack('pä1')), true);
    assert.equal(red.redact(`name=${asReadBack('pä1')} x${asReadBack('pä1')}y`), `name=${MASK} x${asReadBack('pä1')}y`);
  });

  it('only the Redactor makes Shown text (checked by the compiler)', () => {
    // @ts-expect-error a plain string is not Shown: it has to go through Redactor.redact
    const notShown: Shown = 'router said: secret';
    const shown: Shown = new Redactor().redact('x');
    // @ts-expect-error the result's summary only takes Shown
    const r: Pick<UploadResult, 'summary'> = { summary: 'raw text' };
    assert.ok(notShown && shown === 'x' && r);
  });
});
