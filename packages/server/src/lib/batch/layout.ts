import { ServerError, ServerErrorCode } from '../../errors';
import { splitRecords } from 'loader';
import { echoValue, parseDecimal, trimCell } from '../decimal';

/**
 * Where the feature sits in the uploaded file. `headerless` files are one
 * column of numbers; their first line is data, not a header.
 */
export interface BatchLayout {
  readonly headerless: boolean;
  /** Index of the feature column. */
  readonly column: number;
  /** Number of columns every row should have. */
  readonly columns: number;
}

/**
 * Splits one complete record into its field values with the loader's CSV
 * splitter, untrimmed (`trim: false`: rows are echoed as written, and only
 * the x cell is trimmed). Without a quote the splitter's answer is the text
 * between commas, which `split` gives faster on the common path. The caller
 * has already bounded the record, so the splitter's own limit never applies.
 */
export function splitFields(record: string): string[] {
  if (!record.includes('"')) return record.split(',');
  const [first] = splitRecords(record, { trim: false, maxRecordBytes: Number.MAX_SAFE_INTEGER });
  return first?.fields ?? [''];
}

/**
 * Decides the layout from the first non-blank record (on `line`), or says
 * what was expected. A header wider than `maxColumns` is refused: every
 * row is checked against it, and nothing else bounds it.
 */
export function detectLayout(record: string, featureName: string, maxColumns = Number.MAX_SAFE_INTEGER, line = 1): BatchLayout {
  const fields = splitFields(record);
  if (fields.length > maxColumns) {
    throw new ServerError(
      ServerErrorCode.TOO_MANY_COLUMNS,
      `line ${line} has ${fields.length} columns, more than the limit of ${maxColumns} (MAX_BATCH_COLUMNS); send only the columns you need`,
    );
  }
  if (fields.length === 1 && parseDecimal(fields[0]).ok) {
    return { headerless: true, column: 0, columns: 1 };
  }
  const names = fields.map((f) => trimCell(f).toLowerCase());
  const wanted = featureName.toLowerCase();
  // The model's own feature name wins over the generic `x` if both appear.
  let column = names.indexOf(wanted);
  if (column < 0) column = names.indexOf('x');
  if (column >= 0) return { headerless: false, column, columns: fields.length };
  const expected = `a header with a column named "x"${wanted === 'x' ? '' : ` or "${featureName}"`}, or a single column of numbers without a header`;
  if (fields.every((f) => parseDecimal(f).ok)) {
    throw new ServerError(
      ServerErrorCode.NO_USABLE_COLUMN,
      `the first line looks like data with ${fields.length} columns, so the x column cannot be told apart; expected ${expected}`,
    );
  }
  const shown = fields
    .slice(0, 10)
    .map((f) => echoValue(trimCell(f)))
    .join(', ');
  throw new ServerError(
    ServerErrorCode.NO_USABLE_COLUMN,
    `the file has no usable column: its first line is ${shown}${fields.length > 10 ? ', …' : ''}; expected ${expected}`,
  );
}
