/** A complete, valid artifact as trained before the robust metrics existed; tests change one field at a time. */
export function validArtifact(): Record<string, unknown> & { training: Record<string, unknown> } {
  return {
    name: 'apartment-rent-price',
    version: '1.0.0',
    feature: { name: 'area', unit: 'm2' },
    target: { name: 'price', unit: 'EUR' },
    kind: 'polynomial',
    coefficients: [100, 12],
    training: {
      n: 10,
      n_train: 8,
      n_test: 2,
      degree: 1,
      robust: false,
      r2: 0.5,
      rmse: 10,
      mae: 8,
      x_min: 20,
      x_max: 200,
      trained_at: '2024-03-01T12:00:00.000Z',
      seed: 42,
      holdout: 0.2,
      source: { description: 'unit test', sha256: 'ab'.repeat(32) },
    },
  };
}
