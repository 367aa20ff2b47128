import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, so operators can find onboardings in the Temporal UI
 * (e.g. `OnboardingTier = "high-touch" AND OnboardingStage = "welcome"`).
 *
 * Budget: the dev server's SQLite visibility allows 10 Keyword attributes per namespace; these
 * use 4. They are stored unencrypted, so they carry identifiers and states, never personal data.
 */
export const ACCOUNT_ID = defineSearchAttributeKey('OnboardingAccountId', SearchAttributeType.KEYWORD);
export const TIER = defineSearchAttributeKey('OnboardingTier', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('OnboardingStage', SearchAttributeType.KEYWORD);
export const STATUS = defineSearchAttributeKey('OnboardingStatus', SearchAttributeType.KEYWORD);

export const ONBOARDING_SEARCH_ATTRIBUTES = [ACCOUNT_ID, TIER, STAGE, STATUS];
