import { parseDecimal } from '../src/lib/decimal';

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
