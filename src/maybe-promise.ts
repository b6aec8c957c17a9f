/**
 * A value now, or a promise of it: the hot paths (the token endpoint, the bearer check, the direct reads) answer at
 * once when nothing had to wait, because every promise costs a turn and, on Node 20, the log context's promise
 * hooks (bench/HISTORY.md, round 2, fourth pass).
 */
export const isPromiseLike = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> => typeof (value as Partial<PromiseLike<T>>)?.then === 'function';

/** `f` of `value` at once, or once `value` settles when it is a promise. */
export function thenMaybe<T, R>(value: T | PromiseLike<T>, f: (v: T) => R | Promise<R>): R | Promise<R> {
  return isPromiseLike(value) ? Promise.resolve(value).then(f) : f(value);
}
