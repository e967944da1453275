// Figures from repeated measurements: median and spread, ratios, and how they are printed.

export interface Spread {
  median: number;
  min: number;
  max: number;
  count: number;
}

/** The median of the values (the mean of the middle two for an even count) and their range. */
export function spreadOf(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, count: sorted.length };
}

/** numerator / denominator, or undefined when either is missing or the denominator is zero. */
export function ratio(numerator: number | undefined, denominator: number | undefined): number | undefined {
  if (numerator === undefined || denominator === undefined || denominator === 0) return undefined;
  return numerator / denominator;
}

/** "4.2×", "0.31×", "1.00×"; "n/a" when there is no ratio. Two significant digits below 10. */
export function formatRatio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value >= 10) return `${value.toFixed(0)}×`;
  if (value >= 0.095) return `${value.toFixed(2)}×`;
  return `${value.toPrecision(2)}×`;
}

/** Seconds: "12.3 s", "0.41 s", "0.012 s". */
export function formatSeconds(seconds: number): string {
  if (seconds >= 10) return `${seconds.toFixed(1)} s`;
  if (seconds >= 0.1) return `${seconds.toFixed(2)} s`;
  return `${seconds.toFixed(3)} s`;
}

/** Bytes in binary units: "1.5 GiB", "340 MiB", "12 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value >= 100 || unit === 0 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** "9.70 s (9.61-9.88)": the median with the range of the rounds, as the issue asks. */
export function formatSpread(spread: Spread | undefined, format: (value: number) => string): string {
  if (spread === undefined) return 'n/a';
  const [low, high] = [format(spread.min), format(spread.max)];
  // A range that prints as one number says nothing: rounds within the printed precision.
  if (spread.count === 1 || low === high) return format(spread.median);
  return `${format(spread.median)} (${low}-${high})`;
}

/** "1G", "200M", "20 MiB", "1.5k" to a number; k/M/G/T are binary for sizes and decimal for counts. */
export function parseQuantity(text: string, base: 1000 | 1024): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?B)?\s*$/.exec(text);
  if (match === null) throw new Error(`not a quantity: ${JSON.stringify(text)} (expected e.g. 200M, 1G, 10k)`);
  const exponent = ' kmgt'.indexOf((match[2] ?? '').toLowerCase() || ' ');
  return Math.round(Number(match[1]) * base ** exponent);
}
