/**
 * What every reader yields: rows of text cells with the place they came from, so that a reject can say
 * "line 12" or "低保名册!C7". Header finding and mapping happen downstream, the same for every format.
 */
export interface RawRow {
  /** Human location: `line 12` (CSV, NDJSON), `Sheet1!A12` (spreadsheets, the row's first cell), `record 3` (JSON, XML). */
  location: string;
  /** Cells in column order, as text exactly as the file holds it after decoding (no trimming, no conversion). */
  cells: string[];
}

/** Tabular files yield arrays of cells; record files (JSON, NDJSON, XML) yield field name → text. */
export interface RawRecord {
  location: string;
  fields: Record<string, string>;
}

export type FileFormat = 'csv' | 'xlsx' | 'xls' | 'xml' | 'json' | 'ndjson';

export interface ReaderLimits {
  /** The file as received. */
  maxFileBytes: number;
  /** Everything a zip (XLSX) expands to; guards against zip bombs. */
  maxDecompressedBytes: number;
  maxRows: number;
  maxCellLength: number;
}

export const defaultReaderLimits: ReaderLimits = {
  maxFileBytes: 2 * 1024 ** 3,
  maxDecompressedBytes: 1024 ** 3,
  maxRows: 20_000_000,
  maxCellLength: 32_767, // Excel's own cell limit
};

export interface FileInput {
  fileName: string;
  /** A path on disk (large files) or the bytes (uploads already in memory). */
  path?: string;
  bytes?: Buffer;
}
