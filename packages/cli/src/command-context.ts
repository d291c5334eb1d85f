import type { colours, Io } from './output';
import type { StoreTarget } from './target';

/** What every store command receives once the global options are parsed. */
export interface CommandContext {
  readonly target: StoreTarget;
  readonly io: Io;
  /** `--json`: one JSON document on stdout, nothing decorative. */
  readonly json: boolean;
  /** Colours for stdout (no-ops off a terminal or with NO_COLOR). */
  readonly colour: ReturnType<typeof colours>;
}
