import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { onboardingIdForAccount } from '../../src/contracts/onboarding.contract';
import type { CrmSource } from '../../src/integrations/crm/default-mappings';
import { type FieldMapping, mapClosedWon } from '../../src/integrations/crm/field-mapping';
import { CrmDeliveryStore } from '../../src/persistence/crm-delivery-store';
import { type FieldError, ProblemException } from '../common/problem-details';
import { requestFingerprint } from '../common/request-fingerprint';
import { fieldErrors, VALIDATOR_OPTIONS } from '../common/validation';
import { StartOnboardingDto } from '../onboardings/dto/start-onboarding.dto';
import { OnboardingsService, type StartedOnboarding } from '../onboardings/onboardings.service';
import type { CrmDeliveryAnswerDto } from './dto/crm-delivery-answer.dto';

export interface DeliveryReceipt {
  answer: CrmDeliveryAnswerDto;
  /** 201 when this delivery created the onboarding just now; 200 otherwise. */
  status: 200 | 201;
}

/** Longer ids are not delivery ids any CRM sends; the column is text, but the log line should stay short. */
const MAX_DELIVERY_ID = 255;

/**
 * A CRM's closed-won delivery, once its signature is checked: answered again if its id was
 * answered before; otherwise mapped to the closed-won command, checked by the command's own rules
 * and started through OnboardingsService. Exactly one onboarding per account is Temporal's
 * workflow-id uniqueness (so it holds across API replicas); the delivery is recorded only after
 * the start succeeded, so a failed one is retried by the CRM and nothing is lost.
 */
@Injectable()
export class CrmDeliveriesService {
  private readonly log = new Logger('CrmWebhooks');
  /** Starts under way in this process, by onboarding and payload: concurrent copies of a delivery share one call to Temporal. */
  private readonly starting = new Map<string, Promise<StartedOnboarding>>();

  constructor(
    private readonly onboardings: OnboardingsService,
    private readonly deliveries: CrmDeliveryStore,
  ) {}

  async receive(
    source: CrmSource,
    deliveryId: string,
    payload: unknown,
    mapping: FieldMapping,
  ): Promise<DeliveryReceipt> {
    if (deliveryId.length > MAX_DELIVERY_ID)
      throw unprocessable('UnmappableDelivery', [
        { path: 'deliveryId', message: `deliveryId must be at most ${MAX_DELIVERY_ID} characters long` },
      ]);
    const key = { source, deliveryId };
    const recorded = (await this.deliveries.answerOf(key)) as CrmDeliveryAnswerDto | undefined;
    if (recorded) {
      this.log.log(`${source} delivery ${deliveryId} replayed: nothing started (${recorded.onboardingId})`);
      return { answer: { ...recorded, replayed: true }, status: 200 };
    }

    const command = await this.closedWonCommand(payload, mapping);
    const answer = await this.start(command, { source, deliveryId });
    await this.deliveries.record(key, answer.onboardingId, answer);
    this.log.log(`${source} delivery ${deliveryId}: ${answer.outcome} (${answer.onboardingId})`);
    return { answer, status: answer.created ? 201 : 200 };
  }

  /** The mapped command, checked with the same DTO and options as POST /onboardings; 422 names each field. */
  private async closedWonCommand(payload: unknown, mapping: FieldMapping): Promise<StartOnboardingDto> {
    const mapped = mapClosedWon(mapping, payload);
    if ('errors' in mapped) throw unprocessable('UnmappableDelivery', mapped.errors);
    const dto = plainToInstance(StartOnboardingDto, mapped.command);
    const errors = await validate(dto, VALIDATOR_OPTIONS);
    if (errors.length) throw unprocessable('InvalidClosedWon', fieldErrors(errors));
    return dto;
  }

  private async start(
    dto: StartOnboardingDto,
    delivery: { source: CrmSource; deliveryId: string },
  ): Promise<CrmDeliveryAnswerDto> {
    const base = {
      ...delivery,
      replayed: false,
      onboardingId: onboardingIdForAccount(dto.account.id),
      accountId: dto.account.id,
    };
    try {
      const started = await this.startOnce(dto);
      const { segment, tier, playbookVersion, created } = started;
      return { ...base, outcome: created ? 'started' : 'already-started', created, segment, tier, playbookVersion };
    } catch (err) {
      // Another closed-won payload for an account with an onboarding: a retry cannot change that, so
      // it is answered (and recorded) rather than refused, which CRMs would retry for days.
      if (err instanceof ProblemException && err.problem.code === 'OnboardingExists') {
        this.log.warn(
          `${delivery.source} delivery ${delivery.deliveryId}: ${base.onboardingId} exists with another closed-won payload; left as it is`,
        );
        return { ...base, outcome: 'exists-with-other-payload', created: false };
      }
      throw err;
    }
  }

  /**
   * One call to Temporal for concurrent copies of the same command in this process; the others
   * learn its outcome (created: false for them). Across processes, Temporal's workflow-id
   * uniqueness decides, and OnboardingsService answers the losers with the existing onboarding.
   */
  private startOnce(dto: StartOnboardingDto): Promise<StartedOnboarding> {
    const key = `${onboardingIdForAccount(dto.account.id)}\n${requestFingerprint(dto)}`;
    const running = this.starting.get(key);
    if (running) return running.then((started) => ({ ...started, created: false }));
    const start = this.onboardings.start(dto).finally(() => this.starting.delete(key));
    this.starting.set(key, start);
    return start;
  }
}

/** 422: the delivery is authentic, but no closed-won command can be made of it; `errors` names each field. */
export function unprocessable(code: 'UnmappableDelivery' | 'InvalidClosedWon', errors: FieldError[]): ProblemException {
  return new ProblemException({
    status: 422,
    code,
    detail: errors.map((e) => (e.message.startsWith(e.path) ? e.message : `${e.path}: ${e.message}`)).join('; '),
    errors,
  });
}
