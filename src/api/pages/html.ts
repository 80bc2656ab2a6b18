/** A fragment of markup that is already safe to emit as-is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * Markup with every interpolated value escaped unless it is itself `Html`: an address, an
 * account name or a message can never become markup, whoever chose it.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(out);
}

// Enough style to be readable; the pages work the same without it (and without any script).
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#16191f;background:#f2f3f3}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px}
h1{font-size:1.5rem;margin-top:0}label{display:block;font-weight:600;margin-top:1rem}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font:inherit;margin-top:.25rem}
button{margin-top:1.5rem;padding:.5rem 1.25rem;font:inherit;font-weight:600;cursor:pointer}
.hint{color:#545b64;font-size:.875rem;margin:.25rem 0 0}
.error{color:#b0190e;border-left:4px solid #b0190e;padding-left:.75rem}
:focus-visible{outline:3px solid #0972d3;outline-offset:2px}`;

/** A whole page: one heading naming it, then the content; an alert first when there is one. */
export function page(title: string, body: Html, options: { error?: string | undefined } = {}): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Belfry</title>
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          ${options.error && html`<p class="error" role="alert">${options.error}</p>`} ${body}
        </main>
      </body>
    </html> `.value;
}
