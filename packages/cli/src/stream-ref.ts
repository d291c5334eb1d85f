import { UsageError } from './errors';

/** Parses `<type>/<id>`; the id may itself contain slashes (the type may not). */
export function parseStreamRef(text: string, what: string): { readonly type: string; readonly id: string } {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) {
    throw new UsageError(`${what}: expected <type>/<id>, e.g. Account/42, got "${text}"`);
  }
  return { type: text.slice(0, slash), id: text.slice(slash + 1) };
}
