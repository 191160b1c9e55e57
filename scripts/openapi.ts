/* Writes openapi.json from the running code (`--check`: fails when the committed file differs). */
import { readFileSync, writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module';
import { buildOpenApi, configureApp, createFastifyAdapter } from '../src/app';
import { loadConfig } from '../src/config/config';

async function main(): Promise<void> {
  const config = loadConfig({
    JWT_SECRET: 'openapi-generation-needs-no-real-secret',
    ...process.env,
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    createFastifyAdapter(config),
    // abortOnError: false lets a failed start (no database, say) reach the catch below and be printed.
    { logger: false, abortOnError: false },
  );
  await configureApp(app, config);
  await app.init();
  const document = JSON.stringify(buildOpenApi(app), null, 2) + '\n';
  await app.close();
  if (process.argv.includes('--check')) {
    const committed = readFileSync('openapi.json', 'utf8');
    if (committed !== document) {
      console.error('openapi.json is out of date: run `npm run openapi` and commit it.');
      process.exit(1);
    }
    console.log('openapi.json is up to date.');
  } else {
    writeFileSync('openapi.json', document);
    console.log('Wrote openapi.json');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
