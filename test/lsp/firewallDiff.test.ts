// The compare request over stdio: what the open document changes against a base text, as Markdown and text.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspTestClient } from './lspClient';

const LISTS = `/interface list add name=WAN
/interface list member add list=WAN interface=ether1
`;
const BASE = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`;
const TEXT = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=tcp dst-port=8291 comment="winbox"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`;

describe('routeros/firewallDiff', () => {
  let c: LspTestClient;
  const uri = 'file:///work/fw.rsc';
  before(async () => {
    c = new LspTestClient(['--stdio']);
    await c.initialize();
    await c.open(uri, TEXT, 3);
  });
  after(async () => {
    await c.close();
  });

  test('the open document against its base: the winbox port newly open from the WAN', async () => {
    const r = await c.request<any>('routeros/firewallDiff', { uri, baseText: BASE, baseName: 'fw.rsc (HEAD)', name: 'fw.rsc' });
    assert.equal(r.version, 3);
    assert.equal(r.complete, true);
    assert.equal(r.changes, 1);
    assert.equal(
      r.text,
      'fw.rsc (HEAD) -> fw.rsc: 1 change, 1 newly accepted (1 from WAN)\n' +
        'input  from WAN  tcp 8291 connection-state=new,invalid  drop (rule 1 "drop all from WAN", fw.rsc (HEAD):5) -> accept (rule 1 "winbox", fw.rsc:5)\n' +
        'WAN: the WAN is interface list "WAN"\n',
    );
    assert.match(r.markdown, /^### Firewall changes: `fw.rsc \(HEAD\)` → `fw.rsc`/);
    assert.match(r.markdown, /\| 🔓 \| input \| WAN \| tcp 8291/);
  });

  test('the same firewall: no change; a document that is not open: an error', async () => {
    const same = await c.request<any>('routeros/firewallDiff', { uri, baseText: TEXT, baseName: 'copy' });
    assert.equal(same.changes, 0);
    assert.match(same.text, /no change/);
    await assert.rejects(c.request<any>('routeros/firewallDiff', { uri: 'file:///work/other.rsc', baseText: BASE, baseName: 'x' }), /not open/);
  });
});
