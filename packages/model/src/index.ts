export type { ModelArtifact, TrainingInfo } from './artifact';
export { DEFAULT_MODEL_PATH } from './default-model-path';
export { ModelError, type ModelErrorCode } from './errors';
export { fit, type FitOptions, type FitResult } from './fit';
export { loadModel } from './load-model';
export { meanAbsoluteError, r2, rootMeanSquaredError } from './metrics';
export { isExtrapolated, predict, predictMany, type Prediction } from './predict';
export { trainModel, type TrainOptions } from './train-model';
export { validateModel } from './validate-model';
