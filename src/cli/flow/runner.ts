import { send, type BodyReader, type Exchange, type HttpDeps, type HttpRequest, type Sent } from './http.js';

/** What a step sees: HTTP that records each exchange for printing, and checks that end the step on failure. */
export interface StepContext {
  send(req: HttpRequest, read?: BodyReader): Promise<Sent>;
  /** Records something verified, printed as a ✓ line. */
  note(text: string): void;
  /** Fails the step with `failure` unless `condition` holds; on success records `success` when given. */
  check(condition: unknown, failure: string, success?: string): asserts condition;
}

export interface FlowStep<S> {
  /** The step numbers of the 13-step sequence diagram this step performs, or a label for the extra parts. */
  diagram: string;
  title: string;
  /** The RFC or MCP specification sections the step follows. */
  follows: string;
  /** State an earlier step must have produced; without it the step is skipped, not failed. */
  needs?: (keyof S)[];
  run(ctx: StepContext, state: S): Promise<void>;
}

export type StepStatus = 'pass' | 'fail' | 'skip';

export interface StepResult {
  diagram: string;
  title: string;
  follows: string;
  status: StepStatus;
  ms: number;
  exchanges: Exchange[];
  notes: string[];
  error?: string;
}

export class StepFailure extends Error {
  override name = 'StepFailure';
}

/**
 * Runs steps in order over a shared state. A failed step does not stop the run: later steps that need what it
 * would have produced are skipped with the reason, the others still run. `onResult` sees each result as it ends.
 */
export async function runSteps<S extends object>(
  steps: FlowStep<S>[],
  state: S,
  http: HttpDeps,
  onResult: (result: StepResult) => void,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    const exchanges: Exchange[] = [];
    const notes: string[] = [];
    const base = { diagram: step.diagram, title: step.title, follows: step.follows, exchanges, notes };
    const missing = (step.needs ?? []).filter((k) => state[k] === undefined);
    if (missing.length) {
      const result: StepResult = { ...base, status: 'skip', ms: 0, error: `needs ${missing.map(String).join(', ')} from an earlier step` };
      results.push(result);
      onResult(result);
      continue;
    }
    const ctx: StepContext = {
      send: async (req, read) => {
        const sent = await send(http, req, read);
        exchanges.push(sent.exchange);
        return sent;
      },
      note: (text) => void notes.push(text),
      check(condition, failure, success) {
        if (!condition) throw new StepFailure(failure);
        if (success) notes.push(success);
      },
    };
    const started = http.now();
    let result: StepResult;
    try {
      await step.run(ctx, state);
      result = { ...base, status: 'pass', ms: Math.round(http.now() - started) };
    } catch (err) {
      result = { ...base, status: 'fail', ms: Math.round(http.now() - started), error: (err as Error).message };
    }
    results.push(result);
    onResult(result);
  }
  return results;
}
