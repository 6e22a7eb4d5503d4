/**
 * Just enough RFC 4180 for the batch endpoint: the hot path never calls
 * these for a line without quotes, so they favour clarity over speed.
 */

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: quoted only when it has to be. */
export function csvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Splits one record (which may span lines inside quotes) into unquoted field values. */
export function parseFields(record: string): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = record.length;
  for (;;) {
    let value = '';
    // Spaces before an opening quote are tolerated, as the loader does.
    let j = i;
    while (j < n && (record[j] === ' ' || record[j] === '\t')) j++;
    if (j < n && record[j] === '"') {
      j++;
      for (;;) {
        const q = record.indexOf('"', j);
        if (q < 0) {
          value += record.slice(j);
          j = n;
          break;
        }
        value += record.slice(j, q);
        if (record[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the comma is kept, not lost.
      const comma = record.indexOf(',', j);
      const end = comma < 0 ? n : comma;
      value += record.slice(j, end);
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = record.indexOf(',', i);
      if (comma < 0) {
        fields.push(record.slice(i));
        return fields;
      }
      fields.push(record.slice(i, comma));
      i = comma + 1;
    }
  }
}

/**
 * Index of the `\n` that ends the record starting at `from`, honouring
 * quotes (a doubled quote toggles twice, so it needs no special case);
 * -1 when the record is not complete in `text` yet.
 */
export function findRecordEnd(text: string, from: number): number {
  let inQuotes = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) inQuotes = !inQuotes;
    else if (c === 10 /* \n */ && !inQuotes) return i;
  }
  return -1;
}
