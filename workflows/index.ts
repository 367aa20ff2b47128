// The worker's workflow bundle entry point: every workflow type it runs is exported here.
export { cutoverWorkflow } from './cutover.workflow';
export { eventDeliveryWorkflow } from './event-delivery.workflow';
export { onboardingWorkflow } from './onboarding.workflow';
export { summaryReportWorkflow } from './summary-report.workflow';
