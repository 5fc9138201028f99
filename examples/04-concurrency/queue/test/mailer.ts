import type { Email, SendEmail } from '../email.js';

export const email = (n: number): Email => ({ to: `user${n}@example.com`, subject: `Hello ${n}`, body: 'World' });

/** A fake mail server that records what it sent, how many ran at once, and when each attempt began. */
export function recordingMailer(fail: (email: Email, attempt: number) => boolean = () => false) {
  const sent: string[] = [];
  const attempts: { to: string; at: number }[] = [];
  let active = 0;
  let maxActive = 0;
  const send: SendEmail = async (message, attempt) => {
    attempts.push({ to: message.to, at: performance.now() });
    active += 1;
    maxActive = Math.max(maxActive, active);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (fail(message, attempt)) throw new Error(`SMTP 451 for ${message.to} (attempt ${attempt})`);
      sent.push(message.to);
    } finally {
      active -= 1;
    }
  };
  return {
    send,
    sent,
    attempts,
    get maxActive() {
      return maxActive;
    },
  };
}

/** Milliseconds between consecutive attempts of the same email. */
export function gapsBetweenAttempts(attempts: readonly { to: string; at: number }[], to: string): number[] {
  const times = attempts.filter((a) => a.to === to).map((a) => a.at);
  return times.slice(1).map((t, i) => t - (times[i] as number));
}
