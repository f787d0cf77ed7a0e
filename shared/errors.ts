/**
 * One catalogue of error codes for both transports: each code has its HTTP status and the
 * WebSocket close code used when the same cause ends a socket. Tests assert codes, not text.
 */
import { CloseCode } from './protocol.ts';

export const ErrorCatalogue = {
  BAD_REQUEST: { httpStatus: 400, closeCode: CloseCode.BAD_MESSAGE },
  VALIDATION_FAILED: { httpStatus: 400, closeCode: CloseCode.BAD_MESSAGE },
  IMPORT_INVALID: { httpStatus: 400, closeCode: CloseCode.BAD_MESSAGE },
  INVALID_ID: { httpStatus: 400, closeCode: CloseCode.BAD_MESSAGE },
  UNAUTHORIZED: { httpStatus: 401, closeCode: CloseCode.FORBIDDEN },
  FORBIDDEN: { httpStatus: 403, closeCode: CloseCode.FORBIDDEN },
  NOT_FOUND: { httpStatus: 404, closeCode: CloseCode.SESSION_NOT_FOUND },
  EVENT_NOT_FOUND: { httpStatus: 404, closeCode: CloseCode.SESSION_NOT_FOUND },
  SESSION_NOT_FOUND: { httpStatus: 404, closeCode: CloseCode.SESSION_NOT_FOUND },
  /** Finalising a session before its scheduled end, without `confirm`. */
  CONFIRMATION_REQUIRED: { httpStatus: 409, closeCode: CloseCode.BAD_MESSAGE },
  /** A restore (JSON export import) into a session that already has notes or action items. */
  SESSION_NOT_EMPTY: { httpStatus: 409, closeCode: CloseCode.BAD_MESSAGE },
  /** A session already keeps MAX_MANUAL_CHECKPOINTS manual checkpoints. */
  CHECKPOINT_LIMIT_REACHED: { httpStatus: 409, closeCode: CloseCode.BAD_MESSAGE },
  /** A follow-up that was already carried over to a later session (issue #17). */
  ALREADY_CARRIED: { httpStatus: 409, closeCode: CloseCode.BAD_MESSAGE },
  /** Creating an event whose id is taken (issue #15). */
  EVENT_EXISTS: { httpStatus: 409, closeCode: CloseCode.BAD_MESSAGE },
  /** Adding a topic whose title (or id) the session already has. */
  TOPIC_EXISTS: { httpStatus: 409, closeCode: CloseCode.BAD_MESSAGE },
  /** A change to an archived session (read-only for everyone until unarchived). */
  SESSION_ARCHIVED: { httpStatus: 409, closeCode: CloseCode.FORBIDDEN },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, closeCode: CloseCode.DOC_TOO_LARGE },
  /** A diff past MAX_DIFF_EDIT_LENGTH edits or DIFF_TIMEOUT_MS. */
  DIFF_TOO_LARGE: { httpStatus: 413, closeCode: CloseCode.DOC_TOO_LARGE },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, closeCode: CloseCode.BAD_MESSAGE },
  UPGRADE_REQUIRED: { httpStatus: 426, closeCode: CloseCode.BAD_MESSAGE },
  RATE_LIMITED: { httpStatus: 429, closeCode: CloseCode.RATE_LIMITED },
  STORAGE_UNAVAILABLE: { httpStatus: 503, closeCode: CloseCode.STORAGE_UNAVAILABLE },
  SERVER_BUSY: { httpStatus: 503, closeCode: CloseCode.TRY_AGAIN_LATER },
  /** A token in an API URL (`?token=`): tokens go in `Authorization: Bearer` (issue #13). */
  TOKEN_IN_URL: { httpStatus: 400, closeCode: CloseCode.BAD_MESSAGE },
  /** A Host header this server does not answer to (DNS rebinding guard, ALLOWED_HOSTS). */
  HOST_NOT_ALLOWED: { httpStatus: 421, closeCode: CloseCode.FORBIDDEN },
} as const;

export type ErrorCode = keyof typeof ErrorCatalogue;

/** The JSON body of every HTTP error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/**
 * What a caller can do to get past a refusal, named without transport details (services know no
 * HTTP): each edge words it for its callers, e.g. the HTTP edge as a query parameter or body field.
 */
export type ErrorRemedy = 'confirm' | 'session-id-or-title';

/** An expected failure with a catalogued code; the edges turn it into a response or a close. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly remedy: ErrorRemedy | undefined;
  constructor(code: ErrorCode, message: string, remedy?: ErrorRemedy) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.remedy = remedy;
  }
  get httpStatus(): number {
    return ErrorCatalogue[this.code].httpStatus;
  }
  get closeCode(): number {
    return ErrorCatalogue[this.code].closeCode;
  }
}
