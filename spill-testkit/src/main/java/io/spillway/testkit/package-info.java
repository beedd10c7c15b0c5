/**
 * Contract test suites for Spillway plugins, published for plugin authors.
 *
 * <p>Extend {@link io.spillway.testkit.SpillPolicyContractTest} in the tests of a {@code SpillPolicy} plugin and
 * {@link io.spillway.testkit.SpillStoreContractTest} in those of a {@code SpillStore} plugin: your plugin is then
 * checked against the same rules as the bundled ones. {@link io.spillway.testkit.CheckedSpillPolicy} checks a
 * policy's answers against the contract and serves the plugin's own ranking tests.
 * {@link io.spillway.testkit.CannotRunCodec} stands for a JNI compression codec whose native library was refused, to
 * test what a reader or writer of frames does then. These classes use JUnit 5 and
 * AssertJ, so add this module with test scope only.
 */
@NullMarked
package io.spillway.testkit;

import org.jspecify.annotations.NullMarked;
