import { InvalidArgumentError } from '../errors';

/**
 * The deepest nesting of objects and arrays an event's data or metadata, or a snapshot's state, may
 * have: a top-level object or array is level 1. Every adapter stores and reads back values this
 * deep (PostgreSQL's `jsonb` accepts several thousand levels with the default `max_stack_depth`,
 * `JSON.stringify` several thousand on Node's default stack, `structuredClone` about 2,400); a
 * deeper value is refused up front with an {@link InvalidArgumentError}, never a stack overflow
 * half-way through a write.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Throws {@link InvalidArgumentError} unless `value` reads back equal after a JSON round trip through
 * every adapter: `null`, booleans, finite numbers, well-formed strings without U+0000, arrays and plain
 * objects of those, nested at most {@link MAX_JSON_DEPTH} levels. Object properties whose value is
 * `undefined` are allowed and dropped, as `JSON.stringify` drops them; `undefined` anywhere else is
 * rejected. `-0` is stored as `0`.
 *
 * Why so strict: `JSON.stringify` silently turns `NaN` into `null`, `Date` into a string, drops
 * functions and throws on `BigInt` and cycles; PostgreSQL's `jsonb` refuses U+0000 and lone
 * surrogates. An event store must either keep what it was given or say no up front.
 *
 * The walk is iterative (an explicit stack), so no input can overflow the call stack here.
 *
 * @param value - the value to check
 * @param argument - its name in error messages, e.g. `'events[0].eventData'`
 */
export function assertJsonValue(value: unknown, argument: string): void {
  // Almost every value is fine and shallow: prove that without building paths or tasks, and walk
  // again with paths only to report what is wrong (or to go deeper than the quick check does).
  if (isShallowJson(value, 0)) return;
  if (value === undefined) throw new InvalidArgumentError(argument, 'is undefined, which JSON cannot carry');
  // Enter tasks check a value (and push its children); leave tasks run once its children are done.
  const stack: Task[] = [{ value, path: argument, depth: 0 }];
  const ancestors = new Set<object>();
  for (let task = stack.pop(); task !== undefined; task = stack.pop()) {
    if ('leave' in task) {
      ancestors.delete(task.leave);
      // After the elements, so an `undefined` element is reported as such rather than as a hole.
      if (Array.isArray(task.leave) && Object.keys(task.leave).length !== task.leave.length) {
        throw new InvalidArgumentError(
          task.path,
          'is an array with holes or named properties, which JSON cannot carry',
        );
      }
      continue;
    }
    const { path, depth } = task;
    if (!checkScalar(task.value, path)) continue;
    const object = task.value as object;
    if (ancestors.has(object)) throw new InvalidArgumentError(path, 'is a circular reference');
    if (depth >= MAX_JSON_DEPTH) {
      throw new InvalidArgumentError(
        abbreviatePath(path, argument.length),
        `is nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays, the most every store keeps`,
      );
    }
    if (Object.getOwnPropertySymbols(object).length > 0) {
      throw new InvalidArgumentError(path, 'has symbol-keyed properties, which JSON drops');
    }
    ancestors.add(object);
    stack.push({ leave: object, path });
    // Children pushed last-first, so they are checked (and reported) in document order.
    if (Array.isArray(object)) {
      for (let i = object.length - 1; i >= 0; i--) {
        stack.push({ value: object[i], path: `${path}[${i}]`, depth: depth + 1 });
      }
      continue;
    }
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (object as { constructor?: { name?: string } }).constructor?.name ?? 'exotic object';
      throw new InvalidArgumentError(
        path,
        `is a ${kind}, which JSON cannot carry faithfully; use a plain object`,
      );
    }
    const keys = Object.keys(object);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      checkString(key, `${path} key ${JSON.stringify(key)}`);
      const child = (object as Record<string, unknown>)[key];
      if (child !== undefined) stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}

/** How deep {@link isShallowJson} recurses before it leaves the value to the iterative walk. */
const QUICK_CHECK_DEPTH = 64;

/**
 * True only when `value` passes every rule of {@link assertJsonValue} and is nested less than
 * {@link QUICK_CHECK_DEPTH} levels; false when it breaks a rule, or is deeper (a cycle is deeper),
 * and the walk must decide. Recursive and allocation-free apart from the key lists: the common case.
 */
function isShallowJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return isWellFormedString(value);
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= QUICK_CHECK_DEPTH || Object.getOwnPropertySymbols(value).length > 0) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isShallowJson(value[i], depth + 1)) return false;
    return Object.keys(value).length === value.length;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const child = (value as Record<string, unknown>)[key];
    if (!isWellFormedString(key) || (child !== undefined && !isShallowJson(child, depth + 1))) return false;
  }
  return true;
}

/**
 * A copy of `value` equal to what a JSON round trip gives back (`-0` becomes `0`, properties holding
 * `undefined` are dropped, key order kept), when `value` passes every rule of {@link assertJsonValue}
 * and is nested less than {@link QUICK_CHECK_DEPTH} levels; `undefined` otherwise (the walk of
 * {@link assertJsonValue} then decides). One walk checks and copies, where `JSON.stringify` and
 * `JSON.parse` would take two and build text in between. It applies the rules of
 * {@link isShallowJson}, which stays a separate walk: an append only checks, and must not copy.
 */
export function copyShallowJson(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return isWellFormedString(value) ? value : undefined;
    case 'boolean':
      return value;
    case 'number':
      // `value === 0` is also true of -0, which JSON writes as 0.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : undefined;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (depth >= QUICK_CHECK_DEPTH || Object.getOwnPropertySymbols(value).length > 0) return undefined;
  if (Array.isArray(value)) {
    if (Object.keys(value).length !== value.length) return undefined;
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const element = copyShallowJson(value[i], depth + 1);
      if (element === undefined) return undefined;
      copy[i] = element;
    }
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const copy: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const child = (value as Record<string, unknown>)[key];
    if (!isWellFormedString(key)) return undefined;
    if (child === undefined) continue;
    const element = copyShallowJson(child, depth + 1);
    if (element === undefined) return undefined;
    setOwnProperty(copy, key, element);
  }
  return copy;
}

/**
 * A deep copy of a JSON value known to be valid (no checks). Spread and `slice` copy one level at
 * native speed and keep an own `__proto__` key a plain property, as `JSON.parse` makes it.
 */
export function copyJsonValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? value.slice() : { ...value };
  for (const key of Object.keys(copy)) {
    const child = (copy as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) {
      setOwnProperty(copy as Record<string, unknown>, key, copyJsonValue(child));
    }
  }
  return copy;
}

/**
 * Sets `key` as an own property of `target`. An own `__proto__` (JSON.parse makes one) must stay a
 * property: assigning it would replace the prototype instead, so that key is defined.
 */
function setOwnProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}

const isWellFormedString = (value: string): boolean => !value.includes('\u0000') && value.isWellFormed();

type Task =
  | { readonly value: unknown; readonly path: string; readonly depth: number }
  | { readonly leave: object; readonly path: string };

/** Checks a value that is not an object or array; returns true when it is one (to be walked). */
function checkScalar(value: unknown, path: string): boolean {
  switch (typeof value) {
    case 'string':
      checkString(value, path);
      return false;
    case 'boolean':
      return false;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new InvalidArgumentError(
          path,
          `is ${value}, which JSON cannot carry (it would read back as null)`,
        );
      }
      return false;
    case 'bigint':
      throw new InvalidArgumentError(path, 'is a BigInt, which JSON cannot carry; store it as a string');
    case 'undefined':
      throw new InvalidArgumentError(path, 'is undefined, which JSON cannot carry');
    case 'function':
      throw new InvalidArgumentError(path, 'is a function, which JSON cannot carry');
    case 'symbol':
      throw new InvalidArgumentError(path, 'is a symbol, which JSON cannot carry');
    default:
      return value !== null;
  }
}

function checkString(value: string, path: string): void {
  if (value.includes('\u0000'))
    throw new InvalidArgumentError(path, 'contains U+0000, which not every store can keep');
  if (!value.isWellFormed()) throw new InvalidArgumentError(path, 'contains a lone UTF-16 surrogate');
}

/** A path a thousand levels long, shortened to its start and end so the message stays readable. */
function abbreviatePath(path: string, keep: number): string {
  const head = Math.max(keep + 40, 80);
  return path.length <= head + 80 ? path : `${path.slice(0, head)}…${path.slice(-60)}`;
}
