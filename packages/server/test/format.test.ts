import { formatBytes, formatNumber, formatPolynomial, formatReadable } from '../src/lib/format';

describe('display formatting', () => {
  it.each([
    [1234567.891, '1234567.89'],
    [26.666666, '26.67'],
    [-4.5, '-4.5'],
    [0.000123456789, '0.000123457'],
    [0, '0'],
  ])('formatReadable(%p) is %s', (value, text) => {
    expect(formatReadable(value)).toBe(text);
  });

  it.each([
    [null, ''],
    [Number.NaN, ''],
    [3125, '3125'],
    [26.6666666, '26.6667'],
    [1e-7, '1.00000e-7'],
  ])('formatNumber(%p) is %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('writes a polynomial with signs and powers, ascending', () => {
    expect(formatPolynomial([12.5, -3.25, 0, 0.001], 'area', 'price')).toBe('price = 12.5 − 3.25·area + 0.001·area³');
    expect(formatPolynomial([-2], 'x', 'y')).toBe('y = −2');
  });

  it.each([
    [104857600, '100 MiB'],
    [1000, '1000 bytes'],
    [1000000, '1000000 bytes'],
    [2048, '2 KiB'],
  ])('formatBytes(%p) is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
