package dev.scenegate.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRateTest {

  @ParameterizedTest
  @CsvSource({
    "50MB/s, 50000000",
    "50mb/s, 50000000",
    "50 MB/s, 50000000",
    "64MiB/s, 67108864",
    "500KB/s, 500000",
    "1KiB/s, 1024",
    "1GB/s, 1000000000",
    "2GiB/s, 2147483648",
    "1.5MB/s, 1500000",
    "4096B/s, 4096",
    "4096, 4096",
    "10MB, 10000000",
  })
  void parsesDecimalAndBinaryUnits(String text, long expected) {
    assertEquals(expected, ByteRate.parse(text).bytesPerSecond());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "fast", "0MB/s", "-5MB/s", "5XB/s", "MB/s", "0.0001B/s", "1e9B/s"})
  void rejectsWhatIsNotARate(String text) {
    assertThrows(IllegalArgumentException.class, () -> ByteRate.parse(text));
  }

  @Test
  void rejectsOverflow() {
    assertThrows(IllegalArgumentException.class, () -> ByteRate.parse("99999999999TB/s"));
  }
}
