// "No English in the Russian page": the Latin words left in a text once the tokens that stay Latin in
// any language are taken out (addresses, paths, setting names, commands in «quotes», numbers with
// units, product and format names). A Russian page passes when nothing is left.

/** Names that are written in Latin letters in Russian text too. */
const ALLOWED = new Set([
  'Integram', 'Appliance', 'MySQL', 'MariaDB', 'PostgreSQL', 'HTTPS', 'HTTP', 'PEM', 'Windows', 'Linux', 'macOS', 'Electron', 'cron',
  'JSON', 'CSV', 'API', 'IP', 'LAN', 'PGlite', 'GiB',
]);

export function latinWords(text: string): string[] {
  const stripped = text
    .replace(/\{\w+\}/g, ' ') // placeholders of a text not yet filled in
    .replace(/«[^»]*»/g, ' ') // commands and values quoted as they are typed
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ') // URLs
    .replace(/(^|\s)(\/|[A-Z]:\\)\S*/g, ' ') // paths
    .replace(/(^|\s)--\S+/g, ' ') // command-line options
    .replace(/\S*[0-9_:=@/\\*.]\S*/g, ' ') // names, codes, cron fields, addresses, numbers with units
    .replace(/\b[A-Z][A-Z0-9]+\b/g, ' '); // UPPER_CASE setting names and abbreviations
  return (stripped.match(/[A-Za-z]{2,}/g) ?? []).filter((word) => !ALLOWED.has(word));
}
