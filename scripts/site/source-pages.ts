/**
 * Source views: a repository file as a standalone HTML page with one anchor per line
 * (`#L42`), so that the site links a handler to the lines that enforce a requirement and works
 * offline. Typedoc copies them into the site's media folder with the pages that link them.
 * @module
 */
import { xml } from './diagram.js';

/** The HTML page of a source file. */
export function sourcePage(file: string, text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const rows = lines.map((l, i) => `<tr id="L${i + 1}"><td class="n">${i + 1}</td><td><code>${xml(l)}</code></td></tr>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${xml(file)} (semodel source)</title>`,
    '<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;font-size:13px}td{white-space:pre;padding:0 .5em;vertical-align:top}td.n{color:#888;text-align:right;user-select:none}tr:target{background:#fff3b0}</style>',
    '</head><body>',
    `<h1><code>${xml(file)}</code></h1>`,
    '<p>The file as this site was built from it. Use the browser\'s back button to return to the specification.</p>',
    `<table>${rows.join('\n')}</table>`,
    '</body></html>',
    '',
  ].join('\n');
}
