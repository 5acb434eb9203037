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

export type NewAnnotation = Omit<Annotation, 'id' | 'createdAt'>;

/** Bounds the API enforces: a note is a remark, not a payload store. */
export const ANNOTATION_LIMITS = { labelChars: 100, textBytes: 10 * 1024 } as const;

export interface AnnotationQuery {
  spanId?: string;
  kind?: AnnotationKind;
  label?: string;
  /** Text contained in the text or the label (case-insensitive for ASCII). */
  q?: string;
  limit: number;
  cursor?: string;
}
