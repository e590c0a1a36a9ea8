package dev.koreexporter.simulator;

/** A request Kore.ai would refuse; becomes {@code {"errors":[{"msg":...,"code":status}]}}. */
final class ApiError extends RuntimeException {
    final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
