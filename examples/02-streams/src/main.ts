import { isMain, runRecipes } from '@cookbook/shared';
import { backpressureDemo } from '../backpressure/demo.js';
import { csvImportDemo } from '../csv-import/demo.js';
import { duplexDemo } from '../duplex/demo.js';
import { pipelineDemo } from '../pipeline/demo.js';
import { readFileDemo } from '../read-file/demo.js';
import { transformDemo } from '../transform/demo.js';
import { uploadDemo } from '../upload/demo.js';

export const recipes = {
  'read-file': readFileDemo,
  pipeline: pipelineDemo,
  backpressure: backpressureDemo,
  transform: transformDemo,
  duplex: duplexDemo,
  upload: uploadDemo,
  'csv-import': csvImportDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
