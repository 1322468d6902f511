package org.bitclass.model;

/** One session's share of a batch ({@link LanguageModel#forwardBatch}): {@code tokens} at positions {@code startPos ..}. */
public record BatchPart(Session session, int[] tokens, int startPos) {
}
