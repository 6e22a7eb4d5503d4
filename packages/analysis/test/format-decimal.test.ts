import { MAX_DECIMAL_LENGTH, formatDecimal, writeDecimal } from 'analysis';

describe('formatDecimal', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [-100, '-100'],
    [1.5, '1.5'],
    [0.1 + 0.2, '0.3'],
    [1e-7, '0'],
    [-1e-7, '0'],
    // 5e-7 is stored just below 0.0000005, so it rounds down; toFixed rounds
    // the exact binary value, the same on every machine.
    [5e-7, '0'],
    [5.000001e-7, '0.000001'],
    [4.9e-7, '0'],
    [1234567.1234567, '1234567.123457'],
    [-200 / 3, '-66.666667'],
    [1e21, '1000000000000000000000'],
    [123456789012345680000, '123456789012345683968'],
    [2.5e-6, '0.000003'],
  ])('writes %p as %s', (value, text) => {
    expect(formatDecimal(value)).toBe(text);
  });

  it('never uses exponent notation', () => {
    for (const value of [1e-10, 3e20, 9.99e25, -4.2e-9]) expect(formatDecimal(value)).not.toMatch(/e/i);
  });

  it('writes a non-finite value as an empty cell', () => {
    expect(formatDecimal(Number.NaN)).toBe('');
    expect(formatDecimal(Infinity)).toBe('');
  });
});

describe('writeDecimal', () => {
  const written = (value: number): string => {
    const out = Buffer.alloc(MAX_DECIMAL_LENGTH + 8);
    return out.toString('latin1', 4, writeDecimal(out, 4, value));
  };

  it.each([
    [0, '0'],
    [-0, '0'],
    [830129.6000000001, '830129.6'],
    [1.2100000000000002, '1.21'],
    [0.0000004, '0'],
    [0.0000006, '0.000001'],
    [-0.25, '-0.25'],
    [123456789.123456, '123456789.123456'],
    [1e10 + 0.5, '10000000000.5'],
    [1e21, '1000000000000000000000'],
    [-1e22, '-10000000000000000000000'],
  ])('writes %p as %s', (value, text) => {
    expect(written(value)).toBe(text);
  });

  it('fits the longest value in MAX_DECIMAL_LENGTH bytes', () => {
    expect(written(-Number.MAX_VALUE)).toHaveLength(MAX_DECIMAL_LENGTH);
  });

  it('writes exactly what formatDecimal writes, at every magnitude and on exact ties', () => {
    // 8999999999.9999995 is meant as the double nearest it: a tie in decimal, not in binary.
    // eslint-disable-next-line no-loss-of-precision
    const values = [0.0000025, 1.0000005, 2.5e-7, 9201934.1335855, 8999999999.9999995, 9e9, 1e21 - 65536, 1e21, 1e-6, 1e-300];
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 20000; i++) values.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 12));
    const differing = values.filter((value) => written(value) !== formatDecimal(value));
    expect(differing.map((value) => [value, written(value), formatDecimal(value)])).toEqual([]);
  });
});
