import { predict, type ModelArtifact } from '@realxdeal/model';
import { formatNumber, formatPolynomial } from './format';
import { calibrationChart } from './svg-charts';

/** Why the robust figures come first: said once, in words a model owner reads. */
export const R2_NOTE =
  'R² and RMSE weigh every held-out row by its squared error, so a few wild prices among them (say, rents typed in cents, a hundred times too high) make R² look near zero even when the model is close for most rows; the median error, the ±25 % share and the calibration chart are not moved by such rows.';

const MISSING = 'not recorded: this artifact was trained before this figure existed; retrain it to get it';

export interface ModelCard {
  name: string;
  version: string;
  feature: string;
  featureUnit: string;
  target: string;
  targetUnit: string;
  formula: string;
  coefficients: Array<{ power: number; term: string; value: string }>;
  /** Figures outliers cannot swamp, shown first; `missing` for an artifact trained before them. */
  robust: Array<{ label: string; value: string; note: string; missing: boolean }>;
  /** The calibration chart (SVG) and its table, or null when the artifact has none. */
  calibration: { chart: string; rows: Array<{ from: string; to: string; n: number; actual: string; predicted: string }> } | null;
  metrics: Array<{ label: string; value: string; note: string }>;
  r2Note: string;
  range: { min: string; max: string };
  source: { description: string; sha256: string | null; filter: Array<{ key: string; value: string }> };
  trainedAt: string;
  exampleX: string;
}

/** Everything the model card page shows, formatted once (the template only prints). */
export function modelCard(model: ModelArtifact): ModelCard {
  const t = model.training;
  const feature = model.feature.name;
  const mid = (t.x_min + t.x_max) / 2;
  return {
    name: model.name,
    version: model.version,
    feature,
    featureUnit: model.feature.unit,
    target: model.target.name,
    targetUnit: model.target.unit,
    formula: formatPolynomial(model.coefficients, feature, model.target.name),
    coefficients: model.coefficients.map((c, k) => ({
      power: k,
      term: k === 0 ? 'intercept' : k === 1 ? feature : `${feature}^${k}`,
      // Full precision: someone may copy these into a spreadsheet.
      value: String(c),
    })),
    robust: [
      t.median_absolute_error === undefined
        ? { label: 'median absolute error', value: '—', note: MISSING, missing: true }
        : {
            label: 'median absolute error',
            value: formatNumber(t.median_absolute_error),
            note: `${model.target.unit}: half the ${t.n_test} held-out rows are off by less`,
            missing: false,
          },
      t.within_25_percent === undefined
        ? { label: 'within ±25 %', value: '—', note: MISSING, missing: true }
        : {
            label: 'within ±25 %',
            value: `${formatNumber(t.within_25_percent * 100, 3)} %`,
            note: 'of the held-out rows are within ±25 % of their prediction',
            missing: false,
          },
    ],
    calibration:
      t.calibration === undefined
        ? null
        : {
            chart: calibrationChart(t.calibration, {
              title: `Median ${model.target.name} per ${feature} bin of held-out rows, against the fitted curve`,
              xLabel: `${feature} (${model.feature.unit})`,
              yLabel: `${model.target.name} (${model.target.unit})`,
              xMin: t.x_min,
              xMax: t.x_max,
              curve: (x) => predict(model, x).prediction,
            }),
            rows: t.calibration.map((b) => ({
              from: formatNumber(b.x_from),
              to: formatNumber(b.x_to),
              n: b.n,
              actual: formatNumber(b.median_actual),
              predicted: formatNumber(b.median_predicted),
            })),
          },
    r2Note: R2_NOTE,
    metrics: [
      { label: 'R²', value: formatNumber(t.r2, 4), note: 'on the held-out test rows' },
      { label: 'RMSE', value: formatNumber(t.rmse), note: `${model.target.unit}, test rows` },
      { label: 'MAE', value: formatNumber(t.mae), note: `${model.target.unit}, test rows` },
      {
        label: 'rows',
        value: String(t.n),
        note: `${t.n_train} for training, ${t.n_test} held out (${formatNumber(t.holdout * 100, 3)} %)`,
      },
      { label: 'degree', value: String(t.degree), note: t.robust ? 'robust fit (outliers down-weighted)' : 'least squares' },
      { label: 'seed', value: String(t.seed), note: 'of the train/test split' },
    ],
    range: { min: formatNumber(t.x_min), max: formatNumber(t.x_max) },
    source: {
      description: t.source.description,
      sha256: t.source.sha256,
      filter: Object.entries(t.source.filter ?? {}).map(([key, value]) => ({ key, value: value === null ? 'null' : String(value) })),
    },
    trainedAt: t.trained_at,
    exampleX: formatNumber(Number.isFinite(mid) ? mid : 1, 3),
  };
}
