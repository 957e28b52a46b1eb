import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { statusOf } from '../shared/errors.ts';

// The README's error table is the contract users read; it must name every code the API can send.
it('documents every error code with its status in the README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const [code, status] of Object.entries(statusOf)) expect(readme, code).toMatch(new RegExp(`\\| ${status} \\| \`${code}\` \\|`));
});
