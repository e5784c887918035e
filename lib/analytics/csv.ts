// CSV as spreadsheets read it (RFC 4180): every cell quoted when it holds a comma, quote or line
// break; a text cell starting with = + - @ (or a tab / carriage return) gets a leading ' so a
// spreadsheet shows it instead of running it as a formula (OWASP "CSV injection"). Numbers we
// produce ourselves (counts, amounts in major units) are written as they are.
import { minorToMajorString } from "@/lib/money";

export type CsvCell = string | number | { minor: number; currency: string } | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(cell: CsvCell): string {
  if (cell === null) return "";
  if (typeof cell === "number") return String(cell);
  if (typeof cell === "object") return minorToMajorString(cell.minor, cell.currency);
  const guarded = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
