package io.spillway.store.file;

import io.spillway.api.SegmentNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a log file record by record, as crash recovery will (issue 17): each header is checked
 * ({@link RecordFormat#decode}); where one fails, the scan searches forward for the next header that passes, since
 * parallel appends can leave a hole before complete records (an append that reserved its place and never wrote it);
 * a record whose value runs past the end of the file is the torn tail, where the scan stops.
 *
 * <p>A header passes only if its checksum holds and it names its own file and position, so bytes inside a value —
 * even a log record stored as a value — are never taken for a record. The values are not checked: they are frames,
 * which the core verifies when it reads them.
 *
 * <p>Stateless. Internal, may change.
 */
final class LogScanner {
  private static final int WINDOW = 1024 * 1024;

  private LogScanner() {}

  /** What a scan found: the records that passed, the bytes skipped between them, and a torn tail if any. */
  record Scan(List<RecordFormat.Header> records, long skippedBytes, boolean tornTail) {}

  /** Scans log file {@code path}, which is log file number {@code fileNumber}. */
  static Scan scan(Path path, int fileNumber) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return scan(channel, fileNumber);
    }
  }

  static Scan scan(FileChannel channel, int fileNumber) throws IOException {
    long size = channel.size();
    List<RecordFormat.Header> records = new ArrayList<>();
    long skipped = 0;
    long position = 0;
    byte[] header = new byte[RecordFormat.HEADER_BYTES + SegmentNames.MAX_LENGTH];
    while (position + RecordFormat.HEADER_BYTES <= size) {
      int length = read(channel, header, position, size);
      RecordFormat.Result result = RecordFormat.decode(header, length, position, fileNumber);
      RecordFormat.Header found = result.header();
      if (found != null) {
        long end = position + found.recordBytes();
        if (end > size) {
          return new Scan(records, skipped, true);
        }
        records.add(found);
        position = end;
        continue;
      }
      long next = nextMagic(channel, position + 1, size);
      if (next < 0) {
        // Nothing more that could be a record: what is left is a torn header or a hole at the end.
        return new Scan(records, skipped + (size - position), true);
      }
      skipped += next - position;
      position = next;
    }
    return new Scan(records, skipped, position < size);
  }

  private static int read(FileChannel channel, byte[] into, long position, long size) throws IOException {
    int wanted = (int) Math.min(into.length, size - position);
    ByteBuffer buffer = ByteBuffer.wrap(into, 0, wanted);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.position();
  }

  /** The position of the next magic at or after {@code from}, or -1. */
  private static long nextMagic(FileChannel channel, long from, long size) throws IOException {
    ByteBuffer window = ByteBuffer.allocate(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
    long start = from;
    while (start + 4 <= size) {
      window.clear().limit((int) Math.min(WINDOW, size - start));
      while (window.hasRemaining()) {
        if (channel.read(window, start + window.position()) < 0) {
          break;
        }
      }
      int filled = window.position();
      for (int i = 0; i + 4 <= filled; i++) {
        if (window.getInt(i) == RecordFormat.MAGIC) {
          return start + i;
        }
      }
      start += Math.max(1, filled - 3); // a magic may straddle two windows
    }
    return -1;
  }
}
