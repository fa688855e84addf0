// ESLint: typescript-eslint's recommended rules, and the house's layering as import rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The core's folders, top floor first (docs/architecture.md): a folder may import only the folders
 * below it, so a frame's walk through the house goes one way down. test/unit/architecture.test.ts
 * checks the same order and that there is no cycle between files.
 */
export const FLOORS = [
  'app',
  'http',
  'session',
  'video',
  'audio',
  'recording',
  'send',
  'receive',
  'worker',
  'models',
  'detect',
  'rate',
  'plugins',
  'python',
  'transforms',
  'webrtc',
  'media',
  'base',
];

const above = (folder) => FLOORS.slice(0, FLOORS.indexOf(folder));

/** What each core folder may not import: the floors above it, Electron, and (for the worker) the main thread's own code. */
const layering = FLOORS.map((folder) => ({
  files: [`electron/core/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'electron', message: 'electron/core is plain Node: it never imports electron.' }],
        patterns: above(folder).map((upper) => ({
          group: [`../${upper}/*`, `../../${upper}/*`],
          message: `electron/core/${folder} is below ${upper}/: it may not import it (see docs/architecture.md).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'test-output/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tests and benches cast fixtures; the core keeps its casts to werift-internals.ts (checked by a test).
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
      // Prettier wraps code at 140; this catches the comments and strings it cannot wrap (test names may run long).
      'max-len': [
        'error',
        {
          code: 140,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignorePattern: '^\\s*(it|describe|test)\\(',
        },
      ],
    },
  },
  ...layering,
  {
    files: ['electron/core/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'electron/core is plain Node: it never imports electron.' }] },
      ],
    },
  },
  {
    // The pages run in browsers and talk to the core over HTTP only: its types come through shared/api-types.d.ts.
    files: ['renderer/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'module' },
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/electron/**'], message: 'pages never import the core.' }] }] },
  },
  {
    files: ['plugins/**/*.mjs', 'plugins/**/*.js'],
    languageOptions: { sourceType: 'module' },
  },
);
