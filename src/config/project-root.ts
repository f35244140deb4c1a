// The repository root, for files the harness reads at run time (config/, scripts/, manifests/).
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '../..');
