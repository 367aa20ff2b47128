/** A problem's `title`: one per status, shared by the filter and the OpenAPI document. */
const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported media type',
  422: 'Request cannot be processed',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

export function titleOf(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server error' : 'Request refused');
}
