import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createFastifyAdapter } from './app';
import { configFromEnvironment, InvalidConfigError } from './config/config';

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    createFastifyAdapter(config),
    {
      bufferLogs: true,
    },
  );
  await configureApp(app, config);
  await app.listen(config.port, '0.0.0.0');
}

main().catch((error: unknown) => {
  if (error instanceof InvalidConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  console.error(error);
  process.exit(1);
});
