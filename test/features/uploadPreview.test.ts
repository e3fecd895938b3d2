// The upload preview document: session verdict, lockout risks, and what changes for traffic (the
// differential analysis of the router's export against export + script).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPreview } from '../../server/src/features/uploadPreview';
import { DEFCONF_EXPORT } from './sessionCheck.test';

const ACTIVE = ' 0   when=2026-12-02 16:01:02 name=admin address=192.168.88.10 via=ssh group=full radius=no\n';
const preview = (script: string) =>
  buildPreview({ exportText: DEFCONF_EXPORT, script, activeText: ACTIVE, user: 'admin', service: 'ssh', profilePort: 22, fileLabel: 'new.rsc', routerLabel: 'lab' });

describe('upload preview document', () => {
  it('lists what becomes reachable and what stops working, naming the rules on both sides', () => {
    const p = preview('/ip firewall filter\nadd chain=input action=accept protocol=tcp dst-port=8291 comment=winbox place-before=0\nadd chain=input action=drop src-address=192.168.88.0/24\n');
    assert.equal(p.verdict, 'cut');
    assert.match(p.document, /## This upload's session: CUT OFF/);
    assert.match(p.document, /\| 192\.168\.88\.10 \| bridge \| accepted → accepted \| accepted → DROPPED \|/);
    assert.match(p.document, /### Reachable from the WAN after the script\n\n- \*\*input\*\* from WAN\+other `tcp 8291 dst not 127\.0\.0\.1 connection-state=new`: drop \(rule 4 "defconf: drop all not coming from LAN", lab \(export\):24\) → \*\*accept \(rule 0 "winbox", new\.rsc:2\)\*\*/);
    assert.match(p.document, /### Stops working \(accepted now, refused after the script\)\n\n- \*\*input\*\* from LAN `tcp not 8291 src 192\.168\.88\.0\/24 dst not 127\.0\.0\.1 connection-state=new`: accept \(end of chain\) → \*\*drop \(rule 9, new\.rsc:3\)\*\*/);
    assert.match(p.document, /WAN: the WAN is interface list "WAN"/);
    assert.match(p.headline, /^The script cuts off this upload's ssh session from 192\.168\.88\.10 to port 22: line 3 of new\.rsc .* Apply it to lab\?$/);
  });

  it('a reorder of the router\'s own rules that changes nothing: no verdict changes, session kept', () => {
    const p = preview('/ip firewall filter move [find comment="defconf: accept to local loopback (for CAPsMAN)"] destination=[find comment="defconf: accept ICMP"]\n');
    assert.equal(p.verdict, 'keeps', p.document);
    assert.match(p.document, /No packet's verdict changes/);
  });

  it('moving the router\'s ICMP accept above "drop invalid" newly accepts invalid ICMP; line numbers are the script\'s', () => {
    const p = preview('# reorder\n/ip firewall filter move [find comment="defconf: accept ICMP"] destination=0\n');
    assert.match(p.document, /- \*\*input\*\* from any `icmp connection-state=invalid`: drop \(rule 1 "defconf: drop invalid", lab \(export\):21\) → \*\*accept \(rule 0 "defconf: accept ICMP", lab \(export\):22\)\*\* \(may: .*new\.rsc line 2/);
  });

  it('the lockout risks of the script itself are listed with their lines', () => {
    const p = buildPreview({
      exportText: DEFCONF_EXPORT, script: '/ip service set ssh disabled=yes\n', activeText: ACTIVE, user: 'admin', service: 'ssh', profilePort: 22, fileLabel: 'new.rsc', routerLabel: 'lab',
      risks: [{ kind: 'service-disabled', message: 'disables SSH, the service this upload uses', line: 0, certainty: 'will' }],
    });
    assert.equal(p.verdict, 'cut');
    assert.match(p.document, /## Lockout risks in the script\n\n- line 1: disables SSH, the service this upload uses \[service-disabled\]/);
    assert.match(p.headline, /also has 1 lockout risk/);
  });
});
