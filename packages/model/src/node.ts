/**
 * `@realxdeal/model/node`: what needs Node's file system. The main entry
 * stays free of Node built-ins so `predict` bundles for a browser or an edge
 * function; a Node process takes the model file from here.
 */
export { DEFAULT_MODEL_PATH } from './default-model-path';
export { loadModel } from './load-model';
