import * as path from 'node:path';

/**
 * Where the trained model is shipped. This module sits directly in `src/`
 * (jest) or `dist/` (build), so one `..` reaches the package root either way;
 * keep it out of subfolders.
 */
export const DEFAULT_MODEL_PATH: string = path.join(__dirname, '..', 'models', 'default.json');
