/**
 * A small RFC 4180 reader for the tests that check CSV exports cell by cell, so they compare
 * cells rather than escaping. Quoted cells may hold commas, quotes (doubled) and line breaks;
 * every record ends with CRLF. A leading UTF-8 byte-order mark (which our exports carry for
 * Excel) is not part of the first cell, as spreadsheet programs read it.
 *
 * @throws Error when the text does not end with CRLF (an unfinished record)
 */
export function parseCsv(text: string): string[][] {
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) throw new Error("CSV does not end with CRLF");
  return rows;
}
