import type { Logger } from '../utils/logger.js';

export interface WelcomeEmail {
  to: string;
  name: string;
}

// #region email-port
/** The port: the user service needs "send a welcome email", not SMTP, SES or a vendor SDK. */
export interface EmailSender {
  sendWelcome(email: WelcomeEmail): Promise<void>;
}
// #endregion email-port

/** For local runs: writes the email to the log instead of sending it. */
export class ConsoleEmailSender implements EmailSender {
  constructor(private readonly logger: Logger) {}

  async sendWelcome(email: WelcomeEmail): Promise<void> {
    this.logger.info('welcome email', { to: email.to, subject: `Welcome, ${email.name}` });
  }
}

/** Keeps what was sent, for tests and demos that check which emails went out. */
export class MemoryOutbox implements EmailSender {
  readonly sent: WelcomeEmail[] = [];

  async sendWelcome(email: WelcomeEmail): Promise<void> {
    this.sent.push(email);
  }
}
