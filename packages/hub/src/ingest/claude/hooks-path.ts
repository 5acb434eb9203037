/** Where the hub takes Claude Code hook events; the `hook` command and `hook install --http` point here. */
export const CLAUDE_HOOKS_PATH = '/api/v1/hooks/claude';
