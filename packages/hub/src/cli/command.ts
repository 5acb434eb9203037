/** A sub-command of the `runtime-hub` CLI. Each lives in its own file and is listed in main.ts. */
export interface Command {
  name: string;
  summary: string;
  help(): string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
