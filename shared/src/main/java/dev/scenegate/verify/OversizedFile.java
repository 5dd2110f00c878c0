package dev.scenegate.verify;

/**
 * A listed file that cannot be hashed within one {@link VerifyBudget}: {@code bytesRead} of {@code
 * sizeBytes} were read in {@code readMillis} before the cut, and at the rate measured the whole
 * file would take {@code estimatedSeconds}.
 */
public record OversizedFile(
    String path, long sizeBytes, long bytesRead, long readMillis, long estimatedSeconds) {}
