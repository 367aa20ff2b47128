import type { MessageEvent } from '../domain/message-events';

/**
 * A message the workflow decided to send, already rendered from the playbook's template
 * (rendering is pure, so it happens in the workflow and is replayed identically).
 */
export interface OutboundMessage {
  /** Unique per onboarding and occurrence (e.g. `onboarding-x:escalation:task:uat:2`): delivery is idempotent on it. */
  key: string;
  onboardingId: string;
  event: MessageEvent;
  to: string[];
  subject: string;
  body: string;
}

/**
 * Delivery of messages: e-mail over SMTP, and the CS platform's webhook when configured.
 * Idempotent on `key`: a retried activity never sends the same message twice.
 */
export interface NotificationActivities {
  deliverMessage(message: OutboundMessage): Promise<{ delivered: boolean }>;
}
