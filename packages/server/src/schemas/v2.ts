import { Type, type Static } from '@sinclair/typebox';

/** Field names follow the Open Inference Protocol REST spec (kserve rest_predict_v2.yaml). */

export const V2ErrorSchema = Type.Object({ error: Type.String() }, { description: 'Open Inference Protocol error' });
export type V2Error = Static<typeof V2ErrorSchema>;

export const ServerMetadataSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  extensions: Type.Array(Type.String()),
});

export const MetadataTensorSchema = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer()),
});

export const ModelMetadataSchema = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.String()),
  platform: Type.String(),
  inputs: Type.Array(MetadataTensorSchema),
  outputs: Type.Array(MetadataTensorSchema),
});
export type ModelMetadata = Static<typeof ModelMetadataSchema>;

export const LiveSchema = Type.Object({ live: Type.Boolean() });
export const ReadySchema = Type.Object({ ready: Type.Boolean() });

const ParametersSchema = Type.Record(Type.String(), Type.Unknown());

export const InferRequestSchema = Type.Object({
  id: Type.Optional(Type.String()),
  parameters: Type.Optional(ParametersSchema),
  inputs: Type.Array(
    Type.Object({
      name: Type.String(),
      shape: Type.Array(Type.Integer({ minimum: 0 })),
      datatype: Type.String(),
      parameters: Type.Optional(ParametersSchema),
      // Nested or flat row-major tensor data; checked in the handler so the
      // error can say which element is wrong.
      data: Type.Array(Type.Unknown()),
    }),
  ),
  outputs: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        parameters: Type.Optional(ParametersSchema),
      }),
    ),
  ),
});
export type InferRequest = Static<typeof InferRequestSchema>;

export const InferResponseSchema = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.String(),
  outputs: Type.Array(
    Type.Object({
      name: Type.String(),
      shape: Type.Array(Type.Integer()),
      datatype: Type.String(),
      data: Type.Array(Type.Number()),
    }),
  ),
});
export type InferResponse = Static<typeof InferResponseSchema>;

export const ModelParamsSchema = Type.Object({ name: Type.String() });
export const ModelVersionParamsSchema = Type.Object({ name: Type.String(), version: Type.String() });
