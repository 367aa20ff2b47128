import { type DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CrmDeliveryStore } from '../../src/persistence/crm-delivery-store';
import { OnboardingsModule } from '../onboardings/onboardings.module';
import { CrmDeliveriesService } from './crm-deliveries.service';
import { CrmWebhooksController } from './crm-webhooks.controller';
import { CRM_WEBHOOKS, type CrmWebhooksOptions } from './crm-webhooks.options';

/** Inbound closed-won webhooks from CRMs (see CrmWebhooksController). */
@Module({})
export class CrmWebhooksModule {
  /** `undefined`: no endpoint configured, every route answers 404. */
  static forRoot(opts: CrmWebhooksOptions | undefined): DynamicModule {
    return {
      module: CrmWebhooksModule,
      imports: [OnboardingsModule],
      controllers: [CrmWebhooksController],
      providers: [
        { provide: CRM_WEBHOOKS, useValue: opts ?? {} },
        { provide: CrmDeliveryStore, useFactory: (db: DataSource) => new CrmDeliveryStore(db), inject: [DataSource] },
        CrmDeliveriesService,
      ],
    };
  }
}
