import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { COHORT_PATTERN, COHORT_RULE, isCohort } from '../../../src/domain/cohort';
import { ValidatedProperty } from '../../common/validated-property';

const COHORT_SCHEMA = {
  type: 'string',
  pattern: COHORT_PATTERN.source,
  maxLength: 64,
  example: 'pilot-2027q1',
} as const;

@ValidatorConstraint({ name: 'cohort' })
class CohortConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return isCohort(value) || (value === null && args.constraints[0] === true);
  }

  defaultMessage(args: ValidationArguments): string {
    return args.constraints[0] === true ? `$property ${COHORT_RULE}, or null for none` : `$property ${COHORT_RULE}`;
  }
}

/** A cohort slug on closed-won: optional there (absent: none). */
export function CohortField(): PropertyDecorator {
  return ValidatedProperty({
    constraint: CohortConstraint,
    constraints: [false],
    optional: true,
    schema: {
      ...COHORT_SCHEMA,
      description: 'The cohort the onboarding is compared in, e.g. the pilot of a new playbook version',
    },
  });
}

/** PUT /onboardings/:id/cohort's field: required, a cohort or null for none. */
export function CohortOrNoneField(): PropertyDecorator {
  return ValidatedProperty({
    constraint: CohortConstraint,
    constraints: [true],
    optional: false,
    schema: { ...COHORT_SCHEMA, nullable: true, description: 'The cohort, or null for none' },
  });
}
