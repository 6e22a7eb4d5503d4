import { answerCsv } from 'analysis';
import { buildTestApp, multipartBody, testModel } from './helpers';

/**
 * One number format for every CSV we write (issue 11; the data contract's
 * rule for answer files): a batch prediction and an answer-file cell holding
 * the same double are the same text. The model here is y = x, so each
 * prediction is exactly the uploaded value.
 */
describe('number format of the CSVs we write', () => {
  const values = [
    '0',
    '-0',
    '2.5',
    '830129.6000000001',
    '0.0000004',
    '0.0000006',
    '-2.5e-7',
    '1e-7',
    '0.000001',
    '9e9',
    '123456789.1234567',
    '1e21',
    '2.5e21',
    '1e22',
    '-1.5e23',
    '1e300',
  ];

  it('writes batch predictions exactly as the answer files write the same numbers', async () => {
    const model = testModel({ coefficients: [0, 1] });
    const app = await buildTestApp({ model: { ...model, training: { ...model.training, degree: 1 } } });
    try {
      const { payload, headers } = multipartBody(`x\n${values.join('\n')}\n`);
      const res = await app.inject({ method: 'POST', url: '/batch_prediction', headers, payload });
      expect(res.statusCode).toBe(200);
      const predicted = res.body
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[1]);

      const answers = {
        month: null,
        q1: [],
        q2: values.map((v, i) => ({ category: `c${i}`, online_postings: Number(v) })),
        q3: [],
        q4: [],
        q5: [],
        weekday: [],
      };
      const answered = (await answerCsv('q2', answers))
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[1]);

      expect(predicted).toEqual(answered);
      // Hand-checked: six decimals, never an exponent, whole digits from 1e21 on.
      expect(predicted).toEqual([
        '0',
        '0',
        '2.5',
        '830129.6',
        '0',
        '0.000001',
        '0',
        '0',
        '0.000001',
        '9000000000',
        '123456789.123457',
        '1000000000000000000000',
        '2500000000000000000000',
        '10000000000000000000000',
        '-150000000000000004194304',
        BigInt(1e300).toString(),
      ]);
    } finally {
      await app.close();
    }
  });
});
