package org.bitclass.serve;

/** A request the server refuses, with the HTTP status and OpenAI error type it is answered with. */
final class ApiException extends RuntimeException {

    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /** OpenAI's error type for a status. */
    String type() {
        return switch (status) {
            case 401 -> "authentication_error";
            case 404 -> "not_found_error";
            case 503 -> "unavailable_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
