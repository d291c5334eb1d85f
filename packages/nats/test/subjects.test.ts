// Subject rules: what can be a token of a publish subject, the default derivation, and whether a
// stream's subject filter captures the relay's subjects.
import { describe, expect, it } from 'vitest';
import { defaultSubject, filterCovers, isPublishSubject, isSubjectFilter } from '../src/subjects';
import { sampleEvent } from './support/fixtures';

describe('subjects', () => {
  it('accepts dot-separated tokens and refuses spaces, empty tokens and wildcards', () => {
    for (const ok of ['chronicle', 'a.b.c', 'Order-Placed_v2', 'ünï.cødé'])
      expect(isPublishSubject(ok)).toBe(true);
    for (const bad of ['', 'a b', 'a..b', '.a', 'a.', 'a.*', 'a.>', 'a*b', 'tab\there', 'nl\nx'])
      expect(isPublishSubject(bad)).toBe(false);
  });

  it('derives <prefix>.<aggregateType>.<eventType> and names the type that cannot be a token', () => {
    expect(defaultSubject('p.q', sampleEvent())).toBe('p.q.Order.OrderPlaced');
    expect(() => defaultSubject('p', sampleEvent({ eventType: 'order.placed' }))).toThrow(
      /the event type "order\.placed" .* cannot be a NATS subject token/,
    );
    expect(() => defaultSubject('p', sampleEvent({ aggregateType: 'Or der' }))).toThrow(/the aggregate type/);
  });

  it('knows which stream filters capture a prefix', () => {
    expect(filterCovers('>', 'a.b.>')).toBe(true);
    expect(filterCovers('a.>', 'a.b.>')).toBe(true);
    expect(filterCovers('a.*.>', 'a.b.>')).toBe(true);
    expect(filterCovers('a.b.>', 'a.b.>')).toBe(true);
    expect(filterCovers('a.b.*', 'a.b.>')).toBe(false);
    expect(filterCovers('a.c.>', 'a.b.>')).toBe(false);
    expect(filterCovers('a.b.c.>', 'a.b.>')).toBe(false);
    expect(isSubjectFilter('a.*.>')).toBe(true);
    expect(isSubjectFilter('a.>.b')).toBe(false);
  });
});
