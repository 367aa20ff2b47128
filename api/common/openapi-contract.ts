import type { OpenAPIObject } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH } from './idempotency-key.decorator';
import { PATH_INT_BOUNDS, PATH_PARAM_SCHEMA } from './path-param';
import { PROBLEM_CONTENT_TYPE } from './problem-details';
import { titleOf } from './problem-titles';

/** What any route can answer: a bad request, a body too large or not JSON, an outage, a bug. */
const EVERY_ROUTE = [400, 413, 415, 500, 503];
const PROBLEMS_EXTENSION = 'x-problems';

/**
 * The statuses a route answers with problem details besides those of every route (400, 413,
 * 415, 500, 503), when no @ApiResponse already describes them: `@ApiProblems(404, 409)`.
 */
export function ApiProblems(...statuses: number[]): MethodDecorator {
  // Merged with what other decorators declared (`@Allow` adds 401, 403, 429): an extension
  // written twice would keep only one of the lists.
  return (target, key, descriptor) => {
    const declared: Record<string, unknown> = Reflect.getMetadata(API_EXTENSION_METADATA, descriptor.value!) ?? {};
    const earlier = (declared[PROBLEMS_EXTENSION] as number[] | undefined) ?? [];
    Reflect.defineMetadata(
      API_EXTENSION_METADATA,
      { ...declared, [PROBLEMS_EXTENSION]: [...new Set([...earlier, ...statuses])] },
      descriptor.value!,
    );
    return descriptor;
  };
}

/** Where @nestjs/swagger keeps `@ApiExtension` values (DECORATORS.API_EXTENSION). */
const API_EXTENSION_METADATA = 'swagger/apiExtension';

export const PROBLEM_DETAILS_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details: the one error shape of every route',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'urn:onboarding-orchestrator:problem:<code>' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What is wrong, naming each bad field' },
    instance: { type: 'string', description: 'The path of the request (without its query)' },
    code: {
      type: 'string',
      description: 'Stable: a domain rule code, or one of the API’s own (ValidationFailed, NotFound...)',
    },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string', example: 'handoff.stakeholders[0].email' }, message: { type: 'string' } },
      },
    },
    errorId: { type: 'string', description: 'Only on 500: the id the error was logged under' },
  },
};

type Operation = {
  parameters?: Array<{ in: string; name: string; schema?: Record<string, unknown> }>;
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
  [PROBLEMS_EXTENSION]?: number[];
};

/**
 * Writes the error contract into the generated document, so that it holds for every route
 * without each one repeating it: the ProblemDetails schema on every 4xx/5xx response (keeping
 * each route's own description), the statuses every route can answer, and what the global
 * pipes enforce: the bounds of path parameters, no unknown properties in bodies.
 */
export function documentErrorContract(document: OpenAPIObject): OpenAPIObject {
  // The validation pipe refuses unknown properties in every body (forbidNonWhitelisted): say so.
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    if ('type' in schema && schema.type === 'object') schema.additionalProperties = false;
  }
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ProblemDetails: PROBLEM_DETAILS_SCHEMA as never },
  };
  const content = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = pathItem[method] as Operation | undefined;
      if (!op) continue;
      // A route that takes an Idempotency-Key can refuse a reused key (422) or one still in flight (409).
      const idempotent = (op.parameters ?? []).some((p) => p.in === 'header' && p.name === IDEMPOTENCY_KEY_HEADER);
      const statuses = [...EVERY_ROUTE, ...(op[PROBLEMS_EXTENSION] ?? []), ...(idempotent ? [409, 422] : [])];
      delete op[PROBLEMS_EXTENSION];
      for (const status of statuses) op.responses[status] ??= { description: titleOf(status) };
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400) response.content = content;
      }
      for (const param of op.parameters ?? []) {
        if (param.in === 'header' && param.name === IDEMPOTENCY_KEY_HEADER) {
          param.schema = {
            type: 'string',
            minLength: 1,
            maxLength: IDEMPOTENCY_KEY_MAX_LENGTH,
            pattern: '^[\\x21-\\x7e]+$',
          };
        }
        if (param.in !== 'path') continue;
        param.schema =
          param.schema?.type === 'number' || param.schema?.type === 'integer'
            ? { type: 'integer', minimum: PATH_INT_BOUNDS.min, maximum: PATH_INT_BOUNDS.max }
            : { ...PATH_PARAM_SCHEMA };
      }
    }
  }
  return document;
}
