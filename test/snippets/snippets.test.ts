// Every snippet in snippets/routeros.json, expanded with its default values the way the editor does when
// the user accepts each placeholder, lints clean: not a single finding, of any severity. The snippets
// are complete, correct configurations (WAN-limited stages, fresh non-sequential ports, timeouts, the
// blacklist disabled), so nothing (not even the info-level knock-no-interface) is expected.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../../server/src/lint';
import { expandSnippet } from './expand';

const repoRoot = join(__dirname, '..', '..');
interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description: string;
}
const snippets = JSON.parse(readFileSync(join(repoRoot, 'snippets', 'routeros.json'), 'utf8')) as Record<string, Snippet>;

function expand(name: string): string {
  const s = snippets[name];
  assert.ok(s, `snippet "${name}" exists`);
  return expandSnippet(s.body).text;
}

function byPrefix(prefix: string): string {
  const name = Object.keys(snippets).find((k) => snippets[k].prefix === prefix);
  assert.ok(name, `a snippet with prefix ${prefix}`);
  return expand(name!);
}

function findingsOf(text: string): string[] {
  return lint(text).findings.map((f) => `${f.rule} ${f.severity} ${f.range.start.line + 1}:${f.range.start.column + 1} ${f.message}`);
}

describe('snippet expander', () => {
  it('expands defaults, mirrors, choices, nested placeholders and escapes', () => {
    assert.equal(expandSnippet('a ${1:x} $1 b').text, 'a x x b');
    assert.equal(expandSnippet('$1 then ${1:late}').text, 'late then late');
    assert.equal(expandSnippet('${1|tcp,udp|} ${2:[${3:in}]} $3').text, 'tcp [in] in');
    assert.equal(expandSnippet('\\$x \\} \\\\ $0').text, '$x } \\ ');
    assert.equal(expandSnippet('${TM_FILENAME:f.rsc} $UNKNOWN').text, 'f.rsc UNKNOWN');
    assert.equal(expandSnippet(['l1', 'l2 ${2:v}']).text, 'l1\nl2 v');
  });
  it('rejects a stray "$" that the editor would misread', () => {
    assert.throws(() => expandSnippet('cost $ 5'), /unescaped "\$"/);
    assert.throws(() => expandSnippet('${1:open'), /expected "\}"/);
  });
});

describe('snippets/routeros.json', () => {
  it('has the expected snippets, each with a unique prefix and a description', () => {
    const prefixes = Object.values(snippets).map((s) => s.prefix);
    assert.deepEqual(new Set(prefixes).size, prefixes.length, 'prefixes are unique');
    for (const p of [
      'knock-setup',
      'knock-3',
      'knock-4',
      'knock-udp-layer7',
      'knock-blacklist',
      'knock-script-grant',
      'knock-script-log',
      'knock-script-clean',
      'wireguard-admin',
      'bruteforce-ssh',
      'allowlist-admin',
    ]) {
      assert.ok(prefixes.includes(p), `prefix ${p}`);
    }
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(s.description.length > 20, `${name} has a description`);
      assert.ok(Array.isArray(s.body) && s.body.length > 0, `${name} has a body`);
    }
  });

  // Every snippet lints with no finding at all. (There is no 2-stage snippet: two ports are always
  // ascending or descending, so a sequential scan completes them and knock-sim-scan-completes warns;
  // the insert command still builds one on request.)
  for (const name of Object.keys(snippets)) {
    it(`"${name}" expands with its defaults and lints clean`, () => {
      const text = expand(name);
      assert.ok(!text.includes('${'), 'no unexpanded placeholder');
      assert.deepEqual(findingsOf(text), []);
    });
  }

  it('the complete setup is the guide\'s: stages chained, accept and WAN drop below, fresh ports', () => {
    const text = byPrefix('knock-setup');
    const r = lint(text);
    assert.equal(r.knocks.length, 1);
    const k = r.knocks[0];
    assert.deepEqual(
      k.stages.map((s) => s.ports),
      [[[7342, 7342]], [[4519, 4519]], [[9121, 9121]]],
    );
    assert.deepEqual(k.stages.map((s) => s.list), ['knock1', 'knock2', 'secured']);
    assert.equal(k.accepts.length, 1);
    const rules = r.model.tables.get('ip filter')!.rules;
    assert.deepEqual(
      rules.map((x) => x.action),
      ['accept', 'add-src-to-address-list', 'add-src-to-address-list', 'add-src-to-address-list', 'accept', 'drop'],
    );
  });

  it('3- and 4-stage snippets give knock sequences of that length', () => {
    for (const n of [3, 4]) {
      const r = lint(byPrefix(`knock-${n}`));
      assert.equal(r.knocks.length, 1, `knock-${n}`);
      assert.equal(r.knocks[0].stages.length, n);
    }
  });

  it('the UDP passphrase variant defines its layer7 protocol and uses it on UDP stages', () => {
    const text = byPrefix('knock-udp-layer7');
    assert.match(text, /\/ip firewall layer7-protocol add name=knock-pass regexp="\^change-me\\\$"/);
    const r = lint(text);
    assert.ok(r.model.layer7.has('knock-pass'));
    assert.deepEqual(r.knocks[0].stages.map((s) => [s.protocol, s.layer7]), [
      ['udp', 'knock-pass'],
      ['udp', 'knock-pass'],
      ['udp', 'knock-pass'],
    ]);
  });

  it('the blacklist block is added disabled and, put above the knock setup, everything lints clean', () => {
    const bl = byPrefix('knock-blacklist');
    const r = lint(bl);
    const rules = r.model.tables.get('ip filter')!.rules;
    assert.equal(rules.length, 3);
    assert.ok(rules.every((x) => x.disabled));
    assert.deepEqual(findingsOf(bl + '\n' + byPrefix('knock-setup')), []);
  });

  it('the blacklist block enabled above the setup would be reported (the combination is really checked)', () => {
    const enabled = byPrefix('knock-blacklist').replace(/ disabled=yes/g, '');
    const rules = new Set(lint(enabled + '\n' + byPrefix('knock-setup')).findings.map((f) => f.rule));
    assert.ok(rules.has('knock-blacklist-untested'), [...rules].join(','));
  });

  it('scripts keep their RouterOS variables ($id, $ip) and schedule the grant and log scripts', () => {
    const grant = byPrefix('knock-script-grant');
    assert.match(grant, /:foreach id in=\$knockedIPs do=\{/);
    assert.match(grant, /\/system scheduler add name=knock-grant interval=10s on-event=check-and-grant/);
    assert.match(byPrefix('knock-script-log'), /\/system scheduler add name=knock-logger interval=5m on-event=log-knock-attempts/);
    assert.match(byPrefix('knock-script-clean'), /remove \$id/);
  });
});
