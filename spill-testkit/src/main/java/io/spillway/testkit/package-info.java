/**
 * Contract test suites, published for plugin authors: extend {@link io.spillway.testkit.SpillStoreContractTest}
 * (and its policy counterpart) in your own test sources and your plugin is checked against the same rules as the
 * bundled ones.
 */
@NullMarked
package io.spillway.testkit;

import org.jspecify.annotations.NullMarked;
