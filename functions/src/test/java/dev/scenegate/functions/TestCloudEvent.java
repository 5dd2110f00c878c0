package dev.scenegate.functions;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Set;

/** A CloudEvent as the Functions Framework hands it to a function, for calling one directly. */
record TestCloudEvent(String id, String type, byte[] data) implements CloudEvent {

  static TestCloudEvent of(String type, String data) {
    return new TestCloudEvent(
        "test-" + System.nanoTime(),
        type,
        data == null ? null : data.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public CloudEventData getData() {
    return data == null ? null : () -> data;
  }

  @Override
  public SpecVersion getSpecVersion() {
    return SpecVersion.V1;
  }

  @Override
  public String getId() {
    return id;
  }

  @Override
  public String getType() {
    return type;
  }

  @Override
  public String getDataContentType() {
    return "application/json";
  }

  @Override
  public URI getDataSchema() {
    return null;
  }

  @Override
  public URI getSource() {
    return URI.create("//storage.googleapis.com/projects/_/buckets/test");
  }

  @Override
  public String getSubject() {
    return null;
  }

  @Override
  public OffsetDateTime getTime() {
    return null;
  }

  @Override
  public Object getAttribute(String name) {
    return null;
  }

  @Override
  public Object getExtension(String name) {
    return null;
  }

  @Override
  public Set<String> getExtensionNames() {
    return Set.of();
  }
}
