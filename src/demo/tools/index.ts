import { createDataTool } from './create-data.js';
import { deleteDataTool } from './delete-data.js';
import { getDataTool } from './get-data.js';
import { getUserProfileTool } from './get-user-profile.js';
import { oauthAuthenticateTool } from './oauth-authenticate.js';
import type { ToolDefinition, ToolDeps } from './types.js';
import { updateDataTool } from './update-data.js';

/** The six tools of the original, in its order. */
export function allTools(deps: ToolDeps): ToolDefinition[] {
  return [
    oauthAuthenticateTool(deps),
    getUserProfileTool(deps),
    getDataTool(deps),
    createDataTool(deps),
    updateDataTool(deps),
    deleteDataTool(deps),
  ];
}
