// The one error class of the harness: a fact, the value involved and the fix, with an optional cause.
export class HarnessError extends Error {
  readonly fix: string | undefined;

  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(options.fix ? `${message}\n  fix: ${options.fix}` : message, { cause: options.cause });
    this.name = 'HarnessError';
    this.fix = options.fix;
  }
}
