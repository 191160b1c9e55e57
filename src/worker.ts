import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { configFromEnvironment, InvalidConfigError } from './config/config';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // On SIGTERM the workers stop taking jobs, finish those in flight, and the process exits.
  app.enableShutdownHooks();
  app.get(Logger).log('Worker started');
}

main().catch((error: unknown) => {
  if (error instanceof InvalidConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  console.error(error);
  process.exit(1);
});
