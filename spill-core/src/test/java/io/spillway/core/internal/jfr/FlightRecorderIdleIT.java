package io.spillway.core.internal.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a JVM that never records, spills and reloads load no Flight Recorder event class (the first such load costs
 * about 80 ms, on the thread of the first spill); in one started with a recording they do. Each case is a child JVM
 * whose class loading is logged ({@code -Xlog:class+load}).
 */
class FlightRecorderIdleIT {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void withoutARecorder_noEventClassIsLoaded() throws Exception {
    List<String> loaded = runChild("idle");

    assertThat(loaded).as("the child spilled through SegmentIo").anyMatch(line -> line.contains(" "
        + "io.spillway.core.internal.SegmentIo "));
    assertThat(loaded).as("event classes loaded").noneMatch(line -> line.contains(" jdk.jfr.Event ")
        || line.contains("io.spillway.core.internal.jfr.SpillJfrEvent")
        || line.contains("io.spillway.core.internal.jfr.ReloadJfrEvent")
        || line.contains("io.spillway.core.internal.jfr.BudgetWaitJfrEvent"));
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void withARecordingFromTheStart_theEventClassesAreLoaded() throws Exception {
    List<String> loaded = runChild("recording",
        "-XX:StartFlightRecording=filename=" + tmp.resolve("child.jfr") + ",settings=default");

    assertThat(loaded).anyMatch(line -> line.contains("io.spillway.core.internal.jfr.SpillJfrEvent "));
    assertThat(loaded).anyMatch(line -> line.contains("io.spillway.core.internal.jfr.ReloadJfrEvent "));
  }

  /** Runs {@link FlightRecorderIdleChildMain} with {@code options}; returns its class-loading log. */
  private List<String> runChild(String tag, String... options) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command()
        .orElseThrow(() -> new AssertionError("cannot tell which java binary runs this test"));
    Path classLog = tmp.resolve(tag + "-classes.log");
    List<String> command = new ArrayList<>(List.of(java, "-Xlog:class+load=info:file=" + classLog));
    command.addAll(List.of(options));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        FlightRecorderIdleChildMain.class.getName(), Files.createDirectories(tmp.resolve(tag)).toString()));
    Path out = tmp.resolve(tag + ".out");
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("the %s child exited", tag).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as("exit code of the %s child; output: %s", tag, output).isZero();
    assertThat(output).contains(FlightRecorderIdleChildMain.DONE);
    return Files.readAllLines(classLog, StandardCharsets.UTF_8);
  }
}
