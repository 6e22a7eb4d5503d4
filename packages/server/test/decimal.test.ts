import { parseDecimal } from '../src/lib/decimal';
import { formatPrediction } from '../src/lib/number-format';

describe('parseDecimal', () => {
  it.each([
    ['2', 2],
    ['85.50', 85.5],
    ['.5', 0.5],
    ['+5', 5],
    ['-3.25', -3.25],
    ['1e3', 1000],
    ['1.', 1],
    [' 7\t', 7],
  ])('accepts %j', (text, value) => {
    expect(parseDecimal(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['0x10', 'not_a_decimal'],
    ['NaN', 'not_a_decimal'],
    ['Infinity', 'not_a_decimal'],
    ['-inf', 'not_a_decimal'],
    ['1,5', 'not_a_decimal'],
    ['1 000', 'not_a_decimal'],
    ['12m2', 'not_a_decimal'],
    ['.', 'not_a_decimal'],
    ['1e', 'not_a_decimal'],
    ['1e999', 'overflow'],
    ['-1e999', 'overflow'],
  ])('refuses %j (%s)', (text, problem) => {
    expect(parseDecimal(text)).toEqual({ ok: false, problem });
  });
});

describe('formatPrediction', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [9, '9'],
    [-4, '-4'],
    [830129.6000000001, '830129.6'],
    [1.2100000000000002, '1.21'],
    [0.0000004, '0'],
    [0.0000006, '0.000001'],
    [-0.25, '-0.25'],
    [123456789.123456, '123456789.123456'],
    [1e10 + 0.5, '10000000000.5'],
    [1e22, '1e+22'],
  ])('writes %p as %s', (value, text) => {
    expect(formatPrediction(value)).toBe(text);
  });

  it('agrees with toFixed(6), trailing zeros dropped, on random values and exact ties', () => {
    const values = [0.0000025, 1.0000005, 2.5e-7, 9201934.1335855];
    for (let i = 0; i < 20000; i++) values.push((Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 10));
    for (const y of values) {
      const fixed = y.toFixed(6).replace(/\.?0+$/, '');
      expect([y, formatPrediction(y)]).toEqual([y, fixed === '-0' ? '0' : fixed]);
    }
  });
});
