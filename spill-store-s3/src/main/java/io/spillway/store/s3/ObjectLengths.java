package io.spillway.store.s3;

import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads an object's whole length from a GET response. Internal, may change.
 */
final class ObjectLengths {
  private ObjectLengths() {}

  /**
   * The whole object's length: the total of a {@code Content-Range} such as {@code bytes 0-99/1000}, or, for a
   * response without one, the bytes received.
   */
  static long of(GetObjectResponse response, long received) {
    String range = response.contentRange();
    if (range != null) {
      int slash = range.lastIndexOf('/');
      if (slash >= 0 && slash + 1 < range.length() && !range.endsWith("*")) {
        try {
          return Long.parseLong(range.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
          // A server that sends a malformed range: fall back on what arrived, which the frame checks verify.
          return received;
        }
      }
    }
    return received;
  }
}
