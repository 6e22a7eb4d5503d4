import { csvCell } from '../csv';
import { describeDecimalProblem, echoValue, parseDecimal } from '../decimal';
import { splitFields, type BatchLayout } from './layout';
import type { RowBatch } from './row-batch';

/**
 * The general path for one data record (any layout, quotes, exponents, bad
 * values): the row goes to `rows` with its x, or with a message saying why
 * it has none. Output never grows beyond the record: a short row is written
 * as it came (never padded to the header's width), a long one loses its
 * extra fields.
 */
export function addRecord(rows: RowBatch, record: string, layout: BatchLayout): void {
  const fields = splitFields(record);
  if (fields.length === layout.columns) {
    const cell = fields[layout.column];
    const parsed = parseDecimal(cell);
    if (parsed.ok) rows.addText(record, parsed.value);
    else rows.addProblem(record, describeDecimalProblem('x', cell, parsed.problem));
    return;
  }
  const message = `row has ${fields.length} fields but ${layout.headerless ? 'one value per line was expected' : `the header has ${layout.columns}`}`;
  if (layout.headerless) {
    // Without a header the whole line is the value that could not be used.
    rows.addProblem(csvCell(record), `${message}; got ${echoValue(record)}`);
  } else if (fields.length < layout.columns) {
    rows.addProblem(record, `${message}; written as read`);
  } else {
    rows.addProblem(fields.slice(0, layout.columns).map(csvCell).join(','), `${message}; extra fields dropped`);
  }
}
