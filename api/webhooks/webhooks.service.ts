import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { DEFAULT_DELIVERY_RETRY } from '../../src/contracts/event-delivery.contract';
import { deliveryStarter, type DeliveryStarter } from '../../src/infra/event-delivery-starter';
import { newWebhookSecret } from '../../src/infra/standard-webhooks';
import { markDeliveryStarted } from '../../src/persistence/event-store';
import {
  attemptsOf,
  createRedelivery,
  createSubscription,
  type Delivery,
  type DeliveryAttempt,
  type DeliveryFilter,
  disableSubscription,
  getDelivery,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  type Subscription,
} from '../../src/persistence/webhook-log';
import { notFound, refuse } from '../common/problem-details';
import { TASK_QUEUE } from '../common/tokens';
import type { CreateSubscriptionDto } from './dto/create-subscription.dto';

/**
 * Subscriptions of the CS platform to domain events, and the log of their deliveries
 * (src/persistence/webhook-log.ts). A subscription's secret is generated here and returned once,
 * in the answer to its creation.
 */
@Injectable()
export class WebhooksService {
  private readonly startDelivery: DeliveryStarter;

  constructor(
    private readonly dataSource: DataSource,
    client: Client,
    @Inject(TASK_QUEUE) taskQueue: string,
  ) {
    this.startDelivery = deliveryStarter(client, taskQueue, DEFAULT_DELIVERY_RETRY);
  }

  async subscribe(dto: CreateSubscriptionDto): Promise<Subscription & { secret: string }> {
    const secret = newWebhookSecret();
    const subscription = await createSubscription(this.dataSource, { ...dto, secret });
    return { ...subscription, secret };
  }

  subscriptions(): Promise<Subscription[]> {
    return listSubscriptions(this.dataSource);
  }

  async subscription(id: string): Promise<Subscription> {
    return (await getSubscription(this.dataSource, id)) ?? missingSubscription(id);
  }

  async disable(id: string): Promise<Subscription> {
    return (await disableSubscription(this.dataSource, id)) ?? missingSubscription(id);
  }

  deliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    return listDeliveries(this.dataSource, filter);
  }

  async delivery(id: string): Promise<Delivery & { attemptLog: DeliveryAttempt[] }> {
    const delivery = (await getDelivery(this.dataSource, id)) ?? missingDelivery(id);
    return { ...delivery, attemptLog: await attemptsOf(this.dataSource, id) };
  }

  /** The same event to the same subscription again, as a new delivery (same webhook-id). */
  async redeliver(id: string): Promise<Delivery> {
    const delivery = (await getDelivery(this.dataSource, id)) ?? missingDelivery(id);
    const subscription = await this.subscription(delivery.subscriptionId);
    if (subscription.status !== 'active')
      throw refuse(409, 'SubscriptionDisabled', `subscription ${subscription.id} is disabled: nothing is sent to it`);
    const again = await createRedelivery(this.dataSource, delivery);
    // Not started (Temporal down): the row says so, and the onboarding's next projection starts it.
    await this.startDelivery(again.id);
    await markDeliveryStarted(this.dataSource, again.id);
    return again;
  }
}

function missingSubscription(id: string): never {
  throw notFound(`no webhook subscription '${id}'`);
}

function missingDelivery(id: string): never {
  throw notFound(`no webhook delivery '${id}'`);
}
