/**
 * USD amounts travel as JSON numbers with at most two decimals and are stored as numeric(14,2).
 * Arithmetic is done in integer cents (BigInt), so sums and rates are exact.
 */
export type Cents = bigint;

export function toCents(value: string | number): Cents {
  const text = typeof value === 'number' ? value.toFixed(2) : value;
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new Error(`Not an amount in USD: ${text}`);
  const cents = BigInt(match[2]) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

/** "1234.50" — the form numeric columns take and give. */
export function centsToDecimal(cents: Cents): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** The JSON number for an amount (exact for any amount under 90 trillion USD). */
export function centsToNumber(cents: Cents): number {
  return Number(centsToDecimal(cents));
}

/** amount × rate, rounded half up to the cent; the rate has at most four decimals (0.07). */
export function applyRate(cents: Cents, rate: number): Cents {
  const basisPoints = BigInt(Math.round(rate * 10000));
  const product = cents * basisPoints;
  const rounded = (product + (product >= 0n ? 5000n : -5000n)) / 10000n;
  return rounded;
}

export function sumCents(values: Cents[]): Cents {
  return values.reduce((total, value) => total + value, 0n);
}
