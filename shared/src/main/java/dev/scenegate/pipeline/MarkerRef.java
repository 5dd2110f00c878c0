package dev.scenegate.pipeline;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * One object generation inside a bucket the state already names: a stage's trigger. The generation
 * is written as a string (GCS generations exceed what JSON readers keep exact).
 */
public record MarkerRef(
    String object, @JsonFormat(shape = JsonFormat.Shape.STRING) long generation) {
  public static MarkerRef of(String object, long generation) {
    return new MarkerRef(object, generation);
  }

  public String key(String bucket) {
    return bucket + "/" + object + "#" + generation;
  }
}
