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

  it('sees static, type-only, re-exported, side-effect and dynamic imports', () => {
    const source = [
      "import { a } from '../models/user.js';",
      "import type { B } from 'sequelize';",
      "export { c } from './c.js';",
      'const d = await import("express");',
      "import {\n  e,\n  f,\n} from 'pg';",
      "  import { g } from 'fastify';", // indented
      "import { h } from'sequelize/types';", // no space before the quote
      "const i = await import( '../config/database.js' );", // spaces inside the parentheses
      "import '../models/index.js';", // for its side effects only
    ].join('\n');
    expect(importsOf(source)).toEqual([
      '../models/user.js',
      'sequelize',
      './c.js',
      'express',
      'pg',
      'fastify',
      'sequelize/types',
      '../config/database.js',
      '../models/index.js',
    ]);
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

  it('flags every import each rule forbids, a package by any subpath, and says why; allowed ones pass', async () => {
    // The rules as the README states them, written out here so that a rule dropped from
    // LAYER_RULES fails this test instead of quietly shrinking it.
    const forbidden: Record<string, string[]> = {
      api: ['models', 'repositories', 'config', 'sequelize', 'pg'],
      services: ['api', 'models', 'repositories', 'config', 'express', 'fastify', 'sequelize', 'pg'],
      repositories: ['api', 'express', 'fastify'],
      models: ['api', 'services', 'repositories', 'express', 'fastify'],
      utils: ['api', 'services', 'repositories', 'models', 'config'],
    };
    const folders = new Set([...Object.keys(forbidden), 'config']);
    // A folder of app/ is imported by relative path, a package by name and by a subpath.
    const specifiers = (name: string) => (folders.has(name) ? [`../${name}/x.js`] : [name, `${name}/sub`]);
    const root = await mkdtemp(join(tmpdir(), 'layering-'));
    try {
      const expected: string[] = [];
      for (const [layer, names] of Object.entries(forbidden)) {
        await mkdir(join(root, layer, 'deep'), { recursive: true });
        const imports = names.flatMap(specifiers);
        await writeFile(join(root, layer, 'bad.ts'), imports.map((spec) => `import '${spec}';`).join('\n'));
        expected.push(...imports.map((spec) => `${layer}/bad.ts → ${spec}`));
        // Allowed: Node's own modules, and a layer below (utils imports nothing of the app).
        const allowed = layer === 'utils' ? 'node:fs/promises' : '../../utils/x.js';
        await writeFile(join(root, layer, 'deep', 'good.ts'), `import { a } from '${allowed}';`);
      }
      const found = await findLayerViolations(root);
      expect(found.map((v) => `${v.file} → ${v.imports}`).sort()).toEqual(expected.sort());
      for (const { rule } of found) expect(rule.because).toMatch(/^[a-z][a-z ,]{20,}/i);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
