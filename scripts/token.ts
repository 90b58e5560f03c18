import path from 'node:path';
import { Command, Option } from 'commander';
import { ROLES } from '#domain/vocabulary';
import type { Role } from '#domain/vocabulary';
import { localAuth } from '#local/local-auth';

/**
 * `npm run token -- --role <role> [--sub <id>] [--subdistrict <name>]...`: prints a bearer token the local API accepts, signed with
 * the key kept under DATA_DIR (default ./data). Use it as `Authorization: Bearer $(npm run -s token -- --role officer)`.
 */
async function main(): Promise<void> {
  const program = new Command()
    .name('npm run token --')
    .description('Print a bearer token for the local Rectify API')
    .addOption(
      new Option('--role <role>', 'the Cognito group the token carries').choices([...ROLES]).makeOptionMandatory(),
    )
    .option('--sub <id>', 'the subject (user id); defaults to local-<role>')
    .option('--hours <n>', 'hours until the token expires', '12')
    .option(
      '--subdistrict <name>',
      'a sub-district (街道) the person acts in; repeat for several; without it, the whole city',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--data-dir <dir>', 'where the local signing key is kept', process.env.DATA_DIR ?? './data')
    .parse();
  const options = program.opts<{ role: Role; sub?: string; hours: string; dataDir: string; subdistrict?: string[] }>();
  const hours = Number(options.hours);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30)
    program.error('--hours must be a number of hours between 0 and 720');
  const auth = await localAuth(path.resolve(options.dataDir));
  const subdistricts = options.subdistrict?.map((name) => name.trim()).filter(Boolean);
  if (options.subdistrict && !subdistricts?.length) program.error('--subdistrict needs a name');
  process.stdout.write(
    `${await auth.issue({ role: options.role, sub: options.sub, ttlSeconds: Math.round(hours * 3600), subdistricts })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
