package dev.scenegate.storage;

import java.io.IOException;

/**
 * A fault that may succeed on retry: a network error, a 5xx, or a download whose CRC32C did not
 * match the object's. Never a verdict about the data itself.
 */
public class TransientStorageException extends IOException {
  public TransientStorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public TransientStorageException(String message) {
    super(message);
  }
}
