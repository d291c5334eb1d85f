import { describe, expect, it } from 'vitest';
import { prepareAppend } from '../src/adapter';

const stream = { aggregateType: 'Account', aggregateId: 'acc-1' };

describe('prepareAppend: what an adapter writes', () => {
  it('says which event ids it generated, so a conflict need not look them up', () => {
    const [given, omitted, nulled] = prepareAppend(stream, 0, [
      { eventType: 'Opened', eventData: {}, eventId: 'evt-1' },
      { eventType: 'Deposited', eventData: { amount: 1 } },
      { eventType: 'Deposited', eventData: { amount: 2 }, eventId: null as unknown as string },
    ]);
    expect(given).toMatchObject({ eventId: 'evt-1', eventIdGenerated: false });
    expect(omitted?.eventIdGenerated).toBe(true);
    expect(omitted?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nulled?.eventIdGenerated).toBe(true);
    expect(nulled?.eventId).not.toBe(omitted?.eventId);
  });
});
