/** An error DMS answers with: `code` goes on the wire as `__type` and `x-amzn-errortype`. */
export class DmsError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export function resourceNotFound(message: string): DmsError {
  return new DmsError('ResourceNotFoundFault', message);
}

export function invalidResourceState(message: string): DmsError {
  return new DmsError('InvalidResourceStateFault', message);
}

export function invalidParameter(message: string): DmsError {
  return new DmsError('InvalidParameterValueException', message);
}

/** What the SDK sees for a throttled call; it retries this code by name. */
export function throttled(): DmsError {
  return new DmsError('ThrottlingException', 'Rate exceeded');
}

/**
 * AWS answers client faults with 400 but server faults with 5xx, and the SDK
 * treats 5xx as transient: keep that distinction for injected server faults.
 */
export function httpStatusFor(code: string): number {
  switch (code) {
    case 'InternalFailure':
    case 'InternalServerError':
    case 'InternalServiceError':
      return 500;
    case 'ServiceUnavailable':
    case 'ServiceUnavailableException':
      return 503;
    default:
      return 400;
  }
}
