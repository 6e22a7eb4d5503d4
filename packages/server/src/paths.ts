import * as path from 'node:path';

/**
 * This module sits directly in `src/` (jest) or `dist/` (build), so one `..`
 * reaches the package root either way; keep it out of subfolders.
 */
export const PACKAGE_ROOT = path.join(__dirname, '..');
export const VIEWS_DIR = path.join(PACKAGE_ROOT, 'views');
export const PUBLIC_DIR = path.join(PACKAGE_ROOT, 'public');
