/**
 * Seeded hostile inputs for the server's four input surfaces. Every corpus
 * starts with a fixed list of named nasty cases (so each named category is
 * always covered), then fills up with random combinations drawn from one
 * sfc32 stream: the same seed gives the same inputs on every machine.
 */
import { BOUNDARY } from '../helpers';

/** sfc32: small, fast, and good enough to pick test inputs. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }

  chance(p: number): boolean {
    return this.next() / 4294967296 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Lengths skewed small: most inputs are short, a few are long. */
  length(max: number): number {
    return Math.floor(max ** (this.next() / 4294967296)) - 1 + (this.chance(0.1) ? 1 : 0);
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** Any code point, lone surrogates included. */
  codePoint(): string {
    const ranges: Array<[number, number]> = [
      [0, 0x7f],
      [0x80, 0x7ff],
      [0x800, 0xffff],
      [0xd800, 0xdfff],
      [0x10000, 0x10ffff],
    ];
    const [lo, hi] = this.pick(ranges);
    const cp = lo + this.int(hi - lo + 1);
    return cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
}

const NUMBER_TEXTS = [
  '2',
  '85.5',
  '-0',
  '+5',
  '.5',
  '5.',
  '1e3',
  '1E-3',
  '0',
  '10',
  '-1',
  '1e999',
  '-1e999',
  '1e-999',
  '4.9e-324',
  '1.7976931348623157e308',
  '1.8e308',
  '9'.repeat(400),
  `0.${'0'.repeat(400)}1`,
  `1${'0'.repeat(5000)}`,
  '123456789012345678901234567890',
  '0x10',
  '0X1f',
  '0b11',
  '0o17',
  '1_000',
  '1,000',
  '1.000,5',
  '١٢٣',
  '٣',
  '۳',
  '５',
  '²',
  'Ⅻ',
  '𝟘',
  'NaN',
  'Infinity',
  '-Infinity',
  'inf',
  'nan',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '',
  ' ',
  '\t2\t',
  ' 2 ',
  '2 3',
  '2\n',
  '\u00a02',
  '2\u200b',
  '--2',
  '+-2',
  '1..2',
  '1e',
  'e1',
  '.',
  '-',
  '+',
  '1e+',
  '0000002',
  '2e0000000000000000001',
  '1e308',
  '-1e200',
  '1e154',
  '3.14abc',
  '€5',
  '5m²',
  '"2"',
  "'2'",
  '\u0000',
  '2\u0000',
];

/** Values /predict accepts, written in the many ways the contract allows. */
const GOOD_NUMBER_TEXTS = [
  '2',
  '85.5',
  '-0',
  '+5',
  '.5',
  '5.',
  '1e3',
  '1E-3',
  '0',
  '10',
  '-1',
  '0000002',
  '4.9e-324',
  '1e-999',
  ' 7\t',
  '1e2',
  '-3.25',
];

const PERCENT_GARBAGE = [
  '%',
  '%z',
  '%zz',
  '%4',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF',
  '%FF%FE',
  '%00',
  '%25%',
  '%%%',
  '%u0032',
  '%F0%9F%92%A9',
  '%2',
  '%%32',
];

const QUERY_KEYS = [
  'x',
  'x',
  'x',
  'x',
  'X',
  'x[]',
  'x[0]',
  'x[a]',
  'x.y',
  '%78',
  'x%00',
  ' x',
  'x ',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '',
  'y',
  'xx',
  '%E2%80%8Bx',
];

function encodeValue(rng: Prng, value: string): string {
  switch (rng.int(4)) {
    case 0:
      return encodeURIComponent(value);
    case 1:
      // Form style: spaces as '+', everything else escaped.
      return encodeURIComponent(value).replace(/%20/g, '+');
    case 2:
      // Only what a URL cannot carry is escaped; '+', '&', '=' stay raw.
      return [...value]
        .map((ch) =>
          /^[\x21-\x7e]$/.test(ch) && ch !== '#' && ch !== '%' ? ch : encodeURIComponent(ch.replace(/[\ud800-\udfff]/g, '\ufffd')),
        )
        .join('');
    default:
      return encodeURIComponent(value) + rng.pick(PERCENT_GARBAGE);
  }
}

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate cannot be UTF-8: send its escape as raw bytes instead.
    return [...value].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
}

function randomQueryValue(rng: Prng): string {
  switch (rng.int(5)) {
    case 0:
    case 1:
      return encodeValue(rng, rng.pick(NUMBER_TEXTS));
    case 2: {
      let s = '';
      const n = rng.length(64);
      for (let i = 0; i < n; i++) s += rng.codePoint();
      return safeEncode(s);
    }
    case 3: {
      let s = '';
      const n = rng.length(32);
      for (let i = 0; i < n; i++)
        s += rng.chance(0.3) ? rng.pick(PERCENT_GARBAGE) : String.fromCharCode(0x21 + rng.int(94)).replace(/[#%&]/, '');
      return s;
    }
    default:
      return encodeValue(rng, rng.pick(NUMBER_TEXTS)) + encodeValue(rng, rng.pick(NUMBER_TEXTS));
  }
}

/** Query strings for GET /predict (without the `?`). */
export function predictQueries(rng: Prng, count: number): string[] {
  const fixed = [
    '',
    'x',
    'x=',
    '=2',
    '&',
    '&&&x=2&&&',
    'x=2&',
    'x=2',
    'x=1e999',
    'x=-1e999',
    'x=0x10',
    `x=${encodeURIComponent('٣')}`,
    `x=${encodeURIComponent('١٢٣')}`,
    'x[]=1',
    'x[]=1&x[]=2',
    'x[0]=1',
    'x=1&x=2',
    'x=1&x=',
    `${'x=1&'.repeat(1000)}x=1`,
    'x=%',
    'x=%zz',
    'x=%E0%A4%A',
    'x=%C0%AF',
    'x=%ED%A0%80',
    'x=%FF%FE',
    'x=%00',
    'x=2%00',
    '%78=2',
    'X=2',
    'x=+2',
    'x=%2B2',
    'x=2;x=3',
    `x=${'9'.repeat(100_000)}`,
    `x=${'1'.repeat(16)}`,
    `x=${'%41'.repeat(30_000)}`,
    '__proto__=2',
    '__proto__[x]=2',
    'constructor[prototype][x]=2',
    'x=2&__proto__=3',
    `${Array.from({ length: 2000 }, (_, i) => `k${i}=${i}`).join('&')}&x=2`,
    'x=1e308',
    'x=-1e200',
    'x=1e154',
    'x=4.9e-324',
    'x=NaN',
    'x=Infinity',
    'x=%20',
    'x=%09',
    'x=2%0A',
    `x=${encodeURIComponent('\u00a02')}`,
  ];
  const out = [...fixed];
  while (out.length < count) {
    if (rng.chance(0.15)) {
      // Plausible: a good x, sometimes beside unrelated parameters.
      const extra = rng.chance(0.3)
        ? `&${rng.pick(QUERY_KEYS.filter((k) => k !== 'x' && k !== 'X' && k !== '%78'))}=${randomQueryValue(rng)}`
        : '';
      out.push(`x=${encodeValue(rng, rng.pick(GOOD_NUMBER_TEXTS)).replace(/%[^0-9A-F].*$|%$/i, '')}${extra}`);
      continue;
    }
    const params: string[] = [];
    const n = rng.chance(0.7) ? 1 : 1 + rng.length(40);
    for (let i = 0; i < n; i++) {
      const key = rng.chance(0.5) ? 'x' : rng.pick(QUERY_KEYS);
      const form = rng.int(10);
      if (form === 0) params.push(key);
      else if (form === 1) params.push(`${key}=`);
      else params.push(`${key}=${randomQueryValue(rng)}`);
    }
    out.push(params.join(rng.chance(0.9) ? '&' : rng.pick([';', '&&', '&;', ','])));
  }
  return out;
}

export interface JsonRequest {
  body: string | Buffer;
  contentType: string | null;
}

const JSON_TOKENS = [
  '1',
  '2.5',
  '-0',
  '0',
  '1e308',
  '-1e308',
  '5e-324',
  '1e999',
  '-1e999',
  '1e-999',
  '123456789012345678901234567890',
  '1E2',
  '-1',
  '"2"',
  '""',
  '"NaN"',
  '"Infinity"',
  '"0x10"',
  '"٣"',
  'null',
  'true',
  'false',
  '[]',
  '{}',
  '[1]',
  '[[1]]',
  '{"x":1}',
  '[null]',
  '"\\u0000"',
  '"\\ud800"',
  `"${'a'.repeat(10_000)}"`,
  '1e154',
  '-1e200',
  '9007199254740993',
  '0.1',
  '1.5',
  '-1.5',
  '100',
  '1e5',
];

const JSON_GARBAGE = [
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  "'2'",
  '01',
  '.5',
  '+1',
  '0x10',
  '1.',
  '[1,]',
  '{"a":1,}',
  '/*c*/1',
  '// c\n1',
  '"\t"',
  '"\u0001"',
  '\u0000',
  '{',
  '[',
  '"',
  ':',
  ',',
];

const JSON_NUMBERS = JSON_TOKENS.filter((t) => /^-?[0-9]/.test(t) && !/e999/.test(t));

/** Up to `max` JSON values; `plausible` is the share drawn from finite numbers only, to reach the accepting paths. */
function tokens(rng: Prng, max: number, plausible = 0): string[] {
  const n = rng.length(max);
  const numbersOnly = rng.chance(plausible);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (numbersOnly) out.push(rng.pick(JSON_NUMBERS));
    else out.push(rng.chance(0.05) ? rng.pick(JSON_GARBAGE) : rng.pick(JSON_TOKENS));
  }
  return out;
}

/** Structural mischief on a JSON text: cut it, splice in a byte, swap a character. */
function mutate(rng: Prng, text: string): string {
  switch (rng.int(6)) {
    case 0:
      return text.slice(0, rng.int(text.length + 1));
    case 1: {
      const at = rng.int(text.length + 1);
      return text.slice(0, at) + rng.pick(JSON_GARBAGE) + text.slice(at);
    }
    case 2: {
      const at = rng.int(text.length + 1);
      return text.slice(0, at) + rng.codePoint() + text.slice(at + 1);
    }
    case 3:
      return `\ufeff${text}`;
    case 4:
      return `${text}${rng.pick(['', ' ', '\n', 'x', '}', ']', '{}', '\u0000'])}`;
    default:
      return text;
  }
}

const CONTENT_TYPES: Array<string | null> = [
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/xml',
  null,
  'application/json; boundary=x',
  'application/vnd.api+json',
];

function deep(open: string, close: string, depth: number, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** Bodies for POST /predict. */
export function predictBodies(rng: Prng, count: number): JsonRequest[] {
  const json = (body: string): JsonRequest => ({ body, contentType: 'application/json' });
  const fixed: JsonRequest[] = [
    json(''),
    json(' '),
    json('null'),
    json('1'),
    json('"x"'),
    json('[]'),
    json('{}'),
    json('{"x":null}'),
    json('{"x":2}'),
    json('{"x":"2"}'),
    json('{"x":{}}'),
    json('{"x":[]}'),
    json('{"x":[2]}'),
    json('{"x":[1e999]}'),
    json('{"x":[-1e999, 1e-999]}'),
    json('{"x":["٣", "0x10"]}'),
    json('{"x":[[1,2],[3]]}'),
    json(`{"x":${deep('[', ']', 100_000, '1')}}`),
    json(`{"x":[${deep('[', ']', 100_000, '1')}]}`),
    json(deep('[', ']', 100_000, '')),
    json(`${deep('{"a":', '}', 50_000, '1')}`),
    json(`{"x":[${deep('{"a":', '}', 50_000, '1')}]}`),
    json(`{"x":[${new Array(100_000).fill('1').join(',')}]}`),
    json(`{"x":[${new Array(10_000).fill('1e308').join(',')}]}`),
    json(`{"x":[${new Array(10_000).fill('"a"').join(',')}]}`),
    json('{"x":[1],"x":[2]}'),
    json('{"__proto__":{"x":[1]}}'),
    json('{"x":[1],"__proto__":{"polluted":true}}'),
    json('{"constructor":{"prototype":{"x":[1]}}}'),
    json('{"x":[1'),
    json('{"x":[1,]}'),
    json('{x:[1]}'),
    json("{'x':[1]}"),
    json('{"x":[NaN]}'),
    json('{"x":[Infinity]}'),
    json('\ufeff{"x":[1]}'),
    json('{"x":[1]}garbage'),
    json('\u0000'),
    { body: Buffer.from('{"x":[1]}', 'utf16le'), contentType: 'application/json; charset=utf-16' },
    { body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"x":[1]}', 'utf16le')]), contentType: 'application/json' },
    { body: '{"x":[1]}', contentType: 'text/plain' },
    { body: 'x=1&x=2', contentType: 'application/x-www-form-urlencoded' },
    { body: 'x=1', contentType: 'application/x-www-form-urlencoded' },
    { body: '{"x":[1]}', contentType: null },
    json(`{"x":[1],"pad":"${'a'.repeat(2_000_000)}"}`),
    json(`{"x":[${new Array(10_001).fill('0').join(',')}]}`),
  ];
  const out = [...fixed];
  while (out.length < count) {
    let text: string;
    switch (rng.int(6)) {
      case 0:
        text = rng.pick(JSON_TOKENS);
        break;
      case 1:
        text = `{"x":${rng.pick(JSON_TOKENS)}}`;
        break;
      case 2:
      case 3:
        text = `{"x":[${tokens(rng, 64, 0.3).join(',')}]}`;
        break;
      case 4:
        text = `{"x":[${tokens(rng, 8).join(',')}],"${rng.pick(['y', 'x', '', '__proto__', 'constructor', 'X'])}":${rng.pick(JSON_TOKENS)}}`;
        break;
      default:
        text = `{"x":${deep('[', ']', 1 + rng.length(2000), tokens(rng, 4).join(','))}}`;
    }
    if (rng.chance(0.25)) text = mutate(rng, text);
    const contentType = rng.chance(0.85) ? 'application/json' : rng.pick(CONTENT_TYPES);
    out.push({ body: rng.chance(0.03) ? rng.bytes(rng.length(512)) : text, contentType });
  }
  return out;
}

export interface InferRequest extends JsonRequest {
  path: string;
}

/** Bodies (and paths) for POST /v2/models/{name}/infer and its version path. */
export function inferRequests(rng: Prng, model: { name: string; version: string; feature: string }, count: number): InferRequest[] {
  const good = `/v2/models/${model.name}/infer`;
  const q = JSON.stringify;
  const input = (name: string, shape: string, datatype: string, data: string): string =>
    `{"inputs":[{"name":${name},"shape":${shape},"datatype":${datatype},"data":${data}}]}`;
  const f = q(model.feature);
  const at = (body: string, path = good): InferRequest => ({ path, body, contentType: 'application/json' });
  const fixed: InferRequest[] = [
    at(''),
    at('{}'),
    at('[]'),
    at('null'),
    at('{"inputs":null}'),
    at('{"inputs":{}}'),
    at('{"inputs":[]}'),
    at('{"inputs":[{}]}'),
    at(input(f, '[1]', '"FP64"', '[2]')),
    at(input(f, '[1]', '"FP64"', '[1e999]')),
    at(input(f, '[1]', '"FP64"', '["2"]')),
    at(input(f, '[1]', '"BYTES"', '["2"]')),
    at(input(f, '[1]', '"FP64"', '[null]')),
    at(input(f, '[-1]', '"FP64"', '[2]')),
    at(input(f, '[1.5]', '"FP64"', '[2]')),
    at(input(f, '[1e308]', '"FP64"', '[2]')),
    at(input(f, '[4294967297]', '"FP64"', '[2]')),
    at(input(f, '[]', '"FP64"', '[]')),
    at(input(f, '[0]', '"FP64"', '[]')),
    at(input(f, '[2,2]', '"FP64"', '[[1,2],[3,4]]')),
    at(input(f, '[1,1,1]', '"FP64"', '[[[1]]]')),
    at(input(f, '["1"]', '"FP64"', '[2]')),
    at(input(f, '"1"', '"FP64"', '[2]')),
    at(input(f, '[1]', '1', '[2]')),
    at(input('1', '[1]', '"FP64"', '[2]')),
    at(input('"nope"', '[1]', '"FP64"', '[2]')),
    at(input(f, '[1]', '"FP64"', deep('[', ']', 100_000, '2'))),
    at(input(f, '[1]', '"FP64"', `[${deep('[', ']', 100_000, '2')}]`)),
    at(input(f, '[1]', '"FP64"', `[${deep('{"a":', '}', 50_000, '2')}]`)),
    at(input(f, '[1]', '"FP64"', deep('[', ']', 10_000, '2'))),
    at(input(f, '[100000]', '"FP64"', `[${new Array(100_000).fill('1').join(',')}]`)),
    at(input(f, '[10000]', '"FP64"', `[${new Array(10_000).fill('1e200').join(',')}]`)),
    at(input(f, '[10]', '"FP64"', `[${new Array(100_000).fill('1').join(',')}]`)),
    at(input(f, '[1]', '"FP64"', '[2]').replace(/}$/, ',"outputs":[{"name":"nope"}]}')),
    at(input(f, '[1]', '"FP64"', '[2]').replace(/}$/, ',"outputs":{}}')),
    at(input(f, '[1]', '"FP64"', '[2]').replace(/}$/, ',"id":5}')),
    at(input(f, '[1]', '"FP64"', '[2]').replace(/}$/, ',"parameters":[]}')),
    at(input(f, '[1]', '"FP64"', '[2]').replace(/^{/, '{"__proto__":{"x":1},')),
    at(input(f, '[1]', '"FP64"', '[2]'), `/v2/models/nope/infer`),
    at(input(f, '[1]', '"FP64"', '[2]'), `/v2/models/%00/infer`),
    at(input(f, '[1]', '"FP64"', '[2]'), `/v2/models/${model.name}/versions/nope/infer`),
    at(input(f, '[1]', '"FP64"', '[2]'), `/v2/models/${model.name}/versions/${model.version}/infer`),
    at(input(f, '[1]', '"FP64"', '[2]'), `/v2/models/${'%FF'.repeat(100)}/infer`),
    at(input(f, '[1]', '"FP64"', '[2]'), '/v2/models//infer'),
    at(`{"inputs":[${new Array(1000).fill(input(f, '[1]', '"FP64"', '[2]').slice(11, -2)).join(',')}]}`),
    { path: good, body: input(f, '[1]', '"FP64"', '[2]'), contentType: 'text/plain' },
    { path: good, body: input(f, '[1]', '"FP64"', '[2]'), contentType: null },
    { path: good, body: Buffer.from(input(f, '[1]', '"FP64"', '[2]'), 'utf16le'), contentType: 'application/json' },
  ];
  const out = [...fixed];
  const names = [f, f, f, f, '"x"', '""', '1', 'null', '[]', q(model.feature.toUpperCase()), q(`${model.feature}\u0000`)];
  const datatypes = ['"FP64"', '"FP64"', '"FP32"', '"INT64"', '"UINT8"', '"BOOL"', '"BYTES"', '"fp64"', '""', '1', 'null', '"FP64\\u0000"'];
  const safe = ['2', '0', '-1', '85.5', '1e3', '-0', '0.1', '7', '1E2', '10'];
  while (out.length < count) {
    if (rng.chance(0.25)) {
      // Plausible: a valid request, then at most one thing wrong with it.
      const values = Array.from({ length: 1 + rng.length(64) }, () => rng.pick(safe));
      const nested = rng.chance(0.3);
      let text = input(
        f,
        nested ? `[${values.length},1]` : `[${values.length}]`,
        rng.pick(['"FP64"', '"FP32"', '"INT32"']),
        nested ? `[${values.map((v) => `[${v}]`).join(',')}]` : `[${values.join(',')}]`,
      );
      if (rng.chance(0.3)) text = mutate(rng, text);
      out.push({
        path: rng.chance(0.5) ? good : `/v2/models/${model.name}/versions/${model.version}/infer`,
        body: text,
        contentType: 'application/json',
      });
      continue;
    }
    const data = tokens(rng, 32, 0.5);
    const n = data.length;
    const shapes = [
      `[${n}]`,
      `[${n}]`,
      `[${n},1]`,
      `[${n + 1}]`,
      `[${Math.max(0, n - 1)}]`,
      `[1,${n}]`,
      `[${n},1,1]`,
      '[]',
      `[-${n}]`,
      `["${n}"]`,
      `${n}`,
      'null',
      `[${n}.5]`,
      `[${n}e0]`,
    ];
    let dataText = `[${data.join(',')}]`;
    if (rng.chance(0.15)) dataText = `[${data.map((d) => `[${d}]`).join(',')}]`;
    if (rng.chance(0.05)) dataText = deep('[', ']', 1 + rng.length(5000), data.join(','));
    let text = input(rng.pick(names), rng.pick(shapes), rng.pick(datatypes), dataText);
    if (rng.chance(0.1)) text = text.replace(/}$/, `,"outputs":[{"name":${rng.pick(['"prediction"', '"x"', '1', 'null'])}}]}`);
    if (rng.chance(0.1)) text = text.replace(/}$/, `,"id":${rng.pick(['"a"', '1', 'null', '[]', '""'])}}`);
    if (rng.chance(0.2)) text = mutate(rng, text);
    const path = rng.chance(0.9)
      ? good
      : rng.pick([
          `/v2/models/${safeEncode(rng.codePoint())}/infer`,
          `/v2/models/${model.name}/versions/${rng.pick([model.version, 'x', '%ZZ', ''])}/infer`,
        ]);
    out.push({
      path,
      body: rng.chance(0.03) ? rng.bytes(rng.length(512)) : text,
      contentType: rng.chance(0.9) ? 'application/json' : rng.pick(CONTENT_TYPES),
    });
  }
  return out;
}

export interface Upload {
  label: string;
  payload: Buffer;
  headers: Record<string, string>;
}

const CSV_CELLS = [
  '1',
  '2.5',
  '-3',
  '1e3',
  '1e999',
  '0x10',
  '٣',
  'NaN',
  '',
  ' ',
  ' 2 ',
  '"2"',
  '"2',
  '2"',
  '""',
  '"a,b"',
  '"a\nb"',
  'x',
  'X',
  'area',
  '\u0000',
  '\ufeff',
  'é',
  '€',
  '\t',
  '1,',
  '"',
  '"""',
  '9'.repeat(20),
  '1.7976931348623157e308',
  '-0',
  '.',
  '\r',
  '\\N',
  'null',
];
const HEADER_NAMES = ['x', 'X', ' x ', '"x"', 'area', 'id', 'price', '', 'x ', '\ufeffx', 'y', '"x,y"', 'x\u0000'];
const LINE_ENDS = ['\n', '\n', '\r\n', '\r', '\n\n', '\r\r\n'];

/** One file part in a well-formed multipart body (the helper's format, built here for Buffers of any size). */
export function multipart(content: Buffer, filename = 'values.csv', field = 'file'): { payload: Buffer; headers: Record<string, string> } {
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

function file(label: string, content: string | Buffer): Upload {
  return { label, ...multipart(typeof content === 'string' ? Buffer.from(content) : content) };
}

function randomCsv(rng: Prng): string {
  const columns = 1 + rng.length(12);
  const rows = rng.length(200);
  const end = (): string => rng.pick(LINE_ENDS);
  let text = rng.chance(0.8) ? Array.from({ length: columns }, () => rng.pick(HEADER_NAMES)).join(',') + end() : '';
  for (let r = 0; r < rows; r++) {
    const width = rng.chance(0.9) ? columns : 1 + rng.int(columns + 3);
    text += Array.from({ length: width }, () => rng.pick(CSV_CELLS)).join(rng.chance(0.97) ? ',' : ';') + end();
  }
  return text;
}

/** Uploads to POST /batch_prediction: hostile files in a well-formed envelope, then a few broken envelopes. */
export function batchUploads(rng: Prng, count: number): Upload[] {
  const tenThousand = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
  const utf16 = (text: string, bom: number[]): Buffer => Buffer.concat([Buffer.from(bom), Buffer.from(text, 'utf16le')]);
  const utf16be = (text: string): Buffer => {
    const le = Buffer.from(text, 'utf16le');
    return Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
  };
  const fixed: Upload[] = [
    file('empty file', ''),
    file('only a BOM', '\ufeff'),
    file('only blank lines', '\n\n \t\r\n\n'),
    file('random bytes', rng.bytes(4096)),
    file('no header, numbers', '1\n2\n3\n'),
    file('no header, two columns', '1,2\n3,4\n'),
    file('10,000 columns without x', `${tenThousand.join(',')}\n${tenThousand.map(String).join(',')}\n`),
    file('10,000 columns, x last', `${tenThousand.slice(1).join(',')},x\n${tenThousand.map((_, i) => String(i)).join(',')}\n`),
    file('a 10 MB single line', '7'.repeat(10 * 1024 * 1024)),
    file('a header then a 10 MB line', `x\n${'7'.repeat(10 * 1024 * 1024)}\n1\n`),
    file('a header then a 10 MB quoted line', `id,x\n"${'a'.repeat(10 * 1024 * 1024)}",1\n2,2\n`),
    file('1 MB of quotes', '"'.repeat(1024 * 1024)),
    file('unterminated quote in the header', 'id,"x\n1,2\n3,4\n'),
    file('unterminated quote in data', 'id,x\n"1,2\n3,4\n'),
    file('unterminated quote, single column', 'x\n"1\n2\n3\n'),
    file('NUL bytes', Buffer.from('x\n1\u0000\n\u00002\n\u0000\u0000\u0000\n3\n')),
    file('NUL header', Buffer.alloc(1000)),
    file('UTF-16LE with BOM', utf16('x\n1\n2\n', [0xff, 0xfe])),
    file('UTF-16LE with BOM, two columns', utf16('id,x\r\n1,2\r\n', [0xff, 0xfe])),
    file('UTF-16BE with BOM', utf16be('x\n1\n2\n')),
    file('UTF-32LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('x\0\0\0\n\0\0\0')])),
    file('invalid UTF-8', Buffer.from([0x78, 0x0a, 0xc3, 0x28, 0x0a, 0xed, 0xa0, 0x80, 0x0a, 0x31, 0x0a])),
    file('CR-only line endings', 'x\r1\r2\r3\r'),
    file('a line of 64 KiB - 1', `x\n${'1'.repeat(65535)}\n2\n`),
    file('a line of 64 KiB', `x\n${'1'.repeat(65536)}\n2\n`),
    file('a line of 64 KiB + 1', `x\n${'1'.repeat(65537)}\n2\n`),
    file('a first line of 64 KiB + 1', `${'x'.repeat(65537)}\n1\n`),
    file('100,000 short rows', `x\n${'1\n'.repeat(100_000)}`),
    file('huge numbers', 'x\n1e308\n-1e308\n1e999\n9999999999999999999999\n'),
    file('numbers whose prediction overflows', 'x\n1e200\n-1e200\n1e155\n'),
    file('duplicate x columns', 'x,x,X\n1,2,3\n'),
    file('a formula and a script', 'x,note\n1,=cmd|calc\n2,<script>alert(1)</script>\n'),
    { label: 'no file part', ...multipartFields({ note: 'hello' }) },
    { label: 'two file parts', ...twoFiles() },
    { label: 'a field named other than file', ...multipart(Buffer.from('x\n1\n'), 'values.csv', 'upload') },
    { label: 'a filename with quotes and slashes', ...multipart(Buffer.from('x\n1\n'), '../"evil\r\n".csv') },
    { label: 'truncated multipart', ...truncate(multipart(Buffer.from('x\n1\n2\n')), 60) },
    { label: 'multipart cut inside the file', ...truncate(multipart(Buffer.from(`x\n${'1\n'.repeat(1000)}`)), 1000) },
    {
      label: 'wrong boundary',
      payload: multipart(Buffer.from('x\n1\n')).payload,
      headers: { 'content-type': 'multipart/form-data; boundary=other' },
    },
    {
      label: 'multipart without a boundary',
      payload: multipart(Buffer.from('x\n1\n')).payload,
      headers: { 'content-type': 'multipart/form-data' },
    },
    { label: 'not multipart', payload: Buffer.from('x\n1\n'), headers: { 'content-type': 'text/csv' } },
    { label: 'JSON instead of a file', payload: Buffer.from('{"x":[1]}'), headers: { 'content-type': 'application/json' } },
    { label: 'garbage envelope', payload: rng.bytes(2048), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } },
  ];
  const out = [...fixed];
  while (out.length < count) {
    const kind = rng.int(10);
    if (kind === 0) out.push(file('random bytes', rng.bytes(rng.length(8192))));
    else if (kind === 1) {
      let s = '';
      const n = rng.length(2048);
      for (let i = 0; i < n; i++)
        s += rng.chance(0.7) ? rng.pick(['1', '.', '-', ',', '"', '\n', '\r', ' ', 'x', 'e', '\u0000']) : rng.codePoint();
      out.push(file('random text', s.replace(/[\ud800-\udfff]/g, '\ufffd')));
    } else if (kind === 2)
      out.push({ label: 'truncated random multipart', ...truncate(multipart(Buffer.from(randomCsv(rng))), rng.int(400)) });
    else out.push(file('random CSV', randomCsv(rng)));
  }
  return out;
}

function multipartFields(fields: Record<string, string>): { payload: Buffer; headers: Record<string, string> } {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    payload: Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

function twoFiles(): { payload: Buffer; headers: Record<string, string> } {
  const part = (name: string): string =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\nContent-Type: text/csv\r\n\r\nx\n1\n\r\n`;
  return {
    payload: Buffer.from(`${part('file')}${part('other')}--${BOUNDARY}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

function truncate(
  body: { payload: Buffer; headers: Record<string, string> },
  keep: number,
): { payload: Buffer; headers: Record<string, string> } {
  return { payload: body.payload.subarray(0, Math.min(keep, body.payload.length)), headers: body.headers };
}
