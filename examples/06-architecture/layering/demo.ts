import { join } from 'node:path';
import { recipe } from '@cookbook/shared';
import { findLayerViolations, LAYER_RULES } from './layer-rules.js';

export const layeringDemo = recipe({
  services: [],
  title: 'who may import whom, checked by reading the imports',
  lookFor: 'the only violations are in the Q&A-style singleton kept as the pitfall',
  async run({ log }) {
    for (const rule of LAYER_RULES) log(`${rule.layer.padEnd(13)} may not import ${rule.mayNotImport.join(', ')}`);
    for (const v of await findLayerViolations(join(import.meta.dirname, '..', 'app')))
      log(`violation: ${v.file} imports ${v.imports}`);
  },
});
