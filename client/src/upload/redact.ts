// Keeps secrets out of everything the user or a log can see. Every line the upload writes to the
// output channel and every error message it shows passes through a Redactor that knows the secrets
// of the current run (password, passphrase, and the Basic-auth token built from them).

export const MASK = '•••';

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined, user?: string): void {
    if (!secret) return;
    this.secrets.add(secret);
    if (user !== undefined) this.secrets.add(Buffer.from(`${user}:${secret}`, 'utf8').toString('base64'));
    // Also the forms a secret takes inside JSON or URL-encoded text.
    this.secrets.add(JSON.stringify(secret).slice(1, -1));
    this.secrets.add(encodeURIComponent(secret));
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const s of [...this.secrets].filter((x) => x.length > 0).sort((a, b) => b.length - a.length)) {
      out = out.split(s).join(MASK);
    }
    return out;
  }
}
