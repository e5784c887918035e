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

/** The password was right but the authenticator code (or enrolment) is still to come. */
export class SecondFactorPendingError extends AppError {
  constructor(readonly next: "code" | "enrolment") {
    super(
      next === "code"
        ? "Enter the code from your authenticator app to finish signing in."
        : "Set up two-factor authentication to finish signing in.",
      401,
    );
  }
}

/** A money or credential action without a fresh second factor (lib/action.ts `stepUp`). */
export class StepUpRequiredError extends AppError {
  constructor(readonly needs: "code" | "enrolment") {
    super(
      needs === "code"
        ? "Confirm with a code from your authenticator app to do this."
        : "Turn on two-factor authentication (Account page) before doing this: money and keys never move on a password alone.",
      403,
    );
  }
}
