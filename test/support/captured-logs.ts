import { Writable } from 'node:stream';
import { createLogger } from '../../src/infra/logger';

/** A logger of the service's own kind whose JSON lines are kept, parsed, for a test to read. */
export function captureLogs(level: 'info' | 'debug' = 'info') {
  const records: any[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      records.push(
        ...chunk
          .toString()
          .trim()
          .split('\n')
          .map((line: string) => JSON.parse(line)),
      );
      done();
    },
  });
  return { logger: createLogger({ level, destination }), records, msgs: () => records.map((r) => r.msg) };
}
