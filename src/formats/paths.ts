/** Where npusim's own files are: the package root holds configs/ and schemas/ (beside src/ and dist/). */
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONFIGS_DIR = fileURLToPath(new URL('../../configs/', import.meta.url));
export const ENERGY_TABLES_DIR = fileURLToPath(new URL('../../configs/energy/', import.meta.url));
