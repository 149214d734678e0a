// Reading back the CSV our writers produce (evidence, billing exports), for tests: RFC 4180 cells (quoted with ""
// escapes, or bare), CRLF rows, the last row ended too. Not a general CSV parser: no quoted line breaks.

/** the rows of `text`; throws when it does not end with CRLF, as every file our writers produce does */
export function readCsvRows(text: string): string[][] {
  if (!text.endsWith('\r\n')) throw new Error('the CSV does not end with CRLF');
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => readCells(line));
}

function readCells(line: string): string[] {
  const cells: string[] = [];
  let at = 0;
  for (;;) {
    if (line[at] === '"') {
      let cell = '';
      let i = at + 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new Error(`unterminated quoted cell: ${line}`);
        cell += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          cell += '"';
          i = quote + 2;
        } else {
          at = quote + 1;
          break;
        }
      }
      cells.push(cell);
    } else {
      const comma = line.indexOf(',', at);
      const end = comma < 0 ? line.length : comma;
      cells.push(line.slice(at, end));
      at = end;
    }
    if (at >= line.length) return cells;
    if (line[at] !== ',') throw new Error(`text after a quoted cell: ${line}`);
    at += 1;
    if (at === line.length) {
      cells.push('');
      return cells;
    }
  }
}
