package dev.scenegate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * The meters of one feature, declared in one subclass (names, descriptions, tags) and recorded
 * through its methods. Tags such as an outcome or a webhook format are open-ended, so the meters
 * are registered on first use, in the registry this binder was bound to.
 */
public abstract class FeatureMeters implements MeterBinder {
  private MeterRegistry registry;

  @Override
  public final void bindTo(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** The registry bound to; binding first is the caller's job. */
  protected final MeterRegistry registry() {
    if (registry == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " is not bound to a registry");
    }
    return registry;
  }

  /** Binds {@code meters} to {@code registry} and returns them. */
  public static <M extends FeatureMeters> M bind(M meters, MeterRegistry registry) {
    meters.bindTo(registry);
    return meters;
  }
}
