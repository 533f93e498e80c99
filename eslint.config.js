// ESLint flat config: typescript-eslint with type information for every workspace.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-server/**',
      'data/**',
      'e2e/screenshots/**',
      '**/*.js',
      '**/*.mjs',
      // The types of a script (.mjs, not linted either); the e2e tsconfig checks them where used.
      'scripts/*.d.mts',
      'packages/web/src/api/openapi.d.ts',
      // Fixtures the typed-client test compiles; one of them must not compile.
      'packages/web/typecheck/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Fastify plugins and handlers are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['packages/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // antd's InputNumber moves a number outside min/max to the bound and rounds to precision
    // without a word (−5 became 0.5); number fields use NumberInput and say what is wrong.
    files: ['packages/web/**/*.{ts,tsx}'],
    ignores: ['packages/web/src/common/NumberInput.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'antd',
              importNames: ['InputNumber'],
              message:
                'Use NumberInput (common/NumberInput) with a numberRule: it never changes what was typed.',
            },
          ],
        },
      ],
    },
  },
  {
    // Decision 0019: cheaper password hashing is for the test suite's own process only.
    files: ['packages/server/src/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      'packages/server/src/test/**',
      'packages/server/src/modules/identity/secrets.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Identifier[name='setPasswordHashingForTests']",
          message: 'Only test code may change the argon2id costs; the application hashes with OWASP costs.',
        },
      ],
    },
  },
  {
    // Module boundaries: a server module uses another module only through its public entry,
    // modules/<name>/index.ts (`../<name>`), never its internal files (a repository above all).
    files: ['packages/server/src/modules/*/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\./)[^/]+/',
              message: "Import another module through its entry ('../<module>'), not its internal files.",
            },
          ],
        },
      ],
    },
  },
  {
    // The same for files one folder deeper (modules/cmdb/transfer, modules/notifications/testing).
    files: ['packages/server/src/modules/*/*/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./(?!\\.\\./)[^/]+/',
              message: "Import another module through its entry ('../../<module>'), not its internal files.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests (and the modules' testing/ stand-ins for peers) and migrations talk to loosely typed
    // things (HTTP bodies, Kysely<any>) by design.
    files: [
      '**/*.test.ts',
      '**/test/**/*.ts',
      '**/testing/**/*.ts',
      'e2e/**/*.ts',
      'bench/**/*.ts',
      '**/migrations/*.ts',
    ],
    rules: {
      // HTTP bodies in tests are whatever the server sent; the assertions are the type check.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
