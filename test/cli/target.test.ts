// rsc-lint --target VERSION: the RouterOS version the property checks use (issue 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, tempTree } from './helpers';

const TOS = '/ip firewall filter add chain=forward tos=4 action=accept\n';

test('--target 7.16: tos is reported as added in 7.21; without it (newest) the line is clean; a bad version is a usage error', async () => {
  const t = tempTree({ 'tos.rsc': TOS });
  try {
    const old = await runCli(['--target', '7.16', 'tos.rsc'], { cwd: t.dir });
    assert.equal(old.code, 1);
    assert.match(old.stdout, /tos\.rsc:1:39: error version-mismatch "tos" .* is in RouterOS 7\.21 and later; the target is 7\.16/);
    const inline = await runCli(['--target=7.21', 'tos.rsc'], { cwd: t.dir });
    assert.equal(inline.code, 0);
    const dflt = await runCli(['tos.rsc'], { cwd: t.dir });
    assert.equal(dflt.code, 0);
    const bad = await runCli(['--target', 'seven', 'tos.rsc'], { cwd: t.dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad --target "seven"/);
  } finally {
    t.cleanup();
  }
});
