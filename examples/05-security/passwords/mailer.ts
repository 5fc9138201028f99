export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Accepts a message for delivery. A real one queues it (an outbox table, a job queue) rather
 * than talking SMTP inside the request: delivery time must not show in the response time.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** A mailer that keeps what it was given, for tests and demos to read. */
export function memoryOutbox(): Mailer & { readonly messages: MailMessage[] } {
  const messages: MailMessage[] = [];
  return {
    messages,
    send: async (message) => void messages.push(message),
  };
}

/** For the production entry until a real one is wired: logs that a message left, never its address. */
export function logMailer(log: (line: string) => void = console.log): Mailer {
  return { send: async (message) => log(`mail queued: "${message.subject}"`) };
}
