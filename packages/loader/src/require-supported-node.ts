/**
 * Imported first by every process entry (the loader CLI, the server): on an
 * unsupported Node it prints one line and exits before any native addon loads.
 */
import { unsupportedNodeMessage } from './supported-node';

const problem = unsupportedNodeMessage(process.versions.node);
if (problem !== null) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
