import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the server took it in: its Message-ID and the outbox row it came from. */
export interface Receipt {
  messageId: string;
  notificationId: string;
  /** False for a message the server had in full but never acknowledged (its sender was killed first). */
  acknowledged: boolean;
}

/**
 * An SMTP server for crash tests. It records each message once it has it in full, and on request
 * holds back its "250 OK": a sender killed then has delivered messages it never learned about,
 * the case that makes an at-least-once outbox send a message twice. Headers only, no MIME parsing,
 * so that thousands of messages cost little.
 */
export class HoldingSmtpReceiver {
  readonly receipts: Receipt[] = [];
  private server?: SMTPServer;
  private port = 0;
  private holding = false;
  private held: Receipt[] = [];
  private lastHeldAt = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const receipt = { ...readHeaders(Buffer.concat(chunks)), acknowledged: !this.holding };
          this.receipts.push(receipt);
          if (!this.holding) return callback();
          // Never answered: the sender is killed while it waits, and its connection goes with it.
          this.held.push(receipt);
          this.lastHeldAt = Date.now();
        });
      },
    });
    // A killed sender resets its connections; that is expected here, not an error of the test.
    server.on('error', () => undefined);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** From now on, takes messages in but does not acknowledge them. */
  hold(): void {
    this.holding = true;
    this.held = [];
    this.lastHeldAt = 0;
  }

  /**
   * Waits until at least one message is held and no other has arrived for `quietMs`: every
   * delivery the sender had in flight is then waiting for its answer. Answers how many are held.
   */
  async holdingAll(quietMs = 300, timeoutMs = 15000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.held.length === 0 || Date.now() - this.lastHeldAt < quietMs) {
      if (Date.now() > deadline) throw new Error(`no message held within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.held.length;
  }

  /** Acknowledges normally again; answers the messages held (left unanswered) since `hold`. */
  release(): Receipt[] {
    this.holding = false;
    const held = this.held;
    this.held = [];
    return held;
  }

  /** Distinct outbox rows received so far. */
  distinct(): number {
    return new Set(this.receipts.map((r) => r.notificationId)).size;
  }

  /** Waits until `count` distinct outbox rows have arrived. */
  async waitForDistinct(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.distinct() < count) {
      if (Date.now() > deadline) {
        throw new Error(`${this.distinct()} of ${count} distinct e-mails after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Message-ID and X-MPTF-Notification from the header block (unfolded). */
function readHeaders(message: Buffer): { messageId: string; notificationId: string } {
  const raw = message.toString('utf8');
  const end = raw.indexOf('\r\n\r\n');
  const headers = (end === -1 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(headers)?.[1]?.trim() ?? '';
  return { messageId: header('Message-ID'), notificationId: header('X-MPTF-Notification') };
}
