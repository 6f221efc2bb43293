/**
 * CSV for the import: reading a file (RFC 4180 quoting, `;` `,` or tab, a BOM dropped) and
 * writing records in the engine's plain import form (`DATA`, then `value;cell;…;` per record with
 * `\` escaping `;` `:` `\`, docs/legacy-api.md "Import").
 */
export function detectSeparator(text: string): string {
  const head = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const counts = [';', ',', '\t'].map((s) => [s, head.split(s).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 1 ? counts[0][0] : ';';
}

export function parseCsv(input: string, separator: string): string[][] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === separator) { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function escapeField(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/:/g, '\\:');
}

/** records (first value, then one cell per column of the table, in its order) as an import file */
export function engineImportText(records: string[][]): string {
  return `DATA\r\n${records.map((r) => `${r.map(escapeField).join(';')};`).join('\r\n')}\r\n`;
}
