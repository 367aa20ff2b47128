/**
 * The input rules of api/common on their own, at their edges (the API tests show them at work
 * on every route): what a date, an integer and safe text are.
 */
import { parseBoundedInt } from '../../api/common/bounded-int';
import { isStrictIsoDate } from '../../api/common/iso-date';
import { unsafeTextProblem } from '../../src/domain/safe-text';

it.each([
  ['2027-03-01', true],
  ['2024-02-29', true], // leap year
  ['2000-02-29', true], // divisible by 400
  ['2100-02-29', false], // divisible by 100 only
  ['0000-01-01', false], // no year 0 in PostgreSQL
  ['1899-12-31', false],
  ['1900-01-01', true],
  ['9999-12-31', true],
  ['2023-02-29', false],
  ['2024-04-31', false],
  ['2024-00-10', false],
  ['2027-03-01T09:30Z', true],
  ['2027-03-01T09:30:59.123456789+14:00', true],
  ['2027-03-01T23:59:60Z', false], // new Date() refuses leap seconds
  ['2027-03-01T24:00:00Z', false],
  ['2027-03-01T09:30:00', false], // no zone: read in the server's
  ['2027-03-01 09:30:00Z', false],
  ['2024-W01-1', false],
  ['2024-060', false],
  ['20240301', false],
  ['+002024-03-01', false],
  ['March 1, 2027', false],
])('reads %s as a date: %s', (value, ok) => {
  expect(isStrictIsoDate(value)).toBe(ok);
});

it.each([
  ['0', { value: 0 }],
  ['2147483647', { value: 2147483647 }],
  ['2147483648', { problem: 'must be an integer from 0 to 2147483647, got 2147483648' }],
  ['1e20', { problem: 'must be an integer from 0 to 2147483647, got "1e20"' }],
  ['0x10', { problem: 'must be an integer from 0 to 2147483647, got "0x10"' }],
  ['', { problem: 'must be an integer from 0 to 2147483647, got ""' }],
  [' 7', { problem: 'must be an integer from 0 to 2147483647, got " 7"' }],
  ['-1', { problem: 'must be an integer from 0 to 2147483647, got -1' }],
  [['1', '2'], { problem: 'must be an integer from 0 to 2147483647, got several values' }],
])('reads %j as a bounded integer: %j', (raw, expected) => {
  expect(parseBoundedInt(raw, { min: 0 })).toEqual(expected);
});

it.each([
  ['Caixa Econômica\t銀行 🏦\nline two', undefined],
  ['a\u0000b', 'U+0000 at position 1'],
  ['a\rb', 'U+000D at position 1'],
  ['\u007f', 'U+007F at position 0'],
  ['\u009f', 'U+009F at position 0'],
  ['ok\ud800', 'U+D800 at position 2'],
  ['\udc00ok', 'U+DC00 at position 0'],
])('finds what no store or channel can carry in %j: %s', (text, found) => {
  const problem = unsafeTextProblem(text);
  if (found === undefined) expect(problem).toBeUndefined();
  else expect(problem).toContain(found);
});
