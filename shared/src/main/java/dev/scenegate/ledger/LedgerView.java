package dev.scenegate.ledger;

import dev.scenegate.storage.ObjectInfo;
import java.util.Map;
import java.util.Optional;

/** The ledger's records for one folder, as read once: lookups cost no further call. */
public final class LedgerView {
  private static final LedgerView EMPTY = new LedgerView(Map.of(), 0);

  private final Map<String, DigestRecord> byObject;
  private final int documentsRead;

  LedgerView(Map<String, DigestRecord> byObject, int documentsRead) {
    this.byObject = Map.copyOf(byObject);
    this.documentsRead = documentsRead;
  }

  static LedgerView empty() {
    return EMPTY;
  }

  /** The record whose digest may be used instead of reading {@code current}'s bytes. */
  public Optional<DigestRecord> reusable(ObjectInfo current) {
    DigestRecord record = byObject.get(current.name());
    return record != null && record.vouchesFor(current) ? Optional.of(record) : Optional.empty();
  }

  /** The newest record of {@code object}, whatever generation it names. */
  public Optional<DigestRecord> recorded(String object) {
    return Optional.ofNullable(byObject.get(object));
  }

  public int size() {
    return byObject.size();
  }

  /** Ledger documents read to build this view (the cost of a lookup round). */
  public int documentsRead() {
    return documentsRead;
  }
}
