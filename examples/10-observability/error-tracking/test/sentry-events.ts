import type { RunningService } from './service.js';

/** The fields of a Sentry event that the tests read, as the receiving endpoint got them. */
export interface SentryEvent {
  message?: string;
  level?: string;
  release?: string;
  environment?: string;
  request?: { method?: string; url?: string; headers?: Record<string, string>; cookies?: unknown; data?: unknown };
  user?: { ip_address?: string };
  breadcrumbs?: { category?: string; message?: string }[];
  contexts?: { trace?: { trace_id?: string } };
  exception?: {
    values?: {
      type?: string;
      value?: string;
      mechanism?: { handled?: boolean; type?: string };
      stacktrace?: { frames?: { filename?: string; in_app?: boolean }[] };
    }[];
  };
}

export const eventsOf = (service: RunningService) => service.receiver.events() as SentryEvent[];
export const firstException = (event: SentryEvent | undefined) => event?.exception?.values?.[0];

/** What each event is: its message, or its exception's value. */
export const whatOf = (event: SentryEvent) => event.message ?? firstException(event)?.value;
