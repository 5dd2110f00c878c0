package dev.scenegate.functions;

import java.util.function.Supplier;

/**
 * A value built on first need, once, thread-safely (double-checked on a volatile field). A factory
 * that throws builds nothing: the next caller tries again, so a transient fault while building a
 * client is retried with the delivery that needed it.
 */
final class Lazy<T> implements Supplier<T> {
  private Supplier<? extends T> factory;
  private volatile T value;

  Lazy(Supplier<? extends T> factory) {
    this.factory = factory;
  }

  @Override
  public T get() {
    T built = value;
    if (built != null) {
      return built;
    }
    synchronized (this) {
      if (value == null) {
        value = factory.get();
        factory = null; // what it captured is no longer needed
      }
      return value;
    }
  }

  boolean isBuilt() {
    return value != null;
  }
}
