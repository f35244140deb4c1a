// typescript-eslint's recommended type-aware rules over the harness, its specs and scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'bin/', 'specs/support/*.cjs', '.mocharc.*.cjs', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // chai's expect(...).to.be.true style is not used; expression statements stay an error.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
