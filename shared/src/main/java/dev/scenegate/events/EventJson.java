package dev.scenegate.events;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper for event payloads. */
public final class EventJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private EventJson() {}
}
