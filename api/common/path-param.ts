import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { BoundedIntPipe, INT32_MAX } from './bounded-int';
import { invalidRequest } from './problem-details';

export const PATH_PARAM_MAX_LENGTH = 200;
/** Printable ASCII without spaces: every id and key the API hands out (`onboarding-0015g...`, `hypercare:errors@...:L1`). */
const SAFE_PARAM = /^[\x21-\x7e]+$/;
/** The same rules in the OpenAPI document. */
export const PATH_PARAM_SCHEMA = {
  type: 'string',
  pattern: `^[\\x21-\\x7e]{1,${PATH_PARAM_MAX_LENGTH}}$`,
  maxLength: PATH_PARAM_MAX_LENGTH,
} as const;
/** Integer path parameters (versions, attempts) count from 1 and fit PostgreSQL's `integer`. */
export const PATH_INT_BOUNDS = { min: 1, max: INT32_MAX } as const;
const pathInt = new BoundedIntPipe(PATH_INT_BOUNDS);

/**
 * Checks every path parameter before it reaches Temporal or PostgreSQL (where a NUL, or a
 * version past 2^31-1, is a 500 rather than a 404). Applied globally and before the validation
 * pipe, so a new route cannot forget it and `1e20` is refused before anything reads it as a
 * number: a parameter typed `number` must be an integer within PATH_INT_BOUNDS (BoundedIntPipe);
 * any other, 1-200 printable ASCII characters. Nothing it refuses can name anything that exists.
 */
@Injectable()
export class PathParamPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || !metadata.data) return value;
    if (metadata.metatype === Number) return pathInt.transform(value, metadata);
    if (typeof value === 'string' && value.length <= PATH_PARAM_MAX_LENGTH && SAFE_PARAM.test(value)) return value;
    throw invalidRequest([
      {
        path: metadata.data,
        message: `${metadata.data} must be 1-${PATH_PARAM_MAX_LENGTH} printable ASCII characters without spaces`,
      },
    ]);
  }
}
