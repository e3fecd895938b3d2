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
