/**
 * A problem with what the user gave us (a file, a flag, a value). The CLI prints its message and
 * exits with code 2; anything else that escapes is an internal error.
 */
export class InputError extends Error {
  constructor(
    message: string,
    /** The file the problem is in, when there is one. */
    readonly file?: string,
    /** Where in the file: a JSON path such as `$.layers[3].stride`, or `line 12`. */
    readonly location?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** One line for the terminal: `file:location: message`. */
  describe(): string {
    const where = [this.file, this.location].filter((part) => part !== undefined && part !== '').join(':');
    return where === '' ? this.message : `${where}: ${this.message}`;
  }
}
