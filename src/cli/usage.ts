/** A command line that cannot run as given: an unknown command or flag, a value outside its range. Exit 2, with a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
