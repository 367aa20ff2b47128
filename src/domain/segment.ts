/**
 * Segment says who the customer is; tier says how the onboarding is run. The seeds map
 * enterprise to CSM-led high-touch, mid-market to automated tech-touch with milestone triggers,
 * and SMB to fully automated self-service.
 */
export const SEGMENTS = ['enterprise', 'mid-market', 'smb'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const TIERS = ['high-touch', 'tech-touch', 'self-service'] as const;
export type Tier = (typeof TIERS)[number];

export function isSegment(value: unknown): value is Segment {
  return typeof value === 'string' && (SEGMENTS as readonly string[]).includes(value);
}
