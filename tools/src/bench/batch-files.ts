/**
 * A one-column batch CSV of generated values, its upload with curl as a
 * client would send it, and the row-by-row check of the answer: shared by
 * the benchmarks that upload batches (bench-server, bench-predict).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { createInterface } from 'node:readline';
import { predict, type ModelArtifact } from '@realxdeal/model';
import { valueText } from './server-children';

const CURL_MAX_SECONDS = 300;

export async function writeCsv(file: string, rows: number): Promise<number> {
  const out = fs.createWriteStream(file);
  const LINES_PER_WRITE = 10_000;
  out.write('x\n');
  for (let start = 0; start < rows; start += LINES_PER_WRITE) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(rows, start + LINES_PER_WRITE); i++) parts.push(valueText(i));
    if (!out.write(`${parts.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}

/**
 * Every line of the answer: the header, then `x,prediction,` in input order
 * with the prediction within rounding (6 decimals) of the model's own.
 */
export async function checkAnswer(file: string, rows: number, model: ModelArtifact): Promise<void> {
  const lines = createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let n = -1;
  for await (const line of lines) {
    if (n === -1) {
      if (line !== 'x,prediction,error') throw new Error(`answer header is ${JSON.stringify(line)}`);
    } else {
      const [x, prediction, error] = line.split(',');
      const want = predict(model, Number(valueText(n))).prediction;
      if (x !== valueText(n) || error !== '' || !(Math.abs(Number(prediction) - want) <= 5e-7 + Math.abs(want) * 1e-12)) {
        throw new Error(`answer row ${n + 1} is ${JSON.stringify(line)}; expected x ${valueText(n)}, prediction ≈ ${want}, no error`);
      }
    }
    n++;
  }
  if (n !== rows) throw new Error(`the answer has ${n} rows, expected ${rows}`);
}

/** curl's own figures: status and total seconds. Wall time is measured around it. */
export function curlUpload(url: string, input: string, output: string): Promise<{ status: number; wall: number; curl: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      'curl',
      [
        '-sS',
        '--max-time',
        String(CURL_MAX_SECONDS),
        '-o',
        output,
        '-w',
        '%{http_code} %{time_total}',
        '-F',
        `file=@${input};type=text/csv`,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`curl failed (exit ${String(code)}): ${err.trim()}`));
      const [status, total] = out.trim().split(' ');
      resolve({ status: Number(status), wall, curl: Number(total) });
    });
  });
}
