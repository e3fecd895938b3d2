// Focused parser assertions: exact ranges, embedded-code mapping, LineIndex, helpers, menu tracking.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  commandPathString, findArg, LineIndex, parse, valueText, walkCommands,
  type Command, type StringLiteral, type WalkContext,
} from '../../server/src/parser/index';
import { RscParser } from '../../server/src/parser/parser';

function commands(text: string): { cmd: Command; ctx: WalkContext }[] {
  const out: { cmd: Command; ctx: WalkContext }[] = [];
  walkCommands(parse(text).script, (cmd, ctx) => out.push({ cmd, ctx: { ...ctx, menu: [...ctx.menu] } }));
  return out;
}

/** Text of the source covered by a range. */
function slice(text: string, r: { start: { offset: number }; end: { offset: number } }): string {
  return text.slice(r.start.offset, r.end.offset);
}

describe('grammar', () => {
  test('Chevrotain grammar validations pass', () => {
    // Object.groupBy is what Chevrotain's checks need (Node 21+); polyfilled for this check only
    const og = Object as unknown as { groupBy?: unknown };
    const had = og.groupBy;
    if (!had) {
      og.groupBy = (items: unknown[], key: (x: unknown) => string) => {
        const r: Record<string, unknown[]> = {};
        for (const it of items) (r[key(it)] ??= []).push(it);
        return r;
      };
    }
    try {
      assert.doesNotThrow(() => new RscParser(true));
    } finally {
      if (!had) delete og.groupBy;
    }
  });
});

describe('ranges', () => {
  test('command, path, verb, argument name, equals and value ranges are exact', () => {
    const text = '/ip firewall filter add chain=input src-address-list=!secured\n';
    const cmd = parse(text).script.statements[0] as Command;
    assert.equal(slice(text, cmd.range), '/ip firewall filter add chain=input src-address-list=!secured');
    assert.equal(slice(text, cmd.path!.range), '/ip firewall filter');
    assert.deepEqual(cmd.path!.segments.map((s) => slice(text, s.range)), ['ip', 'firewall', 'filter']);
    assert.equal(slice(text, cmd.verb!.range), 'add');
    const chain = findArg(cmd, 'chain')!;
    assert.equal(slice(text, chain.name!.range), 'chain');
    assert.equal(slice(text, chain.equals!), '=');
    assert.equal(slice(text, chain.value!.range), 'input');
    const list = findArg(cmd, 'src-address-list')!;
    assert.equal(list.value!.kind, 'negated');
    assert.equal(slice(text, list.value!.range), '!secured');
    assert.deepEqual(cmd.verb!.range.start, { line: 0, column: 20, offset: 20 });
  });

  test('slash-form path segments get their own ranges', () => {
    const text = '/ip/firewall/filter/add chain=input';
    const cmd = parse(text).script.statements[0] as Command;
    assert.deepEqual(cmd.path!.segments.map((s) => [s.text, slice(text, s.range)]), [['ip', 'ip'], ['firewall', 'firewall'], ['filter', 'filter']]);
    assert.equal(cmd.verb!.text, 'add');
    assert.equal(slice(text, cmd.verb!.range), 'add');
  });

  test('continuation lines: a value after `=\\` continues on the next line', () => {
    const text = 'add action=accept comment=\\\n    "defconf: x" chain=input\n';
    const cmd = parse(text).script.statements[0] as Command;
    const c = findArg(cmd, 'comment')!;
    assert.equal(valueText(c.value), 'defconf: x');
    assert.deepEqual(c.value!.range.start, { line: 1, column: 4, offset: 32 });
    assert.equal(findArg(cmd, 'chain')!.value!.range.start.line, 1);
  });

  test('`name=` followed by a blank is an empty value', () => {
    const cmd = parse('add comment= action=drop').script.statements[0] as Command;
    assert.equal(valueText(findArg(cmd, 'comment')!.value), '');
    assert.equal(valueText(findArg(cmd, 'action')!.value), 'drop');
  });

  test('line and column after CRLF, CR and a BOM', () => {
    const text = '\uFEFF:put 1\r\n:put 2\r:put 3';
    const st = parse(text).script.statements as Command[];
    assert.equal(st.length, 3);
    assert.deepEqual(st[0].range.start, { line: 0, column: 1, offset: 1 });
    assert.deepEqual(st[1].range.start, { line: 1, column: 0, offset: 9 });
    assert.deepEqual(st[2].range.start, { line: 2, column: 0, offset: 16 });
    assert.deepEqual(st[2].range.end, { line: 2, column: 6, offset: 22 });
  });
});

describe('embedded code', () => {
  test('positions inside source="..." map through escapes and continuations', () => {
    const text = '/system script add name=u source=":log info \\"a\\"\\r\\\n    \\n/ip route disable \\$r"\n';
    const cmd = parse(text).script.statements[0] as Command;
    const src = findArg(cmd, 'source')!.value as StringLiteral;
    assert.ok(src.embedded);
    const [log, dis] = src.embedded!.statements as Command[];
    assert.equal(log.verb!.text, ':log');
    assert.equal(slice(text, log.verb!.range), ':log');
    assert.equal(slice(text, log.args[1].value!.range), '\\"a\\"');
    assert.equal(valueText(log.args[1].value), 'a');
    assert.equal(dis.verb!.text, 'disable');
    assert.deepEqual(dis.path!.segments.map((s) => s.text), ['ip', 'route']);
    assert.equal(slice(text, dis.path!.range), '/ip route');
    assert.equal(dis.path!.range.start.line, 1);
    const v = dis.args[0].value!;
    assert.equal(v.kind, 'variable');
    assert.equal(slice(text, v.range), '\\$r');
  });

  test('errors in a constant code string are embeddedErrors at the mapped position', () => {
    const text = '/system script add name=a source=":put (1 + "';
    const res = parse(text);
    assert.deepEqual(res.errors, []);
    assert.equal(res.embeddedErrors!.length, 2);
    assert.equal(slice(text, res.embeddedErrors![0].range), '(');
    assert.match(res.embeddedErrors![0].message, /missing '\)'/);
  });

  test('a code string with $interpolation is parsed but never reports errors', () => {
    const res = parse(':local s [:parse ":global $name; :return \\$$name"]');
    assert.deepEqual(res.errors, []);
    assert.deepEqual(res.embeddedErrors, []);
  });

  test('inside code in a string: a string with $( )/$[ ] keeps its own text, a `/menu arg=` path its own range', () => {
    // both used to be cut with file offsets from the decoded code: value '$base&offset=1 count=1 []',
    // path range '/interface name=x'
    const text =
      '/system script add name=t source=":local u \\"\\$base&offset=\\$(\\$id+1) [\\$[:len \\$x]]\\"\\r\\n/ping 1.1.1.1 count=1\\r\\n/interface name=x"\n';
    const src = findArg(parse(text).script.statements[0] as Command, 'source')!.value as StringLiteral;
    const [local, , iface] = src.embedded!.statements as Command[];
    assert.equal((local.args[1].value as StringLiteral).value, '$base&offset=$($id+1) [$[:len $x]]');
    assert.equal(iface.verb!.text, 'interface');
    assert.equal(slice(text, iface.path!.range), '/');
    assert.equal(slice(text, iface.verb!.range), 'interface');
  });

  test('on-event=name (a bare word) is not code', () => {
    const cmd = parse('/system scheduler add on-event=backup').script.statements[0] as Command;
    assert.equal(findArg(cmd, 'on-event')!.value!.kind, 'word');
  });
});

describe('helpers', () => {
  test('findArg: the last one wins', () => {
    const cmd = parse('add a=1 b=2 a=3').script.statements[0] as Command;
    assert.equal(valueText(findArg(cmd, 'a')!.value), '3');
    assert.equal(findArg(cmd, 'zz'), undefined);
  });

  test('valueText: words and constant strings only', () => {
    const cmd = parse('add a=x b="y\\_z" c=$v d="$v" e=[:put 1] f=!n').script.statements[0] as Command;
    assert.equal(valueText(findArg(cmd, 'a')!.value), 'x');
    assert.equal(valueText(findArg(cmd, 'b')!.value), 'y z');
    assert.equal(valueText(findArg(cmd, 'c')!.value), undefined);
    assert.equal(valueText(findArg(cmd, 'd')!.value), undefined);
    assert.equal(valueText(findArg(cmd, 'e')!.value), undefined);
    assert.equal(valueText(findArg(cmd, 'f')!.value), undefined);
    assert.equal(valueText(null), undefined);
  });

  test('LineIndex: offset <-> position round trip with mixed line ends', () => {
    const text = 'a\r\nbc\rd\ne';
    const li = new LineIndex(text);
    assert.deepEqual(li.lineStarts, [0, 3, 6, 8]);
    for (let o = 0; o <= text.length; o++) assert.equal(li.offsetAt(li.positionAt(o)), o);
    assert.deepEqual(li.positionAt(4), { line: 1, column: 1, offset: 4 });
    assert.equal(li.offsetAt({ line: 1, column: 99 }), 6);
    assert.equal(li.offsetAt({ line: 99, column: 0 }), text.length);
  });
});

describe('walkCommands', () => {
  test('a path-only command sets the menu; a path with a verb applies to that command only', () => {
    const got = commands('/ip firewall filter\nadd chain=input\n/ip address add address=1.2.3.4/24\nadd chain=forward\n..\nprint\n');
    assert.deepEqual(got.map((g) => [g.cmd.verb?.text ?? null, commandPathString(g.cmd, g.ctx.menu)]), [
      [null, '/ip/firewall/filter'],
      ['add', '/ip/firewall/filter'],
      ['add', '/ip/address'],
      ['add', '/ip/firewall/filter'],
      [null, '/ip/firewall'],
      ['print', '/ip/firewall'],
    ]);
  });

  test('[ ] runs in the menu of its command; blocks scope menu changes', () => {
    const got = commands('/interface ethernet set [ find default-name=ether1 ] name=wan\n{ /ip route\n add gateway=1.1.1.1 }\nprint');
    const find = got.find((g) => g.cmd.verb?.text === 'find')!;
    assert.deepEqual(find.ctx.menu, ['interface', 'ethernet']);
    assert.equal(find.ctx.depth, 1);
    const add = got.find((g) => g.cmd.verb?.text === 'add')!;
    assert.deepEqual(add.ctx.menu, ['ip', 'route']);
    const print = got.find((g) => g.cmd.verb?.text === 'print')!;
    assert.deepEqual(print.ctx.menu, []);
  });

  test('conditional inside :if/:foreach bodies and functions; inEmbedded in stored code', () => {
    const got = commands(
      ':if ($a) do={ /ip firewall filter add chain=input }\n' +
        ':global f do={ :put 1 }\n' +
        '/system script add name=s source="/ip firewall filter add chain=forward"\n' +
        '/ip firewall filter add chain=output\n',
    );
    const byChain = (c: string) => got.find((g) => valueText(findArg(g.cmd, 'chain')?.value) === c)!.ctx;
    assert.equal(byChain('input').conditional, true);
    assert.equal(byChain('input').inEmbedded, false);
    assert.equal(byChain('forward').inEmbedded, true);
    assert.deepEqual(byChain('forward').menu, []);
    assert.equal(byChain('output').conditional, false);
    assert.equal(got.find((g) => g.cmd.verb?.text === ':put')!.ctx.conditional, true);
  });
});

describe('menu blocks', () => {
  test('`/ip firewall filter { add ... }` keeps the whole menu as the path and the block as its one argument', () => {
    for (const text of ['/ip firewall filter {\n  add chain=input\n}\n', '/ip/firewall/filter { add chain=input }\n']) {
      const cmd = parse(text).script.statements[0] as Command;
      assert.equal(cmd.verb, null, text);
      assert.deepEqual(cmd.path!.segments.map((s) => s.text), ['ip', 'firewall', 'filter'], text);
      assert.equal(cmd.args.length, 1);
      assert.equal(cmd.args[0].value!.kind, 'code');
    }
    // a command word with a value after it is still the command (`/tool fetch url=...`)
    const fetch = parse('/tool fetch url="http://x/"\n').script.statements[0] as Command;
    assert.equal(fetch.verb!.text, 'fetch');
  });
});

describe('recovery', () => {
  test('one mistake does not hide the rest of the file', () => {
    const text = ':if ($a = 1 do={ :put 1 }\n/ip firewall filter add chain=input action=drop\n';
    const res = parse(text);
    assert.equal(res.errors.length, 1);
    assert.deepEqual(res.errors[0].range.start, { line: 0, column: 4, offset: 4 });
    const last = res.script.statements[res.script.statements.length - 1] as Command;
    assert.equal(last.verb!.text, 'add');
    assert.equal(valueText(findArg(last, 'action')!.value), 'drop');
  });

  test('errors and recovery deep into a long file (after the parser has released early tokens)', () => {
    const lines: string[] = ['/ip firewall address-list'];
    for (let i = 0; i < 3000; i++) lines.push(`add list=block address=10.${i >> 8}.${i & 255}.1 comment="entry ${i}"`);
    lines.push('add list=block address=(1.2.3.4', '/ip firewall filter add chain=input action=drop comment="after"', '');
    const text = lines.join('\n');
    const res = parse(text);
    assert.deepEqual(res.errors.map((e) => [e.range.start.line, e.range.start.column, e.message]), [[3001, 23, "missing ')' to close this '('"]]);
    const st = res.script.statements;
    assert.equal(st.length, 3003);
    const third = st[3] as Command;
    assert.equal(third.range.start.line, 3);
    assert.equal(valueText(findArg(third, 'address')!.value), '10.0.2.1');
    const last = st[st.length - 1] as Command;
    assert.equal(last.range.start.line, 3002);
    assert.equal(valueText(findArg(last, 'comment')!.value), 'after');
  });

  test('parse never throws on odd input', () => {
    for (const t of ['', '\\', '"', '$', '(', ')', '[', ']', '{', '}', '=', '!', '$(', '$[', '"$(', '"$[', ':if', '\u0000', '((((((((']) {
      const res = parse(t);
      assert.equal(res.script.kind, 'script');
    }
  });
});
