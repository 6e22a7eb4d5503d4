import { formatDecimal } from 'analysis';

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
