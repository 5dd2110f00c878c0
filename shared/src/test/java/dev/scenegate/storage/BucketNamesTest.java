package dev.scenegate.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BucketNamesTest {

  static Stream<String> valid() {
    return Stream.of(
        "abc",
        "scenegate-dev",
        "my.bucket_name-1",
        "a".repeat(63),
        "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(29),
        "0bucket9",
        "1.2.3.bucket");
  }

  @ParameterizedTest
  @MethodSource("valid")
  void acceptsNamesCloudStorageAccepts(String name) {
    assertEquals(Optional.empty(), BucketNames.problem(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ab",
        "UPPER",
        "Bad_Bucket!",
        "-leading",
        "trailing-",
        "_x_",
        "has space",
        "a..b",
        "a.",
        "with/slash",
        "ünï",
        "192.168.5.4",
        "goog-bucket",
        "my-google-bucket",
      })
  void refusesNamesCloudStorageNeverAccepts(String name) {
    Optional<String> problem = BucketNames.problem(name);
    assertTrue(problem.isPresent(), name);
  }

  @ParameterizedTest
  @MethodSource("tooLong")
  void refusesOverlongNamesAndParts(String name) {
    assertTrue(BucketNames.problem(name).isPresent(), name);
  }

  static Stream<String> tooLong() {
    return Stream.of(
        "a".repeat(64), "a".repeat(64) + ".b", "a." + "b".repeat(64), "a.".repeat(111) + "bc");
  }
}
