/**
 * `T` with every `readonly` dropped: for building a readonly object field by field (optional fields
 * are set only when present, so they stay absent rather than `undefined`), before handing it out
 * typed as `T`.
 */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
