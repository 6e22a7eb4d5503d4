/**
 * The model artifact: a JSON document a person can read and diff. Field
 * names are snake_case inside `training` because they are written to disk
 * and read by people and other tools, not only by this package.
 */
export interface ModelArtifact {
  name: string;
  version: string;
  feature: { name: string; unit: string };
  target: { name: string; unit: string };
  kind: 'polynomial';
  /** `[b0, b1, ...]` in the raw feature unit: prediction = b0 + b1·x + b2·x² … */
  coefficients: number[];
  training: TrainingInfo;
}

export interface TrainingInfo {
  n: number;
  n_train: number;
  n_test: number;
  degree: number;
  robust: boolean;
  /** Metrics on the held-out test split, never on the training rows. */
  r2: number;
  rmse: number;
  mae: number;
  /**
   * Robust metrics on the same held-out rows, which a few wild prices (typed
   * in cents, say) cannot swamp. Absent in artifacts trained before they
   * existed.
   */
  median_absolute_error?: number;
  /** Share (0…1) of held-out rows whose actual value is within ±25 % of the prediction. */
  within_25_percent?: number;
  /** Range of x in the training split: outside it a prediction is extrapolated. */
  x_min: number;
  x_max: number;
  /** ISO-8601. */
  trained_at: string;
  seed: number;
  holdout: number;
  source: {
    description: string;
    sha256: string | null;
    filter?: Record<string, string | number | boolean | null>;
  };
  /** The held-out rows in (up to) ten equal-count bins of x, in x order; see calibrationTable. */
  calibration?: CalibrationBin[];
}

export interface CalibrationBin {
  /** Smallest and largest x of the held-out rows in the bin. */
  x_from: number;
  x_to: number;
  n: number;
  median_actual: number;
  median_predicted: number;
}
