/** The `prompt` values this server honours (OpenID Connect Core §3.1.2.1); others are ignored (metadata: prompt_values_supported). */
export const PROMPT_VALUES = ['none', 'login', 'consent'] as const;
export type Prompt = (typeof PROMPT_VALUES)[number];
