import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from './paths';

/** Read from package.json at start so /v2 and /docs report the deployed version. */
const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

export const SERVER_NAME: string = pkg.name;
export const SERVER_VERSION: string = pkg.version;
