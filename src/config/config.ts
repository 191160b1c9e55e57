import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidateIf,
} from 'class-validator';
import { Duration } from 'luxon';

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const ISO_DURATION_LIST = /^P[^,\s]+(,P[^,\s]+)*$/;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1'
    ? true
    : value === 'false' || value === '0' || value === ''
      ? false
      : value;

/** The raw environment, as validated. Every variable has its default here and in .env.example. */
class EnvSchema {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV = 'development';

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/mptf';

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 10;

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT10S' })
  DATABASE_POOL_TIMEOUT = 'PT10S';

  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'must be an http(s) URL' })
  PUBLIC_URL = 'http://localhost:3000';

  @IsString({ message: 'is required (at least 32 characters)' })
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET!: string;

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT15M' })
  JWT_TTL = 'PT15M';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT12H' })
  SESSION_MAX_AGE = 'PT12H';

  @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// URL' })
  SMTP_URL = 'smtp://127.0.0.1:1025';

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Migration MPTF <no-reply@migration-mptf.example.org>';

  // Both or neither: a password without an e-mail would be silently ignored.
  @ValidateIf((env: EnvSchema) => Boolean(env.BOOTSTRAP_ADMIN_EMAIL || env.BOOTSTRAP_ADMIN_PASSWORD))
  @IsString({ message: 'is required when BOOTSTRAP_ADMIN_PASSWORD is set' })
  @IsEmail({}, { message: 'must be an e-mail address' })
  BOOTSTRAP_ADMIN_EMAIL?: string;

  @ValidateIf((env: EnvSchema) => Boolean(env.BOOTSTRAP_ADMIN_EMAIL))
  @IsString({ message: 'is required when BOOTSTRAP_ADMIN_EMAIL is set' })
  @MinLength(12, { message: 'must be at least 12 characters' })
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @Matches(ISO_DURATION_LIST, { message: 'must be a comma-separated list of ISO-8601 durations' })
  CUTOFF_REMINDER_OFFSETS = 'P21D,P7D,P1D';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as P14D' })
  PACKET_OFFSET = 'P14D';

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of bytes' })
  @Min(1)
  PACKET_ATTACH_MAX_BYTES = 10 * 1024 * 1024;

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as P7D' })
  PACKET_LINK_TTL = 'P7D';

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of bytes' })
  @Min(1)
  ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;

  @IsString()
  @MinLength(1)
  STORAGE_DIR = './storage';

  @IsString()
  @MinLength(1)
  WEB_DIR = './web/dist';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as P7D' })
  INVITATION_TTL = 'P7D';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT1H' })
  PASSWORD_RESET_TTL = 'PT1H';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT30S' })
  OUTBOX_SWEEP_INTERVAL = 'PT30S';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT1M' })
  RECONCILE_INTERVAL = 'PT1M';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT2M' })
  OUTBOX_CLAIM_DURATION = 'PT2M';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT30S' })
  WORKER_LOCK_DURATION = 'PT30S';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT30S' })
  WORKER_STALLED_INTERVAL = 'PT30S';

  @Matches(ISO_DURATION, { message: 'must be an ISO-8601 duration such as PT2S' })
  MAIL_RETRY_DELAY = 'PT2S';

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(50)
  MAIL_MAX_ATTEMPTS = 8;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'may hold only letters, digits, - and _' })
  QUEUE_PREFIX = 'mptf';

  @Transform(toBool)
  @IsIn([true, false], { message: 'must be true or false' })
  TRUST_PROXY = false;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(1000)
  REVIEWER_MAX_OPEN_ASSIGNMENTS = 5;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  databaseUrl: string;
  /** Connections each process keeps open to PostgreSQL at most. */
  databasePoolSize: number;
  /** How long a request waits for a free connection before answering 503 DATABASE_BUSY. */
  databasePoolTimeoutMs: number;
  redisUrl: string;
  port: number;
  publicUrl: string;
  /** ttlSeconds: an access token's life; sessionMaxAgeSeconds: how long refreshing may extend a sign-in. */
  jwt: { secret: string; ttlSeconds: number; sessionMaxAgeSeconds: number };
  smtpUrl: string;
  mailFrom: string;
  bootstrapAdmin?: { email: string; password: string };
  cutoffReminderOffsets: Duration[];
  packetOffset: Duration;
  packetAttachMaxBytes: number;
  packetLinkTtl: Duration;
  attachmentMaxBytes: number;
  storageDir: string;
  /** The built web application, served at `/` when the folder exists. */
  webDir: string;
  invitationTtl: Duration;
  /** How long a "forgot my password" link stays valid. */
  passwordResetTtl: Duration;
  outboxSweepIntervalMs: number;
  reconcileIntervalMs: number;
  /** claimMs: how long a worker holds an e-mail it is sending before another may take it over. */
  mail: { retryDelayMs: number; maxAttempts: number; claimMs: number };
  /** BullMQ worker settings: how long a job's lock lasts unrenewed, and how often stalled jobs are looked for. */
  worker: { lockDurationMs: number; stalledIntervalMs: number };
  logLevel: string;
  queuePrefix: string;
  trustProxy: boolean;
  /** Reviewers with this many reviews still to do are not suggested for another note. */
  reviewerMaxOpenAssignments: number;
}

export class InvalidConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.variable} ${p.message}`).join('\n'));
    this.name = 'InvalidConfigError';
  }
}

/** Validates an environment (process.env or a test's own) and returns the typed configuration. */
export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  const present = Object.fromEntries(
    // An empty value counts as unset, so the default applies.
    Object.entries(source).filter(
      ([key, value]) => value !== undefined && value !== '' && key in new EnvSchema(),
    ),
  );
  const env = plainToInstance(EnvSchema, present);
  const errors = validateSync(env, { forbidUnknownValues: false });
  const problems = errors.map((error) => {
    // class-validator lists a property's failures from the bottom decorator up; the top one (the
    // presence or type check) says best what is wrong: `PORT=abc` is not an integer, not "over 65535".
    const message = Object.values(error.constraints ?? {}).at(-1) ?? 'is invalid';
    return {
      variable: error.property,
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    };
  });
  for (const [variable, value] of [
    ['JWT_TTL', env.JWT_TTL],
    ['SESSION_MAX_AGE', env.SESSION_MAX_AGE],
    ['PACKET_OFFSET', env.PACKET_OFFSET],
    ['PACKET_LINK_TTL', env.PACKET_LINK_TTL],
    ['INVITATION_TTL', env.INVITATION_TTL],
    ['DATABASE_POOL_TIMEOUT', env.DATABASE_POOL_TIMEOUT],
    ['PASSWORD_RESET_TTL', env.PASSWORD_RESET_TTL],
    ['OUTBOX_SWEEP_INTERVAL', env.OUTBOX_SWEEP_INTERVAL],
    ['MAIL_RETRY_DELAY', env.MAIL_RETRY_DELAY],
    ['OUTBOX_CLAIM_DURATION', env.OUTBOX_CLAIM_DURATION],
    ['WORKER_LOCK_DURATION', env.WORKER_LOCK_DURATION],
    ['WORKER_STALLED_INTERVAL', env.WORKER_STALLED_INTERVAL],
    ['RECONCILE_INTERVAL', env.RECONCILE_INTERVAL],
    ...env.CUTOFF_REMINDER_OFFSETS.split(',').map((v) => ['CUTOFF_REMINDER_OFFSETS', v] as const),
  ] as const) {
    if (problems.some((p) => p.variable === variable)) continue;
    const duration = Duration.fromISO(value);
    if (!duration.isValid || duration.as('milliseconds') <= 0) {
      problems.push({ variable, message: `must be a positive ISO-8601 duration (got "${value}")` });
    }
  }
  if (problems.length > 0) throw new InvalidConfigError(problems);

  const seconds = (iso: string) => Math.round(Duration.fromISO(iso).as('seconds'));
  return {
    env: env.NODE_ENV as AppConfig['env'],
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databasePoolTimeoutMs: Duration.fromISO(env.DATABASE_POOL_TIMEOUT).as('milliseconds'),
    redisUrl: env.REDIS_URL,
    port: env.PORT,
    publicUrl: env.PUBLIC_URL.replace(/\/+$/, ''),
    jwt: {
      secret: env.JWT_SECRET,
      ttlSeconds: seconds(env.JWT_TTL),
      sessionMaxAgeSeconds: seconds(env.SESSION_MAX_AGE),
    },
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    bootstrapAdmin:
      env.BOOTSTRAP_ADMIN_EMAIL && env.BOOTSTRAP_ADMIN_PASSWORD
        ? { email: env.BOOTSTRAP_ADMIN_EMAIL.toLowerCase(), password: env.BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
    cutoffReminderOffsets: env.CUTOFF_REMINDER_OFFSETS.split(',').map((v) => Duration.fromISO(v)),
    packetOffset: Duration.fromISO(env.PACKET_OFFSET),
    packetAttachMaxBytes: env.PACKET_ATTACH_MAX_BYTES,
    packetLinkTtl: Duration.fromISO(env.PACKET_LINK_TTL),
    attachmentMaxBytes: env.ATTACHMENT_MAX_BYTES,
    storageDir: resolve(env.STORAGE_DIR),
    webDir: resolve(env.WEB_DIR),
    invitationTtl: Duration.fromISO(env.INVITATION_TTL),
    passwordResetTtl: Duration.fromISO(env.PASSWORD_RESET_TTL),
    outboxSweepIntervalMs: Duration.fromISO(env.OUTBOX_SWEEP_INTERVAL).as('milliseconds'),
    reconcileIntervalMs: Duration.fromISO(env.RECONCILE_INTERVAL).as('milliseconds'),
    mail: {
      retryDelayMs: Duration.fromISO(env.MAIL_RETRY_DELAY).as('milliseconds'),
      maxAttempts: env.MAIL_MAX_ATTEMPTS,
      claimMs: Duration.fromISO(env.OUTBOX_CLAIM_DURATION).as('milliseconds'),
    },
    worker: {
      lockDurationMs: Duration.fromISO(env.WORKER_LOCK_DURATION).as('milliseconds'),
      stalledIntervalMs: Duration.fromISO(env.WORKER_STALLED_INTERVAL).as('milliseconds'),
    },
    logLevel: env.LOG_LEVEL,
    queuePrefix: env.QUEUE_PREFIX,
    trustProxy: env.TRUST_PROXY,
    reviewerMaxOpenAssignments: env.REVIEWER_MAX_OPEN_ASSIGNMENTS,
  };
}

/**
 * The configuration of this process: a local `.env` file (if any) under the real environment,
 * validated. This is the one place that reads process.env.
 */
export function configFromEnvironment(): AppConfig {
  const envFile = resolve('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return loadConfig(process.env);
}

/** The database URL alone, for the TypeORM CLI, which needs nothing else. */
export function databaseUrlFromEnvironment(): string {
  const envFile = resolve('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const url = process.env.DATABASE_URL ?? new EnvSchema().DATABASE_URL;
  if (!/^postgres(ql)?:\/\/\S+$/.test(url)) {
    throw new InvalidConfigError([{ variable: 'DATABASE_URL', message: 'must be a postgres:// URL' }]);
  }
  return url;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
