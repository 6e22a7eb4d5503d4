import { Type } from '@sinclair/typebox';

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });

const CheckStatus = Type.Union([Type.Literal('ok'), Type.Literal('not configured'), Type.Literal('unreachable')]);

export const ReadinessSchema = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Object({
    model: Type.Literal('ok'),
    database: CheckStatus,
  }),
});
