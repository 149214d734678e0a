// `npm run migrate [-- <service...>] [--revert]`: applies (or reverts the last of) each service's migrations
// in its own schema of DATABASE_URL. With no service named, all six.
import { platformServices } from '@renkei/standalone';
import { ConfigError, env, migrateServices, parseEnv, revertServiceMigration } from '@renkei/platform';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const revert = args.includes('--revert');
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !platformServices.some((definition) => definition.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown service(s): ${unknown.join(', ')}; known: ${platformServices.map((d) => d.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  const selected =
    names.length === 0
      ? platformServices
      : platformServices.filter((definition) => names.includes(definition.name));
  const { DATABASE_URL } = parseEnv({
    DATABASE_URL: env.url({
      description: 'PostgreSQL URL',
      protocols: ['postgres', 'postgresql'],
      secret: true,
      requiredWhen: { describe: 'migrating', test: () => true },
    }),
  });
  const url = DATABASE_URL ?? '';
  if (revert) {
    for (const definition of selected) {
      await revertServiceMigration(url, definition);
      process.stdout.write(`${definition.name}: reverted the last migration\n`);
    }
    return;
  }
  for (const report of await migrateServices(url, selected)) {
    const what = report.applied.length === 0 ? 'up to date' : `applied ${report.applied.join(', ')}`;
    process.stdout.write(`${report.service} (schema ${report.schema}): ${what}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(error instanceof ConfigError ? 78 : 1);
});
