/**
 * Text every store and channel downstream can carry: PostgreSQL refuses NUL, SMTP headers and
 * PDF text break on control characters, and an unpaired UTF-16 surrogate is no character at
 * all. Refused: C0 controls except tab and newline, DEL, C1 controls, unpaired surrogates (with
 * the `u` flag, a paired one is a single code point and does not match). One rule for API
 * bodies, path parameters and playbook definitions.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTER = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDFFF]/u;

export const UNSAFE_TEXT_RULE =
  'must not contain control characters other than tab and newline, nor unpaired surrogates';

/** Why a string is not safe text (naming the first bad character and where), or undefined. */
export function unsafeTextProblem(value: string): string | undefined {
  const found = UNSAFE_CHARACTER.exec(value);
  if (!found) return undefined;
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `${UNSAFE_TEXT_RULE} (found U+${code} at position ${found.index})`;
}
