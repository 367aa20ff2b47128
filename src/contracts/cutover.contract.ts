import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CutoverOperation, CutoverState, OperatorDecision, StageSignOff } from '../domain/cutover';
import type { PlatformHealth } from '../domain/hypercare';

export const CUTOVER_WORKFLOW_TYPE = 'cutoverWorkflow';

export const getCutoverStateQuery = defineQuery<CutoverState>('getCutoverState');
export const operatorDecisionUpdate = defineUpdate<CutoverState, [OperatorDecision]>('operatorDecision');
export const signOffStageUpdate = defineUpdate<CutoverState, [StageSignOff]>('signOffStage');

export interface CutoverOperationRequest {
  cutoverId: string;
  mode: 'cutover' | 'rehearsal';
  step: string;
  operation: CutoverOperation;
  params?: Record<string, unknown>;
  batchSize: number;
  reconciliationThreshold: number;
  /** Unique per cutover attempt, step and direction: a retried activity repeats it, the system does it once. */
  idempotencyKey: string;
}

export interface CutoverOperationResult {
  reconciliation?: { sourceCount: number; targetCount: number; accuracy: number };
  migrated?: number;
}

/** Runs one cutover operation on the systems being migrated, through an adapter. */
export interface CutoverActivities {
  runCutoverOperation(request: CutoverOperationRequest): Promise<CutoverOperationResult>;
  /** The platform's current error rate, authorization and transaction success, ticket volume. */
  readPlatformHealth(): Promise<PlatformHealth>;
}
