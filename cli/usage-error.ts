/** The command line is wrong: exit code 2, and a pointer to `--help`. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
