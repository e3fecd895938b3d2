// Builds the model for every corpus file (must never throw) and lists the files with knock sequences:
// exactly the server-side knock setups of the corpus, none in other files.
// Skips when ../shared/corpus is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../server/src/parser';
import { buildModel, findBlacklists, findKnockSequences } from '../../server/src/model';

const repoRoot = join(__dirname, '..', '..');
const corpus = join(repoRoot, '..', 'shared', 'corpus', 'files');

/** Files that set up a server-side knock (from corpus/REPORT.md), with the sequences we expect. */
const EXPECTED: Record<string, string[]> = {
  'dankoj__mikrotik__firewall.rsc': ['ip input: knock-1 > knock-2'],
  'facubertran__mikrotik_hadening__filter-input.rsc': [
    'ip ReconocimientoParaAccesoPublico_Crenein: F_ReconocimientoParaAccesoPublico_Fase1 > F_PermitidoPorReconocimientoParaAccesoPublico',
  ],
  'Im0nk3yar0und__mikrotik__firewall__portKnocking.rsc': [
    'ip ssh_portKnocking: pk_stage1 > pk_stage2 > pk_stage3 > pk_sshAllow',
  ],
  'Im0nk3yar0und__mikrotik__firewall__bl&portKnocking.rsc': [
    'ip ssh_portKnocking: pk_stage1 > pk_stage2 > pk_stage3 > pk_sshAllow',
  ],
  'LazyGatto__mikrotik-psk-knock__routeros__prototype-stage-token.rsc': [
    'ip input: mkpk-proto-stage1 > mkpk-proto-stage2 > mkpk-proto-token-hit',
  ],
  'LazyGatto__mikrotik-psk-knock__routeros__prototype-time-token.rsc': [
    'ip input: mkpk-tt-stage1 > mkpk-tt-stage2 > mkpk-tt-token-hit-now',
    'ip input: mkpk-tt-stage1 > mkpk-tt-stage2 > mkpk-tt-token-hit-prev',
  ],
  'luminosita__packer-images__common__rsc__xmpp-vpn__firewall.rsc': [
    'ip input: Port_knocking_stage_1 > Port_knocking_stage_2 > Port_knocking_stage_3 > Trusted_port_knocker',
  ],
  'welderjunior__Instala-o-NetInstall__firewall-default-drop.rsc': ['ip input: PORT-KNOCKING-1 > PORT-KNOCKING-2 > REDE-SUPORTE'],
  'zywj0han9__Mikrotik_RouterOS__scripts__init.rsc': ['ip input: knock1 > knock2 > mgmt-allow'],
};

test('corpus: every file builds; knock sequences exactly in the knock setups', { skip: !existsSync(corpus) && 'no ../shared/corpus' }, () => {
  const found: Record<string, string[]> = {};
  const crashes: string[] = [];
  let blacklists = 0;
  for (const name of readdirSync(corpus).sort()) {
    const text = readFileSync(join(corpus, name), 'utf8');
    try {
      const model = buildModel(parse(text), text);
      const ks = findKnockSequences(model);
      blacklists += findBlacklists(model).length;
      if (ks.length > 0) found[name] = ks.map((k) => `${k.family} ${k.chain}: ${k.stages.map((s) => s.list).join(' > ')}`);
    } catch (e) {
      crashes.push(`${name}: ${(e as Error).stack}`);
    }
  }
  for (const [f, ks] of Object.entries(found)) console.log(`knock: ${f}\n  ${ks.join('\n  ')}`);
  console.log(`blacklists found: ${blacklists}`);
  assert.deepEqual(crashes, []);
  assert.deepEqual(found, EXPECTED);
});
