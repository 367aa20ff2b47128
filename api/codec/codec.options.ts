import type { PayloadCodec } from '@temporalio/common';

export const CODEC_OPTIONS = Symbol('CODEC_OPTIONS');

export interface CodecOptions {
  /** Whether /codec answers (otherwise 404). */
  enabled: boolean;
  /** The payload encryption of the app's Temporal client; undefined when encryption is off. */
  payloadCodec: PayloadCodec | undefined;
  /** The Web UI origins allowed by CORS. */
  uiOrigins: string[];
}
