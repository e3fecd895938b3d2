// A small expander for the VS Code snippet syntax, enough to expand our snippets with their defaults
// the way the editor does when the user accepts every placeholder:
//   $1  ${1}  ${1:default with ${2:nested}}  ${1|one,two|} (first choice)  $0  $NAME  ${NAME:default}
//   escapes: \$  \}  \\  (and \, \| inside a choice)
// A tabstop without a default takes the default given elsewhere for the same number (mirrors).
// Unknown variables expand to their default, or to their name (as VS Code inserts it as a placeholder).

export interface Expanded {
  text: string;
  /** Tabstop number -> the default used. */
  defaults: Map<number, string>;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'tab'; n: number; children?: Node[]; choice?: string[] }
  | { kind: 'var'; name: string; children?: Node[] };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(stop?: '}'): Node[] {
    const out: Node[] = [];
    let text = '';
    const flush = (): void => {
      if (text) out.push({ kind: 'text', text });
      text = '';
    };
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\' && this.i + 1 < this.s.length && '$}\\'.includes(this.s[this.i + 1])) {
        text += this.s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (stop && c === stop) break;
      if (c === '$') {
        const node = this.dollar();
        if (node) {
          flush();
          out.push(node);
          continue;
        }
      }
      text += c;
      this.i++;
    }
    flush();
    return out;
  }

  private dollar(): Node | undefined {
    const s = this.s;
    const start = this.i;
    let m = /^\$(\d+)/.exec(s.slice(start));
    if (m) {
      this.i += m[0].length;
      return { kind: 'tab', n: Number(m[1]) };
    }
    m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(start));
    if (m) {
      this.i += m[0].length;
      return { kind: 'var', name: m[1] };
    }
    m = /^\$\{(\d+)(\}|:|\|)/.exec(s.slice(start));
    if (m) {
      const n = Number(m[1]);
      this.i += m[0].length;
      if (m[2] === '}') return { kind: 'tab', n };
      if (m[2] === ':') {
        const children = this.parse('}');
        this.expect('}');
        return { kind: 'tab', n, children };
      }
      const choice = this.choice();
      return { kind: 'tab', n, choice };
    }
    m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(\}|:)/.exec(s.slice(start));
    if (m) {
      this.i += m[0].length;
      if (m[2] === '}') return { kind: 'var', name: m[1] };
      const children = this.parse('}');
      this.expect('}');
      return { kind: 'var', name: m[1], children };
    }
    throw new Error(`snippet syntax: unescaped "$" at ${start}: ${JSON.stringify(s.slice(start, start + 20))}`);
  }

  private choice(): string[] {
    const items: string[] = [];
    let cur = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\' && ',|\\$}'.includes(this.s[this.i + 1] ?? '')) {
        cur += this.s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === ',') {
        items.push(cur);
        cur = '';
        this.i++;
        continue;
      }
      if (c === '|' && this.s[this.i + 1] === '}') {
        items.push(cur);
        this.i += 2;
        return items;
      }
      cur += c;
      this.i++;
    }
    throw new Error('snippet syntax: unterminated choice');
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) throw new Error(`snippet syntax: expected "${c}" at ${this.i}`);
    this.i++;
  }
}

export function expandSnippet(body: string | string[], variables: Record<string, string> = {}): Expanded {
  const src = Array.isArray(body) ? body.join('\n') : body;
  const nodes = new Parser(src).parse();
  // First pass: the default text of each tabstop (the first definition with a default wins).
  const defaults = new Map<number, string>();
  const defNodes = new Map<number, Node[] | string[]>();
  const collect = (ns: Node[]): void => {
    for (const n of ns) {
      if (n.kind === 'tab') {
        if (!defNodes.has(n.n) && (n.children || n.choice)) defNodes.set(n.n, n.children ?? n.choice!);
        if (n.children) collect(n.children);
      } else if (n.kind === 'var' && n.children) collect(n.children);
    }
  };
  collect(nodes);
  const render = (ns: Node[], stack: number[]): string =>
    ns
      .map((n) => {
        if (n.kind === 'text') return n.text;
        if (n.kind === 'var') {
          if (n.name in variables) return variables[n.name];
          return n.children ? render(n.children, stack) : n.name;
        }
        if (stack.includes(n.n)) throw new Error(`snippet syntax: tabstop $${n.n} contains itself`);
        const def = defNodes.get(n.n);
        let v = '';
        if (def && typeof def[0] === 'string') v = def[0] as string;
        else if (def) v = render(def as Node[], [...stack, n.n]);
        if (!defaults.has(n.n)) defaults.set(n.n, v);
        return v;
      })
      .join('');
  return { text: render(nodes, []), defaults };
}
