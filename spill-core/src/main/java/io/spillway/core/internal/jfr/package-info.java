/**
 * Internal, may change: the JDK Flight Recorder events of spill-core. The event <em>names</em> and their fields are
 * the stable part, documented on {@code io.spillway.core.Spillway}; the classes are not API.
 *
 * <p>Every event is in the category {@code Spillway} and enabled by default, so a recording started with any
 * profile ({@code -XX:StartFlightRecording}, {@code jcmd <pid> JFR.start}, JDK Mission Control) records them; a
 * {@code .jfc} file or {@code Recording.disable("io.spillway.Spill")} turns one off. Each records the stack trace of
 * the thread that did the work, and, except {@code io.spillway.CorruptFrame} (an instant event), the duration of
 * the operation.
 *
 * <table>
 *   <caption>Events</caption>
 *   <tr><th>name</th><th>when</th><th>fields</th></tr>
 *   <tr><td>{@code io.spillway.Spill}</td><td>each write of a frame to the store, manual or managed (a spill retried
 *       after dropping clean copies is two events); the duration covers framing (checksum, compression,
 *       encryption), the quota check and the store's write</td>
 *       <td>{@code segment}, {@code store}, {@code bytes} (payload bytes handed to the frame), {@code registeredBytes}
 *       (the segment's registered size), {@code frameBytes} (what the store was asked to hold; 0 if framing
 *       failed), {@code result} ({@code success}, {@code quota-exceeded} or {@code failure})</td></tr>
 *   <tr><td>{@code io.spillway.Reload}</td><td>each read of a frame back from the store, manual or managed; the
 *       duration covers the read and its verification (decryption, decompression, checksum), not a managed value's
 *       decoding</td>
 *       <td>{@code segment}, {@code store}, {@code bytes} (payload bytes read back; 0 on failure),
 *       {@code registeredBytes}, {@code result} ({@code success}, {@code corrupt}, {@code missing} or
 *       {@code failure})</td></tr>
 *   <tr><td>{@code io.spillway.CorruptFrame}</td><td>a stored frame failed verification: on a reload (beside its
 *       {@code Reload} event, result {@code corrupt}) or when a persistent session was taken over</td>
 *       <td>{@code segment}, {@code store}, {@code location} (where the frame is stored, if known),
 *       {@code operation} ({@code reload} or {@code recovery}), {@code reason} (the
 *       {@code CorruptSegmentException.Reason}, such as {@code CHECKSUM_MISMATCH}), {@code message}</td></tr>
 *   <tr><td>{@code io.spillway.BudgetWait}</td><td>a caller found no room in the memory budget at once and
 *       blocked ({@code put}, {@code get}, {@code set}, {@code pin}); the duration is the wait</td>
 *       <td>{@code segment}, {@code store}, {@code bytes} (the bytes it waited room for), {@code result}
 *       ({@code granted}, {@code exceeded}: gave up with {@code SpillBudgetExceededException}, {@code closed}: the
 *       manager closed meanwhile, {@code interrupted}, or {@code failure})</td></tr>
 * </table>
 *
 * <p><b>Cost.</b> With no recording taking an event, a call site costs a check or two of a flag and allocates
 * nothing: the factories of {@link io.spillway.core.internal.jfr.JfrEvents} return null while no recorder has been set
 * up in the JVM, without loading an event class (the first load of one costs about 80 ms), and otherwise each event
 * class's {@code start()} asks a shared probe instance whether the event is enabled and returns null if not.
 * Fields that take work to fill (a location's text) are filled only once {@code shouldCommit()} says the event will
 * be kept.
 */
@NullMarked
package io.spillway.core.internal.jfr;

import org.jspecify.annotations.NullMarked;
