/**
 * Contract test suites for Spillway plugins, on JUnit 5 and AssertJ.
 *
 * <p>The package is open because the test engine calls the suites' test methods and fills their fields
 * reflectively; {@code SpillPolicyContractTest} looks its provider up with {@link java.util.ServiceLoader}.
 */
module io.spillway.testkit {
  requires transitive io.spillway.api;
  requires transitive org.junit.jupiter.api;
  requires transitive org.junit.jupiter.params;
  requires transitive org.assertj.core;

  exports io.spillway.testkit;
  opens io.spillway.testkit;

  uses io.spillway.api.spi.SpillPolicyProvider;
}
