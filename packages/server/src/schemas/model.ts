import { Type } from '@sinclair/typebox';

const Finite = Type.Number();
const Unit = Type.Object({ name: Type.String(), unit: Type.String() });

/** The model artifact as `@realxdeal/model` validates it (packages/model/README.md, "Artifact format"). */
export const ModelArtifactSchema = Type.Object(
  {
    name: Type.String(),
    version: Type.String(),
    feature: Unit,
    target: Unit,
    kind: Type.Literal('polynomial'),
    coefficients: Type.Array(Finite, { description: '[b0, b1, …]: prediction = b0 + b1·x + b2·x² …' }),
    training: Type.Object({
      n: Type.Integer(),
      n_train: Type.Integer(),
      n_test: Type.Integer(),
      degree: Type.Integer(),
      robust: Type.Boolean(),
      r2: Finite,
      rmse: Finite,
      mae: Finite,
      median_absolute_error: Type.Optional(Type.Number({ description: 'Held-out rows; absent in older artifacts' })),
      within_25_percent: Type.Optional(
        Type.Number({ description: 'Share of held-out rows within ±25 % of their prediction; absent in older artifacts' }),
      ),
      x_min: Finite,
      x_max: Finite,
      trained_at: Type.String(),
      seed: Type.Integer(),
      holdout: Finite,
      source: Type.Object({
        description: Type.String(),
        sha256: Type.Union([Type.String(), Type.Null()]),
        filter: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]))),
      }),
      calibration: Type.Optional(
        Type.Array(Type.Object({ x_from: Finite, x_to: Finite, n: Type.Integer(), median_actual: Finite, median_predicted: Finite }), {
          description: 'Held-out rows in ten equal-count bins of x; absent in older artifacts',
        }),
      ),
    }),
  },
  { description: 'The model artifact' },
);

export const modelJsonSchema = {
  tags: ['predict'],
  summary: 'The served model artifact',
  description: 'The artifact this server predicts with, as JSON: coefficients, training metrics, valid x range and calibration table.',
  response: { 200: ModelArtifactSchema },
};
