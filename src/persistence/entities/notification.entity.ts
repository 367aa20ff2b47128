import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MessageEvent } from '../../domain/message-events';

/**
 * One message the workflow asked to deliver, keyed by its idempotency key. The sent-at columns
 * say which channels already have it, so a retried or replayed delivery sends nothing twice.
 */
@Entity({ name: 'notifications' })
export class NotificationRecord {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ name: 'onboarding_id', type: 'text' })
  onboardingId: string;

  @Column({ type: 'text' })
  event: MessageEvent;

  @Column({ type: 'jsonb' })
  recipients: string[];

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'email_sent_at', type: 'timestamptz', nullable: true })
  emailSentAt: Date | null;

  @Column({ name: 'webhook_sent_at', type: 'timestamptz', nullable: true })
  webhookSentAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
