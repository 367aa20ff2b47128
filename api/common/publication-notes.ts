/**
 * A version's notes: the body's own, and the body's `publishedBy`, which is only a note now: the
 * publisher recorded is always the authenticated principal.
 */
export function publicationNotes(dto: { notes?: string; publishedBy?: string }): string | undefined {
  const parts = [dto.notes, dto.publishedBy ? `published for ${dto.publishedBy}` : undefined].filter(Boolean);
  return parts.length ? parts.join(' — ') : undefined;
}
