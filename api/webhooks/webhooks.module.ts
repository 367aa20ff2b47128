import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * /webhooks: subscriptions of the CS platform to domain events, and the delivery log. Uses the
 * shared Temporal client to start redeliveries; the DataSource comes from the TypeORM root module.
 */
@Module({ controllers: [WebhooksController], providers: [WebhooksService] })
export class WebhooksModule {}
