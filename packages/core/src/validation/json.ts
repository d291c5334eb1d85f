import { InvalidArgumentError } from '../errors';

/**
 * Throws {@link InvalidArgumentError} unless `value` reads back equal after a JSON round trip through
 * every adapter: `null`, booleans, finite numbers, well-formed strings without U+0000, arrays and plain
 * objects of those. Object properties whose value is `undefined` are allowed and dropped, as
 * `JSON.stringify` drops them; `undefined` anywhere else is rejected. `-0` is stored as `0`.
 *
 * Why so strict: `JSON.stringify` silently turns `NaN` into `null`, `Date` into a string, drops
 * functions and throws on `BigInt` and cycles; PostgreSQL's `jsonb` refuses U+0000 and lone
 * surrogates. An event store must either keep what it was given or say no up front.
 *
 * @param value - the value to check
 * @param argument - its name in error messages, e.g. `'events[0].eventData'`
 */
export function assertJsonValue(value: unknown, argument: string): void {
  if (value === undefined) throw new InvalidArgumentError(argument, 'is undefined, which JSON cannot carry');
  checkValue(value, argument, new Set());
}

function checkValue(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      checkString(value, path);
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new InvalidArgumentError(
          path,
          `is ${value}, which JSON cannot carry (it would read back as null)`,
        );
      }
      return;
    case 'bigint':
      throw new InvalidArgumentError(path, 'is a BigInt, which JSON cannot carry; store it as a string');
    case 'undefined':
      throw new InvalidArgumentError(path, 'is undefined, which JSON cannot carry');
    case 'function':
      throw new InvalidArgumentError(path, 'is a function, which JSON cannot carry');
    case 'symbol':
      throw new InvalidArgumentError(path, 'is a symbol, which JSON cannot carry');
    default:
      break;
  }
  if (value === null) return;
  const object = value as object;
  if (ancestors.has(object)) throw new InvalidArgumentError(path, 'is a circular reference');
  ancestors.add(object);
  if (Object.getOwnPropertySymbols(object).length > 0) {
    throw new InvalidArgumentError(path, 'has symbol-keyed properties, which JSON drops');
  }
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) checkValue(object[i], `${path}[${i}]`, ancestors);
    if (Object.keys(object).length !== object.length) {
      throw new InvalidArgumentError(
        path,
        'is an array with holes or named properties, which JSON cannot carry',
      );
    }
  } else {
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (object as { constructor?: { name?: string } }).constructor?.name ?? 'exotic object';
      throw new InvalidArgumentError(
        path,
        `is a ${kind}, which JSON cannot carry faithfully; use a plain object`,
      );
    }
    for (const key of Object.keys(object)) {
      checkString(key, `${path} key ${JSON.stringify(key)}`);
      const child = (object as Record<string, unknown>)[key];
      if (child !== undefined) checkValue(child, `${path}.${key}`, ancestors);
    }
  }
  ancestors.delete(object);
}

function checkString(value: string, path: string): void {
  if (value.includes('\u0000'))
    throw new InvalidArgumentError(path, 'contains U+0000, which not every store can keep');
  if (!value.isWellFormed()) throw new InvalidArgumentError(path, 'contains a lone UTF-16 surrogate');
}
