import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLayerViolations, importsOf } from './layer-rules.js';

const APP = join(import.meta.dirname, '..', 'app');

describe('the layering rule, read from the imports', () => {
  // #region layering-test
  it('holds across app/, except in the singleton kept as the Q&A pitfall', async () => {
    const violations = await findLayerViolations(APP);
    expect(violations.map((v) => `${v.file} → ${v.imports}`)).toEqual([
      'services/singleton-user-service.ts → ../config/database.js',
      'services/singleton-user-service.ts → ../config/environment.js',
      'services/singleton-user-service.ts → ../models/index.js',
      'services/singleton-user-service.ts → ../repositories/user-repository.js',
    ]);
  });
  // #endregion layering-test

  it('sees static, type-only, re-exported and dynamic imports', () => {
    const source = [
      "import { a } from '../models/user.js';",
      "import type { B } from 'sequelize';",
      "export { c } from './c.js';",
      'const d = await import("express");',
      "import {\n  e,\n  f,\n} from 'pg';",
    ].join('\n');
    expect(importsOf(source)).toEqual(['../models/user.js', 'sequelize', './c.js', 'express', 'pg']);
  });

  it('catches a controller that reaches for a model and a repository that imports Express', async () => {
    const root = await mkdtemp(join(tmpdir(), 'layering-'));
    try {
      await mkdir(join(root, 'api', 'controllers'), { recursive: true });
      await mkdir(join(root, 'repositories'));
      await writeFile(
        join(root, 'api', 'controllers', 'c.ts'),
        "import type { UserRow } from '../../models/user.js';\n",
      );
      await writeFile(join(root, 'repositories', 'r.ts'), "import type { Request } from 'express';\n");
      const found = await findLayerViolations(root);
      expect(found.map((v) => [v.file, v.imports])).toEqual([
        ['api/controllers/c.ts', '../../models/user.js'],
        ['repositories/r.ts', 'express'],
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
