/**
 * The Node.js versions we run on. better-sqlite3 13 (Node-API) needs Node 22
 * or newer and crashes natively on Node 20, so a start on an older Node must
 * stop before anything loads it, with a line a person can act on. Keep in
 * step with `engines` in the root package.json (a test checks).
 */
export const MINIMUM_NODE_MAJOR = 22;
/** The active LTS: .nvmrc, the Docker image and .ci/run use it. */
export const RECOMMENDED_NODE_MAJOR = 24;

/** The one-line reason `version` (as in `process.versions.node`) cannot run us, or null when it can. */
export function unsupportedNodeMessage(version: string): string | null {
  const major = Number.parseInt(version.replace(/^v/, ''), 10);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return null;
  return `realxdeal needs Node.js ${MINIMUM_NODE_MAJOR} or newer (${RECOMMENDED_NODE_MAJOR} LTS recommended, see .nvmrc); this is Node.js ${version}`;
}
