import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

/** A Temporal payload as the Web UI sends it to a codec endpoint: metadata values and data in base64. */
export class CodecPayloadDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', format: 'byte' },
    description: 'Metadata, each value base64 (e.g. encoding: "YmluYXJ5L2VuY3J5cHRlZA==")',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ type: 'string', format: 'byte', description: 'The payload’s data, base64' })
  @IsOptional()
  @IsString()
  data?: string;
}

/** The body of /codec/encode and /codec/decode, and their answer. */
export class CodecPayloadsDto {
  @ApiProperty({ type: [CodecPayloadDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CodecPayloadDto)
  payloads: CodecPayloadDto[];
}
