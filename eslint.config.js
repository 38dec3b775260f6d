// Lint rules that carry the architecture: layer boundaries are import rules on folder names.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'ui/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'UnaryExpression[operator="delete"]', message: 'keep object shapes stable: set the field to undefined instead of delete' }],
    },
  },
  // records/ is pure: it imports nothing else of Wharf but util/.
  layer(['src/records/**/*.ts'], [
    { group: ['**/log/**', '**/broker/**', '**/protocols/**', '**/cluster/**', '**/cli/**', '**/config/**'], message: 'records/ is pure and imports only util/' },
  ]),
  // formats/ is pure: wire value formats shared by the protocols and the broker model.
  layer(['src/formats/**/*.ts'], [
    { group: ['**/log/**', '**/broker/**', '**/protocols/**', '**/cluster/**', '**/cli/**', '**/config/**'], message: 'formats/ is pure and imports only util/' },
  ]),
  // log/ knows bytes on disk, nothing about protocols or the broker model.
  layer(['src/log/**/*.ts'], [
    { group: ['**/broker/**', '**/protocols/**', '**/cluster/**', '**/cli/**', '**/config/**'], message: 'log/ imports only records/ and util/' },
  ]),
  // broker/ is protocol-neutral.
  layer(['src/broker/**/*.ts'], [
    { group: ['**/protocols/**', '**/cli/**'], message: 'broker/ never imports protocols/ or cli/' },
  ]),
  // The Kafka and AMQP clients of the CLI speak the wire codecs only, like any outside client would:
  // protocols/amqp/codec/** is allowed, the AMQP session (protocols/amqp/*.js) is not.
  layer(['src/client/**/*.ts'], [
    { group: ['**/broker/**', '**/log/**', '**/cli/**', '**/server.js', '**/protocols/kafka/handlers/**', '**/protocols/kafka/session.js', '**/protocols/amqp/*.js'], message: 'src/client/ uses only the Kafka and AMQP codecs, formats/, records/ and util/' },
  ]),
  // wharf/client (src/client/web/) runs in browsers with no dependencies: it imports only its own
  // files (no node:*, no packages, no other layer) and uses no Node globals.
  {
    files: ['src/client/web/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./)', message: 'src/client/web ships to browsers: import only its own files (./x.js), never node:*, packages or other layers' }] }],
      'no-restricted-globals': ['error', ...['Buffer', 'process', 'require', 'setImmediate', 'global', '__dirname', '__filename'].map((name) => ({ name, message: 'src/client/web ships to browsers: use Web APIs only' }))],
    },
  },
  // A protocol never reaches into another protocol or the storage engine directly.
  layer(['src/protocols/**/*.ts'], [
    { group: ['**/log/**', '**/cli/**'], message: 'protocols/ talk to broker/, never to log/ directly' },
  ]),
);
