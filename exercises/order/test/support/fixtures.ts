import type { EventStore } from '@chronicle/core';

/** An order line in EUR unless told otherwise. */
export const line = (productId: string, quantity: number, pricePerUnit: number, currency = 'EUR') => ({
  productId,
  quantity,
  pricePerUnit,
  currency,
});

/** Every method call on a real store, recorded on its way through (nothing is faked). */
export function recording(target: EventStore): {
  store: EventStore;
  calls: { method: string; args: unknown[] }[];
} {
  const calls: { method: string; args: unknown[] }[] = [];
  const store = new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(property), args });
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return { store, calls };
}

/** Expects `action` to throw an error with this `code` (e.g. an OrderError). */
export function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code ?? `${(error as Error).name}: ${(error as Error).message}`;
  }
  return undefined;
}
