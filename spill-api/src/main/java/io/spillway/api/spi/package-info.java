/**
 * The service provider interfaces through which Spillway is extended: spill policies, spill stores, checksum
 * codecs and compression codecs.
 *
 * <p>Each plugin registers a <em>provider</em> &mdash; a stateless factory with a public no-arg constructor &mdash;
 * in {@code META-INF/services/<provider interface>}. The core finds providers with {@link java.util.ServiceLoader},
 * selects one by {@code name()} or, when no name is configured, by the highest {@code priority()}, and then calls
 * {@code create(...)} once per manager. Resources (files, clients) are made in {@code create}, never in a
 * provider's constructor.
 */
@NullMarked
package io.spillway.api.spi;

import org.jspecify.annotations.NullMarked;
