import { colors } from './colors.js';
import type { HttpDeps } from './http.js';
import { formatStep, formatSummary } from './printer.js';
import { runSteps, type FlowStep, type StepResult } from './runner.js';
import type { FlowState } from './state.js';
import { authorizeStep, registerStep, tokenStep } from './steps/authorization.js';
import { challengeStep, metadataStep } from './steps/discovery.js';
import { closeSessionStep, createDataStep, getDataStep, initializeStep, listToolsStep } from './steps/mcp-tools.js';
import { clientCredentialsStep, refreshStep } from './steps/more-grants.js';
import { resourceApiStep, verifyTokenStep } from './steps/resource.js';

/** The walkthrough in order: the 13 steps of the original's sequence diagram, then refresh and client_credentials. */
export const FLOW_STEPS: FlowStep<FlowState>[] = [
  challengeStep,
  metadataStep,
  registerStep,
  authorizeStep,
  tokenStep,
  initializeStep,
  listToolsStep,
  createDataStep,
  getDataStep,
  resourceApiStep,
  verifyTokenStep,
  closeSessionStep,
  refreshStep,
  clientCredentialsStep,
];

export interface FlowDeps {
  http: HttpDeps;
  write: (text: string) => void;
  color: boolean;
}

/** Runs the walkthrough, printing each step as it ends and the summary; resolves to the results. */
export async function runFlow(state: FlowState, deps: FlowDeps, steps = FLOW_STEPS): Promise<StepResult[]> {
  const c = colors(deps.color);
  deps.write(
    `${c.bold('mcp-auth-server flow')}: the original demo's 13-step sequence against ${state.mcpUrl}\n` +
      c.dim('Secrets (client secrets, codes, tokens) are shown as their first 6 characters.\n'),
  );
  const results = await runSteps(steps, state, deps.http, (r) => deps.write(formatStep(r, c)));
  deps.write(formatSummary(results, c));
  return results;
}
