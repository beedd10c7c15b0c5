package io.spillway.store.file;

import java.nio.file.FileSystemException;

/**
 * An append whose bytes could not be written to {@code file}, so that the store may try another spill directory;
 * {@code reported} is what the caller gets if it does not. Internal, may change.
 */
final class FailedAppend extends Exception {
  private static final long serialVersionUID = 1L;
  final transient LogFile file;
  final FileSystemException reported;

  FailedAppend(LogFile file, FileSystemException reported) {
    super(reported.getMessage(), null, false, false);
    this.file = file;
    this.reported = reported;
  }
}
