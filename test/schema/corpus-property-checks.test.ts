// The property checks on the real corpus: every error-severity finding of unknown-property,
// duplicate-property, missing-required, version-mismatch and invalid-value is listed here, each judged
// true by hand (a real mistake RouterOS 7 rejects). A new one fails the test until judged: a false
// error on a file RouterOS accepts is a defect. Skips without ../shared/corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../../server/src/lint';

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');
const IDS = new Set(['unknown-property', 'duplicate-property', 'missing-required', 'version-mismatch', 'invalid-value']);

/** file:line rule -> why it is true. */
const JUDGED: Record<string, string> = {
  'FoxDenHome__router__redfox.rsc:19 unknown-property': 'remote-qaddress: a typo of remote-address',
  'FoxDenHome__router__redfox.rsc:20 unknown-property': 'remote-qaddress: a typo of remote-address',
  'Freedon-Z__Mikrotk-MTCNA__Hotspot.rsc:53 unknown-property': '/ip hotspot has no ssid (that is a wireless property)',
  'Freedon-Z__Mikrotk-MTCNA__firewall.rsc:70 invalid-value': 'action=limit: no such firewall action (limit= is a matcher)',
  'Im0nk3yar0und__mikrotik__firewall__bl&portKnocking.rsc:3 missing-required': 'address-list entry without address=',
  'Im0nk3yar0und__mikrotik__firewall__port_scan_input.rsc:2 missing-required': 'address-list entry without address=',
  'aeternuspolyphagus__mikrotik-firewall__Edit__address-lists__adresslists.rsc:2 missing-required': 'address-list entry without address=',
  'aeternuspolyphagus__mikrotik-firewall__Edit__address-lists__adresslists.rsc:3 missing-required': 'address-list entry without address=',
  'aeternuspolyphagus__mikrotik-firewall__Edit__address-lists__adresslists.rsc:4 missing-required': 'address-list entry without address=',
  'aeternuspolyphagus__mikrotik-firewall__new-firewall.rsc:17 duplicate-property': 'action=accept written twice',
  'aeternuspolyphagus__mikrotik-firewall__new-firewall.rsc:57 duplicate-property': 'action=accept written twice',
  'aeternuspolyphagus__mikrotik-firewall__new-firewall.rsc:129 missing-required': 'address-list entry without address=',
  'aeternuspolyphagus__mikrotik-firewall__new-firewall.rsc:130 missing-required': 'address-list entry without address=',
  'aeternuspolyphagus__mikrotik-firewall__new-firewall.rsc:131 missing-required': 'address-list entry without address=',
  'astrixgame__mikrotik-scripting__scripts__setup-netboot-xyz.rsc:2 unknown-property': '/ip tftp items have no enabled= (disabled=)',
  'leon-m__router-config__config__firewall.rsc:40 missing-required': 'address-list entry without address=',
  'luminosita__packer-images__common__rsc__xmpp-vpn__firewall.rsc:22 missing-required': 'address-list entry without address=',
  'luminosita__packer-images__common__rsc__xmpp-vpn__firewall.rsc:23 missing-required': 'address-list entry without address=',
  'luminosita__packer-images__common__rsc__xmpp-vpn__firewall.rsc:24 missing-required': 'address-list entry without address=',
  'luminosita__packer-images__common__rsc__xmpp-vpn__firewall.rsc:25 missing-required': 'address-list entry without address=',
  'ncvega__MikroTik__config.rsc:13 unknown-property': '/user has address=, not allowed-address=',
  'paxlo__mikrotik__ovpn-server.rsc:7 invalid-value': 'cipher=aes256 is RouterOS 6; v7 has aes256-cbc / aes256-gcm (ambiguous)',
  'zywj0han9__Mikrotik_RouterOS__scripts__init.rsc:165 unknown-property': 'raw has no connection tracking: connection-state= is not a raw matcher',
};

test('corpus: every error of the property checks is a judged true finding', { skip: !existsSync(corpus) && `${corpus} not found` }, () => {
  const found: string[] = [];
  for (const f of readdirSync(corpus).sort()) {
    const text = readFileSync(join(corpus, f), 'latin1');
    for (const x of lint(text).findings) {
      if (x.severity === 'error' && IDS.has(x.rule)) found.push(`${f}:${x.range.start.line + 1} ${x.rule}`);
    }
  }
  const unique = [...new Set(found)].sort();
  assert.deepEqual(unique, Object.keys(JUDGED).sort());
});
