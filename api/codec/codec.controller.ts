import { Allow, OpenInEmbeddedDefault, Public } from '../auth/access.decorator';
import { ROUTE_ROLES } from '../auth/route-roles';
import { Body, Controller, HttpCode, Inject, Options, Post, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Payload } from '@temporalio/common';
import type { Response } from 'express';
import { PayloadDecryptionError } from '../../src/infra/payload-codec';
import { ApiProblems } from '../common/openapi-contract';
import { type FieldError, invalidRequest, notFound, ProblemException } from '../common/problem-details';
import { CODEC_OPTIONS, type CodecOptions } from './codec.options';
import { type CodecPayloadDto, CodecPayloadsDto } from './dto/codec-payloads.dto';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The codec endpoint of the Temporal Web UI (its "Codec Server" setting points at `/codec`): the
 * UI posts the payloads it shows to /codec/decode, and what a person enters to /codec/encode.
 * Enabled by CODEC_ENDPOINT=on, or by default in the embedded stack (listening on this machine
 * only); otherwise every route answers 404. Decoding needs the operator role (the UI forwards the
 * operator's access token), except in the embedded default, whose local UI calls without one.
 */
@ApiTags('codec')
@Controller('codec')
export class CodecController {
  constructor(@Inject(CODEC_OPTIONS) private readonly opts: CodecOptions) {}

  @Post('decode')
  @Allow(...ROUTE_ROLES.decodePayloads)
  @OpenInEmbeddedDefault()
  @HttpCode(200)
  @ApiOperation({ summary: 'Decrypts payloads for the Temporal Web UI (payloads in plain pass through)' })
  @ApiResponse({ status: 200, type: CodecPayloadsDto, description: 'The payloads, decoded, in the same order' })
  @ApiResponse({ status: 400, description: 'A payload is not base64, or does not decrypt (unknown key id, altered)' })
  @ApiProblems(404)
  async decode(@Body() body: CodecPayloadsDto) {
    const codec = this.codec();
    const payloads = fromWire(body.payloads);
    if (!codec) return { payloads: toWire(payloads) };
    try {
      return { payloads: toWire(await codec.decode(payloads)) };
    } catch (err) {
      if (err instanceof PayloadDecryptionError)
        throw new ProblemException({ status: 400, code: 'PayloadNotDecodable', detail: err.message });
      throw err;
    }
  }

  @Post('encode')
  @Allow(...ROUTE_ROLES.decodePayloads)
  @OpenInEmbeddedDefault()
  @HttpCode(200)
  @ApiOperation({ summary: 'Encrypts payloads for the Temporal Web UI with the current key' })
  @ApiResponse({ status: 200, type: CodecPayloadsDto, description: 'The payloads, encoded, in the same order' })
  @ApiResponse({ status: 400, description: 'A payload is not base64' })
  @ApiProblems(404)
  async encode(@Body() body: CodecPayloadsDto) {
    const codec = this.codec();
    const payloads = fromWire(body.payloads);
    return { payloads: toWire(codec ? await codec.encode(payloads) : payloads) };
  }

  /** The browser's CORS preflight for the UI's origin. */
  @Options(['decode', 'encode'])
  @Public() // browsers send a preflight without credentials
  @ApiExcludeEndpoint()
  @HttpCode(204)
  preflight(@Res({ passthrough: true }) res: Response): void {
    this.codec();
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    res.setHeader('Access-Control-Max-Age', '600');
  }

  /** The codec, or 404 when the endpoint is disabled (CORS headers come from CodecModule's middleware). */
  private codec() {
    if (!this.opts.enabled)
      throw notFound('the codec endpoint is disabled (CODEC_ENDPOINT=on enables it; see README, "Payload encryption")');
    return this.opts.payloadCodec;
  }
}

function fromWire(payloads: CodecPayloadDto[]): Payload[] {
  const errors: FieldError[] = [];
  const bytes = (value: unknown, at: string): Uint8Array => {
    if (typeof value !== 'string' || !BASE64.test(value)) {
      errors.push({ path: at, message: `${at} must be a base64 string` });
      return new Uint8Array();
    }
    return Buffer.from(value, 'base64');
  };
  const decoded = payloads.map((p, i) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, bytes(v, `payloads[${i}].metadata.${k}`)]),
    ),
    data: bytes(p.data ?? '', `payloads[${i}].data`),
  }));
  if (errors.length) throw invalidRequest(errors);
  return decoded;
}

function toWire(payloads: Payload[]): CodecPayloadDto[] {
  return payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  }));
}
