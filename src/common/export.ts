import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';

export interface ExportColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/**
 * Text a spreadsheet would read as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, or a leading tab or
 * carriage return) gets a leading apostrophe in CSV (OWASP "CSV injection"): titles and names are
 * typed by applicants, and the secretariat opens the export in Excel. XLSX cells are written as
 * text and need nothing.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Writes a list as CSV (UTF-8 with BOM, so spreadsheets read every script) or as XLSX. */
export async function sendExport<T>(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  name: string,
  columns: ExportColumn<T>[],
  rows: T[],
): Promise<void> {
  const table = rows.map((row) => columns.map((c) => c.value(row) ?? ''));
  if (format === 'csv') {
    const body =
      '\uFEFF' +
      stringify([columns.map((c) => c.header), ...table], {
        cast: { boolean: (value) => (value ? 'true' : 'false'), string: neutralizeFormula },
      });
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.csv"`)
      .send(body);
    return;
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(name.slice(0, 31));
  sheet.addRow(columns.map((c) => c.header)).font = { bold: true };
  for (const row of table) sheet.addRow(row);
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  await reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="${name}.xlsx"`)
    .send(buffer);
}
