// Errors every entry point maps the same way (lib/action.ts for server actions,
// lib/http/error-answer.ts for route handlers).
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 500 | 502 | 503,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export class NotSignedInError extends AppError {
  constructor() {
    super("Please sign in.", 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "Your role does not allow this.") {
    super(message, 403);
  }
}

/** Also what another merchant's object looks like: it does not exist for you. */
export class NotFoundError extends AppError {
  constructor(what = "This item") {
    super(`${what} was not found.`, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(message, 409);
  }
}
