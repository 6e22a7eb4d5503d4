/**
 * The main entry bundles for a browser: esbuild with `platform: 'browser'`
 * resolves no Node built-in, and the bundle predicts in a bare JavaScript
 * context (no require, no process, no Buffer).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { build } from 'esbuild';

const SRC = path.join(__dirname, '..', 'src');

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(SRC, entry)],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'realxdealModel',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe('@realxdeal/model for the browser', () => {
  it('bundles the main entry and predicts with it in a context without Node', async () => {
    const code = await bundle('index.ts');
    const context: { realxdealModel?: { validateModel(v: unknown): unknown; predict(m: unknown, x: number): unknown } } = {};
    vm.runInNewContext(code, context);
    const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', 'valid-model.json'), 'utf8')) as unknown;
    const model = context.realxdealModel!.validateModel(fixture);
    // The fixture's coefficients [30000, 2500]: 30000 + 2500 · 72.5 = 211250, inside [20, 200].
    expect(context.realxdealModel!.predict(model, 72.5)).toEqual({ x: 72.5, prediction: 211250, extrapolated: false });
  });

  it('refuses to bundle the /node entry, which reads files (the check is real)', async () => {
    await expect(bundle('node.ts')).rejects.toThrow(/Could not resolve "node:(fs|path)"/);
  });
});
