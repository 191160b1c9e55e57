import { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: ParsedMail['headers'];
  attachments: ParsedMail['attachments'];
}

/** A real SMTP server in the test process; it can refuse the first N messages to exercise retries. */
export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];
  refusals = 0;
  private server?: SMTPServer;
  private port = 0;

  constructor(private refuseNext = 0) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Refuses the next `count` messages with a temporary failure (451). */
  refuse(count: number): void {
    this.refuseNext = count;
  }

  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refuseNext > 0) {
            this.refuseNext -= 1;
            this.refusals += 1;
            const error = Object.assign(new Error('Try again later'), { responseCode: 451 });
            callback(error);
            return;
          }
          simpleParser(Buffer.concat(chunks))
            .then((mail) => {
              const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
              this.messages.push({
                to: to.flatMap((a) => a.value.map((v) => v.address ?? '')),
                subject: mail.subject ?? '',
                text: mail.text ?? '',
                html: typeof mail.html === 'string' ? mail.html : '',
                messageId: mail.messageId ?? '',
                headers: mail.headers,
                attachments: mail.attachments,
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  /** Waits until `predicate` holds for the messages received so far. */
  async waitFor(
    predicate: (messages: ReceivedMail[]) => boolean,
    timeoutMs = 15000,
  ): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      if (Date.now() > deadline) {
        throw new Error(
          `No matching e-mail within ${timeoutMs} ms; received: ${JSON.stringify(this.messages.map((m) => [m.to, m.subject]))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.messages;
  }
}
