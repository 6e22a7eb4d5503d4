import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { predictMany, type ModelArtifact } from '@realxdeal/model';
import { ServerError, ServerErrorCode } from '../errors';
import { sendError } from '../plugins/app/error-handler';
import { answersPrograms } from '../plugins/external/helmet';
import {
  InferRequest,
  InferRequestSchema,
  InferResponse,
  InferResponseSchema,
  LiveSchema,
  ModelMetadata,
  ModelMetadataSchema,
  ModelParamsSchema,
  ModelVersionParamsSchema,
  ReadySchema,
  ServerMetadataSchema,
  V2ErrorSchema,
} from '../schemas/v2';

export interface V2RoutesOptions {
  serverName: string;
  serverVersion: string;
  /** Most elements one infer request may carry. */
  maxElements: number;
}

/** Datatypes whose JSON form is a plain number, so a polynomial can take them. */
const NUMERIC_DATATYPES = new Set(['FP64', 'FP32', 'FP16', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);
const OUTPUT_NAME = 'prediction';

export function modelMetadata(model: ModelArtifact): ModelMetadata {
  return {
    name: model.name,
    versions: [model.version],
    platform: 'realxdeal-polynomial',
    inputs: [{ name: model.feature.name, datatype: 'FP64', shape: [-1] }],
    outputs: [{ name: OUTPUT_NAME, datatype: 'FP64', shape: [-1] }],
  };
}

function badRequest(message: string): ServerError {
  return new ServerError(ServerErrorCode.BAD_INFER_REQUEST, message);
}

function checkModel(model: ModelArtifact, name: string, version?: string): void {
  if (name !== model.name) {
    throw new ServerError(ServerErrorCode.MODEL_NOT_FOUND, `model "${name}" is not served here; this server serves "${model.name}"`);
  }
  if (version !== undefined && version !== model.version) {
    throw new ServerError(
      ServerErrorCode.MODEL_NOT_FOUND,
      `model "${name}" has no version "${version}"; the served version is "${model.version}"`,
    );
  }
}

/**
 * Flattens row-major tensor data (flat or nested arrays are both allowed by
 * the protocol) into `out`, checking every element is a finite number.
 * Nesting may go as deep as the shape has dimensions (`levels`), no deeper:
 * deeper data is malformed, and unbounded recursion on a body like
 * `[[[[…]]]]` overflowed the stack (a 500).
 */
function flatten(data: unknown[], out: Float64Array, path: string, state: { n: number; shape: string }, levels: number): void {
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (Array.isArray(value)) {
      if (levels <= 1) throw badRequest(`${path}[${i}] is nested deeper than the shape ${state.shape} allows`);
      flatten(value, out, `${path}[${i}]`, state, levels - 1);
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      const got = typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
      throw badRequest(`${path}[${i}] must be a finite number, got ${got}`);
    }
    if (state.n >= out.length) throw badRequest(`${path} holds more elements than its shape declares`);
    out[state.n++] = value;
  }
}

export function infer(model: ModelArtifact, body: InferRequest, maxElements: number): InferResponse {
  if (body.inputs.length !== 1) {
    throw badRequest(`expected exactly one input named "${model.feature.name}", got ${body.inputs.length}`);
  }
  const input = body.inputs[0];
  if (input.name !== model.feature.name) {
    throw badRequest(`unknown input "${input.name}"; this model takes one input named "${model.feature.name}"`);
  }
  if (!NUMERIC_DATATYPES.has(input.datatype)) {
    throw badRequest(`input "${input.name}" has datatype ${input.datatype}; expected FP64 (or another numeric datatype)`);
  }
  const shape = input.shape;
  if (shape.length === 0 || shape.length > 2 || (shape.length === 2 && shape[1] !== 1)) {
    throw badRequest(`input "${input.name}" has shape [${shape.join(', ')}]; expected [n] or [n, 1]`);
  }
  const n = shape[0];
  if (n > maxElements) throw badRequest(`input "${input.name}" has ${n} elements; at most ${maxElements} per request`);
  for (const output of body.outputs ?? []) {
    if (output.name !== OUTPUT_NAME) {
      throw badRequest(`unknown output "${output.name}"; this model has one output named "${OUTPUT_NAME}"`);
    }
  }
  const xs = new Float64Array(n);
  const state = { n: 0, shape: `[${shape.join(', ')}]` };
  flatten(input.data, xs, `input "${input.name}" data`, state, shape.length);
  if (state.n !== n) {
    throw badRequest(`input "${input.name}" has ${state.n} elements but its shape [${shape.join(', ')}] needs ${n}`);
  }
  const predictions = predictMany(model, xs);
  const data = Array.from(predictions);
  const overflow = data.findIndex((y) => !Number.isFinite(y));
  if (overflow >= 0) {
    throw badRequest(
      `input "${input.name}" element ${overflow} (${xs[overflow]}) is too far outside the training range: the prediction overflows`,
    );
  }
  return {
    model_name: model.name,
    model_version: model.version,
    id: body.id ?? randomUUID(),
    outputs: [{ name: OUTPUT_NAME, shape: [n], datatype: 'FP64', data }],
  };
}

/**
 * Open Inference Protocol (KServe v2) REST endpoints. Encapsulated so its
 * errors take the protocol's `{ "error": "..." }` shape.
 */
const v2Routes: FastifyPluginAsyncTypebox<V2RoutesOptions> = async (app, opts) => {
  answersPrograms(app);
  const model = app.model;
  const errors = { 400: V2ErrorSchema, 404: V2ErrorSchema };

  app.setErrorHandler(async (error, request, reply) => sendError(request, reply, error, { protocol: 'v2' }));

  const serverMetadata = { name: opts.serverName, version: opts.serverVersion, extensions: [] };
  app.get('/v2', {
    schema: { tags: ['v2'], summary: 'Server metadata', response: { 200: ServerMetadataSchema } },
    handler: async () => serverMetadata,
  });
  // The spec writes the path as `v2/`; both spellings answer.
  app.get('/v2/', {
    schema: { hide: true, response: { 200: ServerMetadataSchema } },
    handler: async () => serverMetadata,
  });

  // The model is loaded before the app starts, so live and ready are the same fact here.
  app.get('/v2/health/live', {
    schema: { tags: ['v2'], summary: 'Server live', response: { 200: LiveSchema } },
    config: { rateLimit: false },
    handler: async () => ({ live: true }),
  });

  app.get('/v2/health/ready', {
    schema: { tags: ['v2'], summary: 'Server ready (all models ready)', response: { 200: ReadySchema } },
    config: { rateLimit: false },
    handler: async () => ({ ready: true }),
  });

  app.get('/v2/models/:name', {
    schema: {
      tags: ['v2'],
      summary: 'Model metadata',
      params: ModelParamsSchema,
      response: { 200: ModelMetadataSchema, 404: V2ErrorSchema },
    },
    handler: async (request) => {
      checkModel(model, request.params.name);
      return modelMetadata(model);
    },
  });

  app.get('/v2/models/:name/versions/:version', {
    schema: {
      tags: ['v2'],
      summary: 'Model metadata for one version',
      params: ModelVersionParamsSchema,
      response: { 200: ModelMetadataSchema, 404: V2ErrorSchema },
    },
    handler: async (request) => {
      checkModel(model, request.params.name, request.params.version);
      return modelMetadata(model);
    },
  });

  app.get('/v2/models/:name/ready', {
    schema: { tags: ['v2'], summary: 'Model ready', params: ModelParamsSchema, response: { 200: ReadySchema, 404: V2ErrorSchema } },
    handler: async (request) => {
      checkModel(model, request.params.name);
      return { ready: true };
    },
  });

  app.get('/v2/models/:name/versions/:version/ready', {
    schema: {
      tags: ['v2'],
      summary: 'Model version ready',
      params: ModelVersionParamsSchema,
      response: { 200: ReadySchema, 404: V2ErrorSchema },
    },
    handler: async (request) => {
      checkModel(model, request.params.name, request.params.version);
      return { ready: true };
    },
  });

  app.post('/v2/models/:name/infer', {
    schema: {
      tags: ['v2'],
      summary: 'Inference',
      params: ModelParamsSchema,
      body: InferRequestSchema,
      response: { 200: InferResponseSchema, ...errors },
    },
    handler: async (request) => {
      checkModel(model, request.params.name);
      const response = infer(model, request.body, opts.maxElements);
      app.metrics.predictions.inc({ endpoint: 'v2' }, response.outputs[0].data.length);
      return response;
    },
  });

  app.post('/v2/models/:name/versions/:version/infer', {
    schema: {
      tags: ['v2'],
      summary: 'Inference on one version',
      params: ModelVersionParamsSchema,
      body: InferRequestSchema,
      response: { 200: InferResponseSchema, ...errors },
    },
    handler: async (request) => {
      checkModel(model, request.params.name, request.params.version);
      const response = infer(model, request.body, opts.maxElements);
      app.metrics.predictions.inc({ endpoint: 'v2' }, response.outputs[0].data.length);
      return response;
    },
  });
};

export default v2Routes;
