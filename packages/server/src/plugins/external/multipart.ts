import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';

export interface MultipartOptions {
  maxUploadBytes: number;
}

/**
 * Stream mode only (no attachFieldsToBody): the batch route pipes the file
 * through the predictor without ever holding it. The part limits bound
 * everything that is not the file, so `content-length` minus the file size
 * is small and a declared length can be checked up front.
 */
export const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

export default fp<MultipartOptions>(
  async (app, opts) => {
    await app.register(multipart, {
      limits: {
        fileSize: opts.maxUploadBytes,
        files: 1,
        fields: 4,
        fieldSize: 1024,
        parts: 5,
        headerPairs: 20,
      },
    });
  },
  { name: 'realxdeal-multipart' },
);
