import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

describe("the console's generated API types", () => {
  it('match the route table (run `npm run console:api-types` after changing a route or schema)', () => {
    // In a child process: openapi-typescript loads ES modules that Jest's CommonJS runtime cannot.
    const generated = execFileSync(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      ['scripts/console-api-types.ts', '--print'],
      { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    expect(readFileSync(path.join(root, 'console', 'src', 'api', 'schema.d.ts'), 'utf8')).toBe(generated);
  }, 60_000);
});
