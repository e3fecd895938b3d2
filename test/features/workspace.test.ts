import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../server/src/features/workspace';
import { lint } from '../../server/src/lint';
import { loadSchema } from '../../server/src/schema';

const schema = loadSchema('7.22');

test('workspace: a global declared in another script counts as declared for undefined-variable', () => {
  const ws = new WorkspaceIndex(schema);
  assert.equal(ws.update('file:///init.rsc', ':global wanIp "198.51.100.1"\n'), true);
  ws.update('file:///use.rsc', ':put $wanIp\n');
  const env = { workspaceGlobals: ws.globalsExcept('file:///use.rsc') };
  assert.deepEqual([...env.workspaceGlobals], ['wanIp']);
  assert.equal(lint(':put $wanIp\n', { env }).findings.filter((f) => f.rule === 'undefined-variable').length, 0);
  // Re-indexing the same globals is not a change; removing the file is.
  assert.equal(ws.update('file:///init.rsc', ':global wanIp "198.51.100.2"\n'), false);
  assert.equal(ws.remove('file:///init.rsc'), true);
  assert.equal(ws.globalsExcept('file:///use.rsc').size, 0);
});

test('workspace: symbols and definitions across files; one symbol per list and file, locals not shared', () => {
  const ws = new WorkspaceIndex(schema);
  ws.update('file:///lists.rsc', '/ip firewall address-list\nadd list=admins address=192.0.2.1\nadd list=admins address=192.0.2.2\n:local tmp 1\n');
  ws.update('file:///fw.rsc', '/ip firewall filter\nadd chain=mgmt action=accept src-address-list=admins\n');
  const syms = ws.symbols('adm');
  assert.deepEqual(syms.map((s) => `${s.name} ${s.location.uri} ${s.location.range.start.line}`), ['admins file:///lists.rsc 1']);
  assert.equal(ws.symbols('tmp').length, 0);
  assert.deepEqual(ws.definitions('address-list ip admins', 'file:///fw.rsc').map((l) => l.range.start.line), [1, 2]);
  assert.ok(ws.symbols('').some((s) => s.name === 'mgmt'));
});

test('workspace: chains another file defines are not jump-target-missing in a file that jumps to them', () => {
  const ws = new WorkspaceIndex(schema);
  const chainsFile = '/ip firewall filter\nadd chain=Drop-chain action=drop\nadd chain=Protected-chain action=accept protocol=icmp\n';
  assert.equal(ws.update('file:///chains.rsc', chainsFile), true);
  // A full firewall (it defines a chain of its own) jumping to one chain the sibling defines and one nobody does.
  const fw = '/ip firewall filter\nadd chain=forward action=jump jump-target=Drop-chain connection-state=invalid\nadd chain=forward action=jump jump-target=Nowhere\nadd chain=forward action=jump jump-target=lan\nadd chain=lan action=accept\n';
  ws.update('file:///fw.rsc', fw);
  assert.deepEqual([...ws.chainsExcept('file:///fw.rsc')].sort(), ['chain ip filter Drop-chain', 'chain ip filter Protected-chain']);
  const env = { workspaceChains: ws.chainsExcept('file:///fw.rsc') };
  const lines = (e?: typeof env) => lint(fw, e ? { env: e } : {}).findings.filter((f) => f.rule === 'jump-target-missing').map((f) => f.range.start.line + 1);
  assert.deepEqual(lines(), [2, 3]);
  assert.deepEqual(lines(env), [3]);
  // Re-indexing the same chains is no change; removing the file is (open documents are relinted).
  assert.equal(ws.update('file:///chains.rsc', chainsFile), false);
  assert.equal(ws.remove('file:///chains.rsc'), true);
});
