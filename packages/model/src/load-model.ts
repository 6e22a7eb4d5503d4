import { readFileSync } from 'node:fs';
import type { ModelArtifact } from './artifact';
import { ModelError, ModelErrorCode } from './errors';
import { validateModel } from './validate-model';

function readModelFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ModelError(ModelErrorCode.NOT_FOUND, `model file ${file} cannot be read (${reason})`, { cause: err });
  }
}

function parseModelFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ModelError(ModelErrorCode.INVALID_ARTIFACT, `model file ${file} is not valid JSON: ${reason}`, { cause: err });
  }
}

/**
 * A string is a file path; anything else is treated as an already parsed
 * artifact. Errors from a file name the file, so a bad deploy is obvious.
 */
export function loadModel(pathOrObject: unknown): ModelArtifact {
  if (typeof pathOrObject !== 'string') return validateModel(pathOrObject);
  const file = pathOrObject;
  const parsed = parseModelFile(file, readModelFile(file));
  try {
    return validateModel(parsed);
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    throw new ModelError(err.code, `model file ${file}: ${err.message}`, {
      ...(err.field === undefined ? {} : { field: err.field }),
      cause: err,
    });
  }
}
