import { predict, type ModelArtifact, type Prediction } from '@realxdeal/model';
import { ServerError, ServerErrorCode } from '../errors';
import { describeDecimalProblem, parseDecimal } from './decimal';

/**
 * Text typed by a person → prediction, or a ServerError naming the problem.
 * Shared by GET /predict and the form page so both accept the same inputs.
 */
export function predictText(model: ModelArtifact, text: string, name = 'x'): Prediction {
  const parsed = parseDecimal(text);
  if (!parsed.ok) {
    throw new ServerError(
      parsed.problem === 'empty' ? ServerErrorCode.MISSING_X : ServerErrorCode.INVALID_X,
      describeDecimalProblem(name, text, parsed.problem),
    );
  }
  return predictNumber(model, parsed.value, name);
}

export function predictNumber(model: ModelArtifact, x: number, name = 'x'): Prediction {
  const result = predict(model, x);
  if (!Number.isFinite(result.prediction)) {
    throw new ServerError(
      ServerErrorCode.INVALID_X,
      `${name}=${x} is too far outside the training range [${model.training.x_min}, ${model.training.x_max}]: the prediction overflows`,
    );
  }
  return result;
}

/** A JSON value → prediction, or the reason it cannot be one (for per-position errors). */
export function predictJsonValue(model: ModelArtifact, value: unknown, name: string): Prediction | string {
  if (typeof value !== 'number') {
    return `${name} must be a number, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  }
  // JSON.parse turns 1e999 into Infinity; there is no other way to get here non-finite.
  if (!Number.isFinite(value)) return `${name} is not finite (it overflows a double)`;
  try {
    return predictNumber(model, value, name);
  } catch (error) {
    if (error instanceof ServerError) return error.message;
    throw error;
  }
}
