/**
 * The universal entry: no Node built-ins, so it bundles for a browser or an
 * edge function (a test bundles it with esbuild for the browser). Reading a
 * model file is in `@realxdeal/model/node`.
 */
export type { CalibrationBin, ModelArtifact, TrainingInfo } from './artifact';
export { CALIBRATION_BINS, calibrationTable } from './calibration';
export { ModelError, ModelErrorCode, isModelError } from './errors';
export { fit, type FitOptions, type FitResult } from './fit';
export { meanAbsoluteError, medianAbsoluteError, r2, rootMeanSquaredError, shareWithin } from './metrics';
export { createPrng, type Prng } from './random';
export { isExtrapolated, predict, predictMany, type Prediction } from './predict';
export { trainModel, type TrainOptions } from './train-model';
export { validateModel } from './validate-model';
