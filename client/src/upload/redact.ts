// Keeps secrets out of everything the user or a log can see. Every line the upload writes to the
// output channel, every progress message, question, error message, summary and router problem passes
// through ONE Redactor that knows the secrets of the current run (password, passphrase, and the
// Basic-auth token built from them).
//
// By construction: what leaves the upload is typed `Shown`, a branded string that only `Redactor.redact`
// can make. The
// output channel, notifications, the Problems panel and the questions take `Shown`, so a raw router
// line cannot reach them without the compiler noticing.
//
// A secret comes back in other forms than the one typed:
// - the transports decode router output as latin1, so a non-ASCII password typed as UTF-8 comes back
//   as mojibake ("pässwort" -> "pÃ¤sswort"); the reverse (latin1 bytes read as UTF-8) too;
// - RouterOS prints non-ASCII bytes in strings as `\C3\A4`;
// - JSON (`\"`, `\u00e4`), URL encoding, and Basic auth (`user:password` in base64, UTF-8 or latin1).
// Short secrets (fewer than MIN_SUBSTRING_LENGTH characters) are masked only where they stand as a whole
// token: masking "rsc" inside "rsc-upload-2026" would reveal the password by where the mask sits.

export const MASK = '•••';
/** Below this length a secret is masked only as a whole token, never inside a longer word. */
export const MIN_SUBSTRING_LENGTH = 8;

declare const shownBrand: unique symbol;
/** Text that went through the Redactor: the only kind the upload hands to anything the user sees. */
export type Shown = string & { readonly [shownBrand]: true };

/** Characters that end a token for whole-token masking of short secrets. */
const TOKEN_EDGE = /[\s"'`=,;:()[\]{}<>]/;

function isTokenEdge(text: string, i: number): boolean {
  return i < 0 || i >= text.length || TOKEN_EDGE.test(text[i]);
}

/** The forms a secret can take in text that reaches us. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const utf8 = Buffer.from(secret, 'utf8');
  const add = (s: string) => {
    if (s) forms.add(s);
  };
  add(utf8.toString('latin1')); // UTF-8 bytes decoded as latin1 (both transports read router output so)
  if (/^[\u0000-\u00ff]*$/.test(secret)) add(Buffer.from(secret, 'latin1').toString('utf8')); // and the reverse
  // RouterOS's escape of non-ASCII bytes inside strings: \C3\A4 (upper and lower case hex).
  if (/[^\u0000-\u007f]/.test(secret)) {
    const esc = [...utf8].map((b) => (b < 0x80 ? String.fromCharCode(b) : '\\' + b.toString(16).toUpperCase().padStart(2, '0'))).join('');
    add(esc);
    add(esc.replace(/\\[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  }
  for (const s of [...forms]) {
    add(JSON.stringify(s).slice(1, -1));
    add(s.replace(/[^\u0000-\u007f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))); // ASCII-only JSON
    add(JSON.stringify(s).slice(1, -1).replace(/[^\u0000-\u007f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
    add(encodeURIComponent(s));
  }
  return [...forms];
}

export class Redactor {
  /** Long secrets: masked wherever they occur. */
  private readonly anywhere = new Set<string>();
  /** Short secrets: masked only as whole tokens. */
  private readonly tokens = new Set<string>();
  private shortNote = false;

  add(secret: string | undefined, user?: string): void {
    if (!secret) return;
    const short = secret.length < MIN_SUBSTRING_LENGTH;
    for (const f of secretForms(secret)) (short ? this.tokens : this.anywhere).add(f);
    if (short) this.shortNote = true;
    if (user !== undefined) {
      // The Basic-auth token is long whatever the password: always masked wherever it occurs.
      this.anywhere.add(Buffer.from(`${user}:${secret}`, 'utf8').toString('base64'));
      if (/^[\u0000-\u00ff]*$/.test(secret)) this.anywhere.add(Buffer.from(`${user}:${secret}`, 'latin1').toString('base64'));
    }
  }

  /** True once a secret was short enough to be masked only as a whole token (say so to the user). */
  get hasShortSecret(): boolean {
    return this.shortNote;
  }

  redact(text: string): Shown {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const s of [...this.anywhere].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
    for (const s of [...this.tokens].sort((a, b) => b.length - a.length)) out = maskTokens(out, s);
    return out as Shown;
  }
}

function maskTokens(text: string, s: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) {
    if (i < from) continue;
    if (isTokenEdge(text, i - 1) && isTokenEdge(text, i + s.length)) {
      out += text.slice(from, i) + MASK;
      from = i + s.length;
    }
  }
  return out + text.slice(from);
}
