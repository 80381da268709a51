/**
 * One way to name where a card's values came from in its device table, everywhere (the app,
 * History, the printed sheet and labels, the command line): "row 1" is the table's first device,
 * and the file's line follows in brackets for finding it in a text editor or a spreadsheet (whose
 * own row numbers count the header too). Problems in a table name the line and column instead:
 * they point at a cell of the file.
 */

export interface TableRowPlace {
  /** 1 for the table's first device (the header and empty rows are not devices). */
  row?: number;
  /** The file's line where the row starts. */
  line: number;
}

/**
 * "row 4 (line 5)", "row 4 (line 5 of sites.csv)"; a record from before rows were counted
 * knows only its line: "line 5 of the table".
 */
export function tableRowWords(place: TableRowPlace, file?: string): string {
  const of = file ? ` of ${file}` : '';
  return place.row === undefined ? `line ${place.line}${of || ' of the table'}` : `row ${place.row} (line ${place.line}${of})`;
}

/** The same words starting a sentence or a label: "Row 4 (line 5)". */
export function tableRowTitle(place: TableRowPlace, file?: string): string {
  const words = tableRowWords(place, file);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The same in a table's "Row" column, where the heading says "row": "4 (line 5)", or "line 5". */
export function tableRowCell(place: TableRowPlace): string {
  return place.row === undefined ? `line ${place.line}` : `${place.row} (line ${place.line})`;
}
