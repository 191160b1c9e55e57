import { applyRate, centsToDecimal, centsToNumber, sumCents, toCents } from './money';

/** An amount in cents written out by hand, independently of money.ts. */
function decimal(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

describe('toCents', () => {
  test.each([
    [0, 0n],
    [1, 100n],
    [0.07, 7n],
    [0.1, 10n],
    [0.29, 29n],
    [1234.5, 123450n],
    [1234.56, 123456n],
    [700000, 70000000n],
    [-0.07, -7n],
    [-12.34, -1234n],
    [-0, 0n],
    [999999999999.99, 99999999999999n],
  ])('reads the number %p as %p cents', (value, cents) => {
    expect(toCents(value)).toBe(cents);
  });

  test.each([
    ['0', 0n],
    ['12', 1200n],
    ['1234.5', 123450n],
    ['1234.50', 123450n],
    ['0.07', 7n],
    ['0.7', 70n],
    ['007.5', 750n],
    ['-0.07', -7n],
    ['-1234.5', -123450n],
    ['-0', 0n],
    [' 12.30 ', 1230n],
    ['999999999999.99', 99999999999999n],
    ['12345678901234567890.12', 1234567890123456789012n],
  ])('reads the string %p as %p cents', (value, cents) => {
    expect(toCents(value)).toBe(cents);
  });

  test.each([
    '1.234',
    '0.001',
    'abc',
    '',
    ' ',
    '1.',
    '.5',
    '1,000.00',
    '1 000',
    '+1',
    '--1',
    '- 1',
    '1e3',
    '12.3.4',
    '0x10',
    'NaN',
    'Infinity',
  ])('refuses the string %p', (value) => {
    expect(() => toCents(value)).toThrow(/Not an amount in USD/);
  });

  test.each([NaN, Infinity, -Infinity, 1e21])('refuses the number %p', (value) => {
    expect(() => toCents(value)).toThrow(/Not an amount in USD/);
  });

  it('reads every number with at most two decimals exactly, from -2,000.00 to 2,000.00', () => {
    const wrong: number[] = [];
    for (let cents = -200000; cents <= 200000; cents += 1) {
      if (toCents(cents / 100) !== BigInt(cents)) wrong.push(cents);
    }
    expect(wrong).toEqual([]);
  });

  it('reads large amounts with cents exactly', () => {
    for (const cents of [99999999999999, 12345678901234, 100000000000001, 900719925474099]) {
      expect(toCents(cents / 100)).toBe(BigInt(cents));
      expect(toCents(decimal(cents))).toBe(BigInt(cents));
    }
  });
});

describe('centsToDecimal', () => {
  test.each([
    [0n, '0.00'],
    [5n, '0.05'],
    [10n, '0.10'],
    [100n, '1.00'],
    [123450n, '1234.50'],
    [-5n, '-0.05'],
    [-100n, '-1.00'],
    [-123456n, '-1234.56'],
    [99999999999999n, '999999999999.99'],
    [1234567890123456789012n, '12345678901234567890.12'],
  ])('writes %p cents as %p', (cents, text) => {
    expect(centsToDecimal(cents)).toBe(text);
  });
});

describe('centsToNumber', () => {
  test.each([
    [0n, 0],
    [7n, 0.07],
    [123450n, 1234.5],
    [-1234n, -12.34],
    [99999999999999n, 999999999999.99],
  ])('gives %p cents as the number %p', (cents, value) => {
    expect(centsToNumber(cents)).toBe(value);
  });
});

describe('round trips', () => {
  it('cents → decimal → cents and cents → number → cents, from -2,000.00 to 2,000.00', () => {
    const wrong: number[] = [];
    for (let cents = -200000; cents <= 200000; cents += 1) {
      const big = BigInt(cents);
      const text = centsToDecimal(big);
      if (text !== decimal(cents) || toCents(text) !== big) wrong.push(cents);
      const value = centsToNumber(big);
      if (value !== cents / 100 || toCents(value) !== big) wrong.push(cents);
    }
    expect(wrong).toEqual([]);
  });

  test.each(['0.00', '0.07', '1234.50', '-0.05', '-1234.56', '999999999999.99'])(
    'the decimal %p comes back as itself',
    (text) => {
      expect(centsToDecimal(toCents(text))).toBe(text);
    },
  );

  test.each([0.07, 1234.5, -12.34, 999999999999.99])('the number %p comes back as itself', (value) => {
    expect(centsToNumber(toCents(value))).toBe(value);
  });
});

describe('applyRate: amount × rate, rounded half up to the cent', () => {
  test.each([
    // 700,000.00 × 7% = 49,000.00
    [70000000n, 0.07, 4900000n],
    // 0.07 × 7% = 0.49 cent
    [7n, 0.07, 0n],
    // 1,234.57 × 7% = 8,641.99 cents
    [123457n, 0.07, 8642n],
    // 0.49 × 7% = 3.43 cents
    [49n, 0.07, 3n],
    // halves go up: 0.50 × 7% = 3.5 cents, 1.50 × 7% = 10.5 cents
    [50n, 0.07, 4n],
    [150n, 0.07, 11n],
    // exactly a half (0.5, 0.5) and just under one (0.495)
    [1n, 0.5, 1n],
    [99n, 0.005, 0n],
    [100n, 0.005, 1n],
    [0n, 0.07, 0n],
    [123457n, 0, 0n],
    [123457n, 1, 123457n],
    // four decimals: 2.00 × 7.25% = 14.5 cents
    [200n, 0.0725, 15n],
    [20n, 0.0725, 1n],
    [99999999999999n, 0.07, 7000000000000n],
  ])('%p cents × %p = %p cents', (cents, rate, result) => {
    expect(applyRate(cents, rate)).toBe(result);
  });

  test.each([
    // negative amounts (corrections) mirror positive ones: halves round away from zero
    [-50n, 0.07, -4n],
    [-150n, 0.07, -11n],
    [-49n, 0.07, -3n],
    [-7n, 0.07, 0n],
    [-123457n, 0.07, -8642n],
    [-200n, 0.0725, -15n],
    [-70000000n, 0.07, -4900000n],
  ])('negative: %p cents × %p = %p cents', (cents, rate, result) => {
    expect(applyRate(cents, rate)).toBe(result);
  });

  it('matches integer half-up rounding at 7% for every amount from -2,000.00 to 2,000.00', () => {
    const wrong: number[] = [];
    for (let cents = -200000; cents <= 200000; cents += 1) {
      const magnitude = Math.floor((Math.abs(cents) * 7 + 50) / 100);
      const expected = cents < 0 ? -magnitude : magnitude;
      if (applyRate(BigInt(cents), 0.07) !== BigInt(expected)) wrong.push(cents);
    }
    expect(wrong).toEqual([]);
  });

  it('is odd: a negative amount gives the negative of its positive', () => {
    for (const rate of [0.07, 0.0725, 0.5, 0.0001]) {
      for (let cents = 0; cents <= 5000; cents += 1) {
        expect(applyRate(BigInt(-cents), rate)).toBe(-applyRate(BigInt(cents), rate));
      }
    }
  });
});

describe('sumCents', () => {
  it('is 0 for nothing', () => {
    expect(sumCents([])).toBe(0n);
  });

  it('adds 0.10 a thousand times to exactly 100.00, which floating point does not', () => {
    const tenCents = toCents(0.1);
    const total = sumCents(Array.from({ length: 1000 }, () => tenCents));
    expect(total).toBe(10000n);
    expect(centsToDecimal(total)).toBe('100.00');
    expect(centsToNumber(total)).toBe(100);

    let float = 0;
    for (let i = 0; i < 1000; i += 1) float += 0.1;
    expect(float).not.toBe(100);
  });

  it('adds 0.1 + 0.2 to 0.30 exactly', () => {
    expect(centsToDecimal(sumCents([toCents(0.1), toCents(0.2)]))).toBe('0.30');
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it('adds negative and positive amounts', () => {
    expect(sumCents([toCents('749000.00'), toCents('535000.00'), toCents('-0.01')])).toBe(128399999n);
    expect(sumCents([toCents('-0.07'), toCents('0.07')])).toBe(0n);
  });

  it('adds beyond the range of exact floating point', () => {
    const large = toCents('90071992547409.93');
    expect(centsToDecimal(sumCents([large, large, toCents('0.01')]))).toBe('180143985094819.87');
  });
});
