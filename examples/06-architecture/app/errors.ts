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
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: number | string) {
    super('NOT_FOUND', `${entity} ${id} was not found`);
  }
}

export class ConflictError extends AppError {}

export class EmailTakenError extends ConflictError {
  constructor(readonly email: string) {
    super('EMAIL_TAKEN', 'A user with this email already exists');
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
// #endregion errors
