// Rule moves: `<|>` marks the cursor. Each test applies the offered move and compares the whole text.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/edits';
import { lint } from '../../server/src/lint';
import { planMoves, type PlannedMove } from '../../server/src/features/reorder';
import type { Finding } from '../../server/src/rules/types';
import type { Rule } from '../../server/src/model/types';

function cursor(src: string): { text: string; offset: number } {
  const i = src.indexOf('<|>');
  assert.ok(i >= 0, 'test text has a <|> marker');
  return { text: src.slice(0, i) + src.slice(i + 3), offset: i };
}

function movesAt(src: string, findings: (text: string) => Finding[] = () => []): { text: string; moves: PlannedMove[] } {
  const { text, offset } = cursor(src);
  const r = lint(text, { checks: [] });
  return { text, moves: planMoves(text, r.parse, r.model, offset, offset, findings(text)) };
}

function titles(src: string): string[] {
  return movesAt(src).moves.map((m) => m.title);
}

function move(src: string, title: string, findings?: (text: string) => Finding[]): string {
  const { text, moves } = movesAt(src, findings);
  const m = moves.find((x) => x.title === title);
  assert.ok(m, `"${title}" offered; got ${JSON.stringify(moves.map((x) => x.title))}`);
  return applyEdits(text, m!.edits);
}

/** Rule text from its verb to its end (path prefixes may be added by a move; the rule's words may not change). */
function ruleTexts(text: string, r = lint(text, { checks: [] })): string[] {
  const out: string[] = [];
  for (const t of r.model.tables.values()) {
    for (const rule of t.rules) {
      const c = rule.source.command;
      out.push(text.slice(c.verb!.range.start.offset, c.range.end.offset));
    }
  }
  return out.sort();
}

function chainOrder(text: string, table = 'ip filter', chain = 'input'): string[] {
  const rules = lint(text, { checks: [] }).model.tables.get(table)?.rules ?? [];
  return rules.filter((r) => r.chain === chain).map((r) => r.comment ?? r.action);
}

const ONELINE = `/ip firewall filter add chain=input action=accept connection-state=established,related comment="est"
/ip firewall filter add chain=forward action=accept comment="fwd"
# drop everything else from WAN
/ip firewall filter add chain=input action=drop in-interface-list=WAN comment="wan drop"
/ip firewall filter add chain=input action=accept src-address-list=secured comment="secured"
`;

describe('reorder: one-line form', () => {
  it('offers up, down and top where they make sense', () => {
    const at = (needle: string) => ONELINE.replace(needle, `<|>${needle}`);
    assert.deepEqual(titles(at('/ip firewall filter add chain=input action=accept connection-state')), ['Move rule down']);
    assert.deepEqual(titles(at('/ip firewall filter add chain=input action=drop')), ['Move rule up', 'Move rule down']);
    assert.deepEqual(titles(at('/ip firewall filter add chain=input action=accept src')), ['Move rule up', 'Move to top of chain']);
    // A chain with a single rule: nothing to do.
    assert.deepEqual(titles(at('/ip firewall filter add chain=forward')), []);
  });

  it('moves up past the rule of the same chain, skipping other chains, with its comment line', () => {
    const out = move(ONELINE.replace('/ip firewall filter add chain=input action=drop', '/ip firewall filter add chain=input action=drop<|>'), 'Move rule up');
    assert.equal(
      out,
      `# drop everything else from WAN
/ip firewall filter add chain=input action=drop in-interface-list=WAN comment="wan drop"
/ip firewall filter add chain=input action=accept connection-state=established,related comment="est"
/ip firewall filter add chain=forward action=accept comment="fwd"
/ip firewall filter add chain=input action=accept src-address-list=secured comment="secured"
`,
    );
    assert.deepEqual(chainOrder(out), ['wan drop', 'est', 'secured']);
  });

  it('moves down below the next rule of the same chain (the rule under the cursor moves)', () => {
    const out = move(ONELINE.replace('comment="wan drop"', 'comment="wan<|> drop"'), 'Move rule down');
    assert.equal(
      out,
      `/ip firewall filter add chain=input action=accept connection-state=established,related comment="est"
/ip firewall filter add chain=forward action=accept comment="fwd"
/ip firewall filter add chain=input action=accept src-address-list=secured comment="secured"
# drop everything else from WAN
/ip firewall filter add chain=input action=drop in-interface-list=WAN comment="wan drop"
`,
    );
    assert.deepEqual(chainOrder(out), ['est', 'secured', 'wan drop']);
  });

  it('the cursor on a rule\'s comment line selects the rule', () => {
    assert.deepEqual(titles(ONELINE.replace('# drop everything', '# drop <|>everything')), ['Move rule up', 'Move rule down']);
  });

  it('moves to the top of the chain', () => {
    const out = move(ONELINE.replace('src-address-list=secured', '<|>src-address-list=secured'), 'Move to top of chain');
    assert.deepEqual(chainOrder(out), ['secured', 'est', 'wan drop']);
    assert.ok(out.startsWith('/ip firewall filter add chain=input action=accept src-address-list=secured comment="secured"\n/ip firewall filter add chain=input action=accept connection-state'));
  });

  it('handles a last line without a line end', () => {
    const text = ONELINE.trimEnd();
    const out = move(text.replace('src-address-list=secured', '<|>src-address-list=secured'), 'Move rule up');
    assert.equal(
      out,
      `/ip firewall filter add chain=input action=accept connection-state=established,related comment="est"
/ip firewall filter add chain=forward action=accept comment="fwd"
/ip firewall filter add chain=input action=accept src-address-list=secured comment="secured"
# drop everything else from WAN
/ip firewall filter add chain=input action=drop in-interface-list=WAN comment="wan drop"`,
    );
    // And back: the last block (no line end) moves up, the line end before it goes along.
    const back = move(out.replace('comment="wan drop"', '<|>comment="wan drop"'), 'Move rule up');
    assert.equal(
      back,
      `/ip firewall filter add chain=input action=accept connection-state=established,related comment="est"
/ip firewall filter add chain=forward action=accept comment="fwd"
# drop everything else from WAN
/ip firewall filter add chain=input action=drop in-interface-list=WAN comment="wan drop"
/ip firewall filter add chain=input action=accept src-address-list=secured comment="secured"`,
    );
  });
});

describe('reorder: continuation lines, /export sections, slash form, IPv6', () => {
  it('carries continuation lines and the trailing comment', () => {
    const text = `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input protocol=tcp dst-port=22 connection-state=new \\
    src-address-list=ssh-brute action=drop comment="drop ssh bruteforce"
# detector
add chain=input protocol=tcp dst-port=22 connection-state=new \\
    action=add-src-to-address-list address-list=ssh-brute \\
    address-list-timeout=30m connection-limit=3,32 comment="detect ssh bruteforce"
`;
    const out = move(text.replace('# detector', '# det<|>ector'), 'Move to top of chain');
    assert.equal(
      out,
      `/ip firewall filter
# detector
add chain=input protocol=tcp dst-port=22 connection-state=new \\
    action=add-src-to-address-list address-list=ssh-brute \\
    address-list-timeout=30m connection-limit=3,32 comment="detect ssh bruteforce"
add chain=input action=accept connection-state=established,related
add chain=input protocol=tcp dst-port=22 connection-state=new \\
    src-address-list=ssh-brute action=drop comment="drop ssh bruteforce"
`,
    );
    assert.deepEqual(ruleTexts(out), ruleTexts(text));
  });

  it('moves between two sections of the same menu without changing the text', () => {
    const text = `/ip firewall filter
add action=accept chain=input comment=a
/ip firewall nat
add action=masquerade chain=srcnat
/ip firewall filter
add action=drop chain=input comment=b
`;
    const out = move(text.replace('comment=b', '<|>comment=b'), 'Move rule up');
    assert.equal(
      out,
      `/ip firewall filter
add action=drop chain=input comment=b
add action=accept chain=input comment=a
/ip firewall nat
add action=masquerade chain=srcnat
/ip firewall filter
`,
    );
    assert.deepEqual(chainOrder(out), ['b', 'a']);
    assert.equal(lint(out, { checks: [] }).model.tables.get('ip nat')?.rules.length, 1);
  });

  it('writes the full path in front of a relative add that lands under another menu', () => {
    const text = `/ip firewall filter add action=accept chain=input comment=a
/ip firewall filter
add action=drop chain=input comment=b
`;
    const out = move(text.replace('comment=b', '<|>comment=b'), 'Move rule up');
    assert.equal(
      out,
      `/ip firewall filter add action=drop chain=input comment=b
/ip firewall filter add action=accept chain=input comment=a
/ip firewall filter
`,
    );
    assert.deepEqual(chainOrder(out), ['b', 'a']);
    assert.deepEqual(ruleTexts(out), ruleTexts(text));
  });

  it('moves a full-path rule into a section unchanged', () => {
    const text = `/ip firewall filter
add action=accept chain=input comment=a
/ip firewall filter add action=drop chain=input comment=b
`;
    const out = move(text.replace('comment=b', '<|>comment=b'), 'Move rule up');
    assert.equal(
      out,
      `/ip firewall filter
/ip firewall filter add action=drop chain=input comment=b
add action=accept chain=input comment=a
`,
    );
    assert.deepEqual(chainOrder(out), ['b', 'a']);
  });

  it('works in the v7 slash form', () => {
    const text = `/ip/firewall/filter/add action=accept chain=input comment=a
/ip/firewall/filter/add action=drop chain=input comment=b
`;
    const out = move(text.replace('comment=a', '<|>comment=a'), 'Move rule down');
    assert.equal(out, `/ip/firewall/filter/add action=drop chain=input comment=b\n/ip/firewall/filter/add action=accept chain=input comment=a\n`);
  });

  it('works on IPv6 and other tables, each table on its own', () => {
    const text = `/ipv6 firewall filter
add action=accept chain=input comment=v6a
/ip firewall filter
add action=accept chain=input comment=v4
/ipv6 firewall filter
add action=drop chain=input comment=v6b
/ip firewall raw
add action=drop chain=prerouting comment=r1
add action=accept chain=prerouting comment=r2
`;
    const out = move(text.replace('comment=v6b', '<|>comment=v6b'), 'Move rule up');
    assert.deepEqual(chainOrder(out, 'ipv6 filter'), ['v6b', 'v6a']);
    assert.deepEqual(chainOrder(out, 'ip filter'), ['v4']);
    const raw = move(text.replace('comment=r2', '<|>comment=r2'), 'Move rule up');
    assert.deepEqual(chainOrder(raw, 'ip raw', 'prerouting'), ['r2', 'r1']);
  });
});

describe('reorder: line ends', () => {
  it('takes the `;`, a trailing comment and the CRLF line end along', () => {
    const text = '/ip firewall filter add chain=input comment=a;\r\n/ip firewall filter add chain=input comment=b ; # why\r\n/ip firewall filter add chain=input comment=c;\r\n';
    assert.equal(
      move(text.replace('comment=b', '<|>comment=b'), 'Move rule down'),
      '/ip firewall filter add chain=input comment=a;\r\n/ip firewall filter add chain=input comment=c;\r\n/ip firewall filter add chain=input comment=b ; # why\r\n',
    );
    assert.equal(
      move(text.replace('comment=c', '<|>comment=c'), 'Move to top of chain'),
      '/ip firewall filter add chain=input comment=c;\r\n/ip firewall filter add chain=input comment=a;\r\n/ip firewall filter add chain=input comment=b ; # why\r\n',
    );
  });
});

describe('reorder: refusals', () => {
  it('offers nothing in a table whose order the script sets with place-before or move', () => {
    const placed = `/ip firewall filter add action=accept chain=input comment=a
/ip firewall filter add action=drop chain=input comment=b
/ip firewall filter add action=accept chain=input comment=c place-before=0
`;
    assert.deepEqual(titles(placed.replace('comment=b', '<|>comment=b')), []);
    const moved = `/ip firewall filter add action=accept chain=input comment=a
/ip firewall filter add action=drop chain=input comment=b
/ip firewall filter move [find comment=b] destination=0
`;
    assert.deepEqual(titles(moved.replace('comment=a', '<|>comment=a')), []);
  });

  it('does not move a rule past a set/remove of the same table (its selector could change)', () => {
    const text = `/ip firewall filter add action=accept chain=input comment=a
/ip firewall filter set [find comment=a] disabled=yes
/ip firewall filter add action=drop chain=input comment=b
/ip firewall filter add action=drop chain=input comment=c
`;
    assert.deepEqual(titles(text.replace('comment=b', '<|>comment=b')), ['Move rule down']);
  });

  it('leaves conditional rules and rules in blocks alone', () => {
    const text = `/ip firewall filter add action=accept chain=input comment=a
:if ($x = 1) do={ /ip firewall filter add action=drop chain=input comment=b }
/ip firewall filter add action=drop chain=input comment=c
`;
    assert.deepEqual(titles(text.replace('comment=c', '<|>comment=c')), []);
  });

  it('offers nothing off a rule (an address-list entry, a blank line)', () => {
    assert.deepEqual(titles(`/ip firewall address-list add list=x address=1.2.3.4<|>\n`), []);
    assert.deepEqual(titles(`/ip firewall filter add chain=input\n<|>\n/ip firewall filter add chain=input\n`), []);
  });

  it('refuses to move through a syntax error (an unterminated string swallowing lines)', () => {
    const text = `/ip firewall filter
add action=accept chain=input comment=a
add action=jump chain=input comment="oops" x" jump-target=sub
add action=accept chain=sub comment=b
add action=drop chain=input comment=c
`;
    assert.deepEqual(titles(text.replace('comment=a', '<|>comment=a')), []);
  });
});

describe('reorder: two commands on one line', () => {
  const text = `/ip firewall filter add chain=input comment=a; /ip firewall filter add chain=input comment=b
/ip firewall filter add chain=input comment=c
`;
  it('moves just the command, not its neighbour on the line', () => {
    assert.equal(
      move(text.replace('comment=c', '<|>comment=c'), 'Move rule up'),
      `/ip firewall filter add chain=input comment=a; /ip firewall filter add chain=input comment=c
/ip firewall filter add chain=input comment=b
`,
    );
    const top = move(text.replace('comment=c', '<|>comment=c'), 'Move to top of chain');
    assert.equal(
      top,
      `/ip firewall filter add chain=input comment=c
/ip firewall filter add chain=input comment=a; /ip firewall filter add chain=input comment=b
`,
    );
    assert.deepEqual(chainOrder(top, 'ip filter', 'input'), ['c', 'a', 'b']);
  });
});

describe('reorder: move above the rule that hides a knock stage', () => {
  const text = `/ip firewall filter add action=accept chain=input connection-state=established,related comment=est
/ip firewall filter add action=drop chain=input in-interface-list=WAN comment="drop WAN"
/ip firewall filter add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=7342 in-interface-list=WAN protocol=tcp comment=stage1
`;
  const shadowed = (t: string): Finding[] => {
    const stage = t.indexOf('/ip firewall filter add action=add-src');
    const hider = t.indexOf('/ip firewall filter add action=drop');
    const r = lint(t, { checks: [] });
    const rule = (at: number): Rule =>
      [...r.model.tables.get('ip filter')!.rules].find((x) => x.source.range.start.offset === at)!;
    return [
      {
        rule: 'knock-shadowed',
        severity: 'error',
        message: 'never fires',
        range: rule(stage).source.range,
        related: [{ message: 'hidden by this rule', range: rule(hider).source.range }],
      },
    ];
  };
  it('names the hiding rule by its comment and moves the stage right above it', () => {
    const src = text.replace('comment=stage1', '<|>comment=stage1');
    const { moves } = movesAt(src, shadowed);
    assert.deepEqual(moves.map((m) => m.title), ['Move above "drop WAN" (line 2)', 'Move rule up', 'Move to top of chain']);
    const out = move(src, 'Move above "drop WAN" (line 2)', shadowed);
    assert.deepEqual(chainOrder(out), ['est', 'stage1', 'drop WAN']);
  });
  it('offers no "Move above" a rule of another chain (the text move would change nothing)', () => {
    const other = text.replace('chain=input action=drop in-interface-list=WAN comment="drop WAN"', 'chain=forward action=drop in-interface-list=WAN comment="drop WAN"').replace('action=drop chain=input in-interface-list=WAN comment="drop WAN"', 'action=drop chain=forward in-interface-list=WAN comment="drop WAN"');
    const { moves } = movesAt(other.replace('comment=stage1', '<|>comment=stage1'), shadowed);
    assert.ok(!moves.some((m) => m.kind === 'above'), JSON.stringify(moves.map((m) => m.title)));
    assert.ok(moves.some((m) => m.kind === 'up'));
  });
});

// ---------------------------------------------------------------------------------------------
// On real files: every offered move keeps the multiset of rule texts and moves the rule one step in
// its chain (up/down), or to the top.

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');

describe('reorder: on corpus exports (skipped without ../shared/corpus)', { skip: !existsSync(corpus) }, () => {
  it('moves keep every rule text and do what they say', () => {
    const files = existsSync(corpus)
      ? readdirSync(corpus)
          .filter((f) => /export|firewall|router|config/i.test(f))
          .sort()
          .slice(0, 80)
      : [];
    let checked = 0;
    for (const f of files) {
      const text = readFileSync(join(corpus, f), 'utf8');
      if (text.length > 40_000) continue;
      const r = lint(text, { checks: [] });
      const found = r.model.tables.get('ip filter');
      if (!found || found.rules.length < 3) continue;
      const table: { rules: Rule[] } = found;
      const before = ruleTexts(text);
      // A few rules per file: the second, the middle and the last.
      const picks = [table.rules[1], table.rules[table.rules.length >> 1], table.rules[table.rules.length - 1]];
      for (const rule of picks) {
        const at = rule.source.range.start.offset;
        for (const m of planMoves(text, r.parse, r.model, at, at)) {
          const out = applyEdits(text, m.edits);
          const r2 = lint(out, { checks: [] });
          assert.deepEqual(ruleTexts(out, r2), before, `${f}: ${m.title} on line ${rule.source.range.start.line + 1}`);
          const chainBefore: number[] = table.rules.filter((x) => x.chain === rule.chain).map((x) => x.uid);
          const after = r2.model.tables.get('ip filter')!.rules.filter((x) => x.chain === rule.chain);
          const i = chainBefore.indexOf(rule.uid);
          const expected = [...chainBefore];
          if (m.kind === 'up') [expected[i - 1], expected[i]] = [expected[i], expected[i - 1]];
          if (m.kind === 'down') [expected[i], expected[i + 1]] = [expected[i + 1], expected[i]];
          if (m.kind === 'top') expected.unshift(...expected.splice(i, 1));
          // Compare by rule text (uids follow creation order, which the move changed).
          const textOf = (uid: number): string => {
            const x: Rule = table.rules.find((y) => y.uid === uid)!;
            return text.slice(x.source.command.verb!.range.start.offset, x.source.range.end.offset);
          };
          assert.deepEqual(
            after.map((x) => out.slice(x.source.command.verb!.range.start.offset, x.source.range.end.offset)),
            expected.map(textOf),
            `${f}: ${m.title}`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked >= 100, `enough moves were checked (${checked})`);
  });
});
