import type { ModelArtifact } from '@realxdeal/model';
import { formatNumber, formatPolynomial } from './format';

export interface ModelCard {
  name: string;
  version: string;
  feature: string;
  featureUnit: string;
  target: string;
  targetUnit: string;
  formula: string;
  coefficients: Array<{ power: number; term: string; value: string }>;
  metrics: Array<{ label: string; value: string; note: string }>;
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
    metrics: [
      { label: 'R²', value: formatNumber(t.r2, 4), note: 'on the held-out test rows' },
      { label: 'RMSE', value: formatNumber(t.rmse), note: `${model.target.unit}, test rows` },
      { label: 'MAE', value: formatNumber(t.mae), note: `${model.target.unit}, test rows` },
      { label: 'rows', value: String(t.n), note: `${t.n_train} for training, ${t.n_test} held out (${formatNumber(t.holdout * 100, 3)} %)` },
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
