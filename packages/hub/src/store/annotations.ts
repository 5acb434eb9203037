/** A bookmark or a note a person put on a span (issue 11): stored by the hub next to the spans. */
export interface Annotation {
  id: number;
  spanId: string;
  traceId: string;
  kind: AnnotationKind;
  label?: string;
  text?: string;
  score?: number;
  /** Epoch ms. */
  createdAt: number;
}

export type AnnotationKind = 'bookmark' | 'note';

/** `createdAt` is given only by an import (it keeps the original time); otherwise it is now. */
export type NewAnnotation = Omit<Annotation, 'id' | 'createdAt'> & { createdAt?: number };

/** Bounds the API enforces: a note is a remark, not a payload store. */
export const ANNOTATION_LIMITS = { labelChars: 100, textBytes: 10 * 1024 } as const;

export interface AnnotationQuery {
  spanId?: string;
  /** Every annotation of one trace (a run view marks its spans). */
  traceId?: string;
  /** Annotations of any of these spans (an export page's; at most 1,000 ids). */
  spanIds?: readonly string[];
  kind?: AnnotationKind;
  label?: string;
  /** Text contained in the text or the label (case-insensitive for ASCII). */
  q?: string;
  limit: number;
  cursor?: string;
}
