// #region errors
/**
 * What can go wrong, in the domain's words. No HTTP status codes here: the services that throw
 * these know nothing about HTTP; the one error handler in `api/` maps each class to a status.
 */
export class AppError extends Error {
  constructor(
    /** Stable, machine-readable: clients branch on this, never on the message. */
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: number | string) {
    super('NOT_FOUND', `${entity} ${id} was not found`);
  }
}

// #endregion errors

export class ConflictError extends AppError {}

/**
 * A dependency cannot serve now: down, restarting, or slower than its bound. Not the caller's
 * fault and not a bug: the same request may succeed later. `cause` keeps what failed, for the log.
 */
export class UnavailableError extends AppError {
  constructor(
    /** What failed ("database"): for the log line, never for the client. */
    readonly dependency: string,
    options?: ErrorOptions,
  ) {
    super(
      'SERVICE_UNAVAILABLE',
      'Temporarily unable to serve this request; retry after the Retry-After delay',
      options,
    );
  }
}

export class EmailTakenError extends ConflictError {
  constructor(readonly email: string) {
    super('EMAIL_TAKEN', 'A user with this email already exists');
  }
}

/** No credentials, or ones that do not verify: the caller must (re)authenticate. */
export class NotAuthenticatedError extends AppError {
  constructor(message = 'Send Authorization: Bearer <token>') {
    super('UNAUTHENTICATED', message);
  }
}

/** A known caller asking for something its role does not allow. */
export class ForbiddenError extends AppError {
  constructor(action: string) {
    super('FORBIDDEN', `Your role may not ${action}`);
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(readonly details: readonly FieldProblem[]) {
    super('VALIDATION_FAILED', `Invalid ${details.map((d) => d.field).join(', ')}`);
  }
}
