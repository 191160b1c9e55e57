import { resolve } from 'node:path';
import { InvalidConfigError, loadConfig } from './config';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';

/** loadConfig over a minimal valid environment plus the variables of one case. */
function load(env: Record<string, string | undefined> = {}) {
  return loadConfig({ JWT_SECRET: SECRET, ...env });
}

/** The InvalidConfigError a bad environment throws (fails the test if none is thrown). */
function refusal(env: Record<string, string | undefined>): InvalidConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error(`expected InvalidConfigError for ${JSON.stringify(env)}`);
}

const badVariables = (error: InvalidConfigError) => error.problems.map((p) => p.variable).sort();

describe('loadConfig', () => {
  it('applies the documented defaults when only JWT_SECRET is set', () => {
    const config = load();
    expect(config).toMatchObject({
      env: 'development',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/mptf',
      databasePoolSize: 10,
      databasePoolTimeoutMs: 10_000,
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      jwt: { secret: SECRET, ttlSeconds: 15 * 60, sessionMaxAgeSeconds: 12 * 60 * 60 },
      smtpUrl: 'smtp://127.0.0.1:1025',
      mailFrom: 'Migration MPTF <no-reply@migration-mptf.example.org>',
      packetAttachMaxBytes: 10 * 1024 * 1024,
      attachmentMaxBytes: 25 * 1024 * 1024,
      storageDir: resolve('./storage'),
      outboxSweepIntervalMs: 30_000,
      mail: { retryDelayMs: 2_000, maxAttempts: 8 },
      logLevel: 'info',
      queuePrefix: 'mptf',
      trustProxy: false,
    });
    expect(config.bootstrapAdmin).toBeUndefined();
    expect(config.cutoffReminderOffsets.map((d) => d.as('days'))).toEqual([21, 7, 1]);
    expect(config.packetOffset.as('days')).toBe(14);
    expect(config.packetLinkTtl.as('days')).toBe(7);
    expect(config.invitationTtl.as('days')).toBe(7);
    expect(config.passwordResetTtl.as('hours')).toBe(1);
  });

  it('treats an empty value as unset, so the default applies', () => {
    const config = load({ PORT: '', JWT_TTL: '', CUTOFF_REMINDER_OFFSETS: '', BOOTSTRAP_ADMIN_EMAIL: '' });
    expect(config.port).toBe(3000);
    expect(config.jwt.ttlSeconds).toBe(900);
    expect(config.cutoffReminderOffsets).toHaveLength(3);
    expect(config.bootstrapAdmin).toBeUndefined();
  });

  it('ignores variables that are not part of the schema', () => {
    expect(() => load({ HOME: '/root', PATH: '/usr/bin', npm_config_cache: '/tmp' })).not.toThrow();
  });

  it('reads the values it is given, converting numbers and booleans', () => {
    const config = load({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://app:pw@db:5432/mptf',
      REDIS_URL: 'rediss://cache:6380/2',
      DATABASE_POOL_SIZE: '40',
      PORT: '8080',
      PUBLIC_URL: 'https://mptf.example.org/',
      MAIL_MAX_ATTEMPTS: '3',
      TRUST_PROXY: 'true',
      QUEUE_PREFIX: 'mptf-staging',
    });
    expect(config).toMatchObject({
      env: 'production',
      databaseUrl: 'postgresql://app:pw@db:5432/mptf',
      redisUrl: 'rediss://cache:6380/2',
      databasePoolSize: 40,
      port: 8080,
      publicUrl: 'https://mptf.example.org',
      mail: { maxAttempts: 3 },
      trustProxy: true,
      queuePrefix: 'mptf-staging',
    });
  });

  it('parses durations: JWT_TTL=PT15M is 900 seconds and CUTOFF_REMINDER_OFFSETS gives one duration each', () => {
    const config = load({
      JWT_TTL: 'PT15M',
      CUTOFF_REMINDER_OFFSETS: 'P28D,PT36H,P1W',
      OUTBOX_SWEEP_INTERVAL: 'PT1S',
      MAIL_RETRY_DELAY: 'PT0.2S',
      OUTBOX_CLAIM_DURATION: 'PT4S',
      WORKER_LOCK_DURATION: 'PT2S',
      WORKER_STALLED_INTERVAL: 'PT0.5S',
    });
    expect(config.jwt.ttlSeconds).toBe(900);
    expect(config.cutoffReminderOffsets.map((d) => d.as('hours'))).toEqual([28 * 24, 36, 7 * 24]);
    expect(config.outboxSweepIntervalMs).toBe(1000);
    expect(config.mail.retryDelayMs).toBe(200);
    expect(config.mail.claimMs).toBe(4000);
    expect(config.worker).toEqual({ lockDurationMs: 2000, stalledIntervalMs: 500 });
    // Unset: two minutes to hold an e-mail being sent, and BullMQ's own 30 s lock and stall check.
    expect(load()).toMatchObject({
      mail: { claimMs: 120_000 },
      worker: { lockDurationMs: 30_000, stalledIntervalMs: 30_000 },
    });
  });

  it('refuses a missing JWT_SECRET', () => {
    const error = refusal({});
    expect(error.problems).toEqual([
      { variable: 'JWT_SECRET', message: expect.stringMatching(/^is required/) },
    ]);
    expect(error.message).toContain('JWT_SECRET is required');
  });

  it('refuses a JWT_SECRET shorter than 32 characters', () => {
    const error = refusal({ JWT_SECRET: 'short-secret' });
    expect(badVariables(error)).toEqual(['JWT_SECRET']);
    expect(error.message).toMatch(/JWT_SECRET must be at least 32 characters/);
  });

  it.each([
    ['PORT', 'abc', 'must be an integer port'],
    ['PORT', '70000', 'must not be greater than 65535'],
    ['PORT', '80.5', 'must be an integer port'],
    ['DATABASE_URL', 'mysql://x', 'must be a postgres:// URL'],
    ['DATABASE_POOL_SIZE', '0', 'must not be less than 1'],
    ['DATABASE_POOL_SIZE', 'ten', 'must be a whole number'],
    ['REDIS_URL', 'http://x', 'must be a redis:// URL'],
    ['PUBLIC_URL', 'mptf.example.org', 'must be an http(s) URL'],
    ['SMTP_URL', 'http://mail', 'must be an smtp:// URL'],
    ['JWT_TTL', '15 minutes', 'must be an ISO-8601 duration'],
    ['JWT_TTL', 'PT0S', 'must be a positive ISO-8601 duration'],
    ['CUTOFF_REMINDER_OFFSETS', 'P21D,banana', 'must be a comma-separated list of ISO-8601 durations'],
    ['CUTOFF_REMINDER_OFFSETS', 'P21D,Pbanana', 'must be a positive ISO-8601 duration (got "Pbanana")'],
    ['PACKET_OFFSET', 'P', 'must be an ISO-8601 duration'],
    ['WORKER_LOCK_DURATION', 'PT0S', 'must be a positive ISO-8601 duration'],
    ['OUTBOX_CLAIM_DURATION', '2 minutes', 'must be an ISO-8601 duration'],
    ['MAIL_MAX_ATTEMPTS', 'many', 'must be a whole number'],
    ['MAIL_MAX_ATTEMPTS', '0', 'must not be less than 1'],
    ['NODE_ENV', 'staging', 'must be one of the following values'],
    ['LOG_LEVEL', 'verbose', 'must be one of the following values'],
    ['QUEUE_PREFIX', 'mptf:prod', 'may hold only letters, digits, - and _'],
    ['TRUST_PROXY', 'yes', 'must be true or false'],
  ])('refuses %s=%s, naming the variable', (variable, value, message) => {
    const error = refusal({ JWT_SECRET: SECRET, [variable]: value });
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error.problems).toEqual([{ variable, message: expect.stringContaining(message) }]);
    expect(error.message).toContain(`\n  - ${variable} ${message}`);
  });

  it('lists every bad variable at once', () => {
    const error = refusal({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      JWT_TTL: '15 minutes',
      CUTOFF_REMINDER_OFFSETS: 'P21D,banana',
    });
    expect(badVariables(error)).toEqual(
      ['CUTOFF_REMINDER_OFFSETS', 'DATABASE_URL', 'JWT_SECRET', 'JWT_TTL', 'PORT'].sort(),
    );
    for (const variable of ['PORT', 'DATABASE_URL', 'JWT_TTL', 'CUTOFF_REMINDER_OFFSETS', 'JWT_SECRET']) {
      expect(error.message).toContain(`- ${variable} `);
    }
  });

  it('refuses BOOTSTRAP_ADMIN_EMAIL without a password', () => {
    const error = refusal({ JWT_SECRET: SECRET, BOOTSTRAP_ADMIN_EMAIL: 'admin@example.org' });
    expect(error.problems).toEqual([
      { variable: 'BOOTSTRAP_ADMIN_PASSWORD', message: 'is required when BOOTSTRAP_ADMIN_EMAIL is set' },
    ]);
    expect(error.message).toContain('BOOTSTRAP_ADMIN_PASSWORD is required when BOOTSTRAP_ADMIN_EMAIL is set');
  });

  it('refuses BOOTSTRAP_ADMIN_PASSWORD without an e-mail', () => {
    const error = refusal({ JWT_SECRET: SECRET, BOOTSTRAP_ADMIN_PASSWORD: 'a-long-enough-password' });
    expect(error.problems).toEqual([
      { variable: 'BOOTSTRAP_ADMIN_EMAIL', message: 'is required when BOOTSTRAP_ADMIN_PASSWORD is set' },
    ]);
  });

  it('refuses a BOOTSTRAP_ADMIN_EMAIL that is not an e-mail address', () => {
    const error = refusal({
      JWT_SECRET: SECRET,
      BOOTSTRAP_ADMIN_EMAIL: 'not-an-email',
      BOOTSTRAP_ADMIN_PASSWORD: 'a-long-enough-password',
    });
    expect(error.problems).toEqual([
      { variable: 'BOOTSTRAP_ADMIN_EMAIL', message: 'must be an e-mail address' },
    ]);
  });

  it('refuses a bootstrap password shorter than 12 characters', () => {
    const error = refusal({
      JWT_SECRET: SECRET,
      BOOTSTRAP_ADMIN_EMAIL: 'admin@example.org',
      BOOTSTRAP_ADMIN_PASSWORD: 'short',
    });
    expect(error.problems).toEqual([
      { variable: 'BOOTSTRAP_ADMIN_PASSWORD', message: 'must be at least 12 characters' },
    ]);
  });

  it('takes the bootstrap admin when both e-mail and password are set, the e-mail lower-cased', () => {
    const config = load({
      BOOTSTRAP_ADMIN_EMAIL: 'Admin@Example.org',
      BOOTSTRAP_ADMIN_PASSWORD: 'a-long-enough-password',
    });
    expect(config.bootstrapAdmin).toEqual({
      email: 'admin@example.org',
      password: 'a-long-enough-password',
    });
  });
});
