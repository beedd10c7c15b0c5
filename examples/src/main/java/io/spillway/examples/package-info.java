/** Runnable programs showing Spillway at work. */
@NullMarked
package io.spillway.examples;

import org.jspecify.annotations.NullMarked;
