import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, so operators can find onboardings in the Temporal UI
 * (e.g. `OnboardingTier = "high-touch" AND OnboardingWaitingOn = "customer-task"`).
 *
 * Budget: the dev server's SQLite visibility allows 10 Keyword and 3 Bool attributes per
 * namespace; these use 7 Keyword and 1 Bool. They are stored unencrypted, so they carry
 * identifiers and states, never personal data (the CSM is named by id, not by name or e-mail).
 */
export const ACCOUNT_ID = defineSearchAttributeKey('OnboardingAccountId', SearchAttributeType.KEYWORD);
export const TIER = defineSearchAttributeKey('OnboardingTier', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('OnboardingStage', SearchAttributeType.KEYWORD);
export const STATUS = defineSearchAttributeKey('OnboardingStatus', SearchAttributeType.KEYWORD);
export const CSM = defineSearchAttributeKey('OnboardingCsm', SearchAttributeType.KEYWORD);
export const WAITING_ON = defineSearchAttributeKey('OnboardingWaitingOn', SearchAttributeType.KEYWORD);
export const AT_RISK = defineSearchAttributeKey('OnboardingAtRisk', SearchAttributeType.BOOL);
/** On cutover workflows: `CutoverStatus = "needs-operator"` finds every cutover waiting for a decision. */
export const CUTOVER_STATUS = defineSearchAttributeKey('CutoverStatus', SearchAttributeType.KEYWORD);

/** Every custom attribute the service uses (registered together): 7 Keyword, 1 Bool. */
export const ONBOARDING_SEARCH_ATTRIBUTES = [ACCOUNT_ID, TIER, STAGE, STATUS, CSM, WAITING_ON, AT_RISK, CUTOVER_STATUS];
