import fc from 'fast-check';
import { assertProperty, propertyRuns, replayPath } from '../support/property-settings';
import { defineSuite } from '../test-definition';
import {
  AppendCommand,
  EmptyAppendCommand,
  EVENT_TYPES,
  type Mode,
  type Model,
  ReadAllCommand,
  ReadStreamCommand,
  type Real,
  RetryCommand,
  ReuseCommand,
  SnapshotCommand,
  STREAM_COUNT,
  verifyEverything,
} from './model-commands';

const streamArb = fc.integer({ min: 0, max: STREAM_COUNT - 1 });

const commandArbs = [
  fc
    .tuple(
      streamArb,
      fc.constantFrom<Mode>('exact', 'exact', 'any', 'no_stream', 'stream_exists', 'stale-low', 'stale-high'),
      fc.array(fc.integer({ min: 0, max: EVENT_TYPES.length - 1 }), { minLength: 1, maxLength: 3 }),
    )
    .map(([s, mode, types]) => new AppendCommand(s, mode, types)),
  fc
    .tuple(streamArb, fc.constantFrom<'exact' | 'any'>('exact', 'any'))
    .map(([s, mode]) => new EmptyAppendCommand(s, mode)),
  fc.nat(50).map((pick) => new RetryCommand(pick)),
  fc
    .tuple(fc.nat(50), fc.integer({ min: 1, max: STREAM_COUNT - 1 }))
    .map(([pick, shift]) => new ReuseCommand(pick, shift)),
  fc
    .tuple(
      streamArb,
      fc.option(fc.nat(5), { nil: undefined }),
      fc.boolean(),
      fc.option(fc.nat(4), { nil: undefined }),
    )
    .map(([s, from, backward, limit]) => new ReadStreamCommand(s, from, backward, limit)),
  fc
    .tuple(
      fc.nat(40),
      fc.integer({ min: 1, max: 4 }),
      fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
    )
    .map(([cut, batch, type]) => new ReadAllCommand(cut, batch, type)),
  fc.tuple(streamArb, fc.integer({ min: 1, max: 8 })).map(([s, v]) => new SnapshotCommand(s, v)),
];

/** Up to 40 commands; replays the sequence `CHRONICLE_FC_PATH` names after its `@`. */
const commandsArb = () => {
  const { commands } = replayPath();
  return fc.commands(commandArbs, {
    maxCommands: 40,
    size: '+1',
    ...(commands === undefined ? {} : { replayPath: commands }),
  });
};

/**
 * Model-based property test: random command sequences against a plain model of the contract (rules
 * 2–5 and 7 of `docs/contract.md` at once).
 */
export const modelTests = defineSuite('model', [
  {
    name: 'random appends, retries, reads and snapshot saves agree with a plain model',
    // A soak run (CHRONICLE_FC_RUNS in the thousands) gets the time it needs.
    timeout: 120_000 + propertyRuns() * 1_000,
    async run({ store, log }) {
      let run = 0;
      const runs = await assertProperty(
        fc.asyncProperty(commandsArb(), async (commands) => {
          const ns = `M${++run}-${Math.random().toString(36).slice(2, 8)}`;
          const model: Model = {
            streams: Array.from({ length: STREAM_COUNT }, () => []),
            log: [],
            snapshots: Array.from({ length: STREAM_COUNT }, () => undefined),
            history: [],
            lastPosition: 0n,
            streamPositions: Array.from({ length: STREAM_COUNT }, () => 0n),
          };
          const real: Real = { store, ns };
          await fc.asyncModelRun(() => ({ model, real }), commands);
          await verifyEverything(model, real);
        }),
        'the model-based property',
      );
      log(`${runs} runs (set CHRONICLE_FC_RUNS for more)`);
    },
  },
]);
