import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'benchmarks/vitest.config.ts',
      'conformance/vitest.config.ts',
      'examples/*/vitest.config.ts',
    ],
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
  },
});
