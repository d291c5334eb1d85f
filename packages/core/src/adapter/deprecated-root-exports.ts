// The adapter helpers the root entry exported before `@chronicle/core/adapter` existed, kept one
// minor version so no adapter breaks. Each is the kit's own binding under a deprecated name (the very
// same function), declared with its type so assertion signatures keep working.
import * as kit from './index';
/** @deprecated Import `assertDate` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertDate: typeof kit.assertDate = kit.assertDate;
/** @deprecated Import `assertExpectedVersion` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertExpectedVersion: typeof kit.assertExpectedVersion = kit.assertExpectedVersion;
/** @deprecated Import `assertIdentifier` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertIdentifier: typeof kit.assertIdentifier = kit.assertIdentifier;
/** @deprecated Import `assertJsonValue` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertJsonValue: typeof kit.assertJsonValue = kit.assertJsonValue;
/** @deprecated Import `assertPosition` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertPosition: typeof kit.assertPosition = kit.assertPosition;
/** @deprecated Import `assertPositiveInteger` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertPositiveInteger: typeof kit.assertPositiveInteger = kit.assertPositiveInteger;
/** @deprecated Import `assertSnapshot` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertSnapshot: typeof kit.assertSnapshot = kit.assertSnapshot;
/** @deprecated Import `assertStreamRef` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertStreamRef: typeof kit.assertStreamRef = kit.assertStreamRef;
/** @deprecated Import `assertVersion` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const assertVersion: typeof kit.assertVersion = kit.assertVersion;
/** @deprecated Import `checkExpectedVersion` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const checkExpectedVersion: typeof kit.checkExpectedVersion = kit.checkExpectedVersion;
/** @deprecated Import `createEventPipeline` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const createEventPipeline: typeof kit.createEventPipeline = kit.createEventPipeline;
/** @deprecated Import `prepareAppend` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const prepareAppend: typeof kit.prepareAppend = kit.prepareAppend;
/** @deprecated Import `resolveReadAllOptions` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const resolveReadAllOptions: typeof kit.resolveReadAllOptions = kit.resolveReadAllOptions;
/** @deprecated Import `resolveReadStreamOptions` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const resolveReadStreamOptions: typeof kit.resolveReadStreamOptions = kit.resolveReadStreamOptions;
/** @deprecated Import `resolveRepeatedAppend` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const resolveRepeatedAppend: typeof kit.resolveRepeatedAppend = kit.resolveRepeatedAppend;
/** @deprecated Import `satisfiesExpectedVersion` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export const satisfiesExpectedVersion: typeof kit.satisfiesExpectedVersion = kit.satisfiesExpectedVersion;
/** @deprecated Import `EventPipeline` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export type EventPipeline = kit.EventPipeline;
/** @deprecated Import `PreparedEvent` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export type PreparedEvent = kit.PreparedEvent;
/** @deprecated Import `StoredEventLocation` from `@chronicle/core/adapter`; the root export goes in the next minor. */
export type StoredEventLocation = kit.StoredEventLocation;
