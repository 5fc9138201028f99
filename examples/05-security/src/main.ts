import { isMain, runRecipes } from '@cookbook/shared';
import { apiDemo } from '../api/demo.js';
import { configDemo } from '../config/demo.js';
import { corsDemo } from '../cors/demo.js';
import { headersDemo } from '../headers/demo.js';
import { jwtDemo } from '../jwt/demo.js';
import { passwordsDemo } from '../passwords/demo.js';
import { rateLimitDemo } from '../rate-limit/demo.js';
import { sqlInjectionDemo } from '../sql-injection/demo.js';
import { validationDemo } from '../validation/demo.js';

export const recipes = {
  validation: validationDemo,
  'sql-injection': sqlInjectionDemo,
  passwords: passwordsDemo,
  jwt: jwtDemo,
  'rate-limit': rateLimitDemo,
  headers: headersDemo,
  config: configDemo,
  cors: corsDemo,
  api: apiDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
