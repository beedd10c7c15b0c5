package io.spillway.policy.lfu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HillClimberTest {

  private static double sample(HillClimber climber, double share, int hits, int misses) {
    for (int i = 0; i < hits; i++) {
      climber.hit();
    }
    for (int i = 0; i < misses; i++) {
      climber.miss();
    }
    return climber.next(share, 10);
  }

  @Test
  void next_beforeTheSampleIsComplete_keepsTheShare() {
    HillClimber climber = new HillClimber();

    assertThat(sample(climber, 0.01, 500, 499)).isEqualTo(0.01);
  }

  @Test
  void next_firstSample_stepsUpwards() {
    HillClimber climber = new HillClimber();

    assertThat(sample(climber, 0.01, 500, 500)).isCloseTo(0.01 + 0.0625, within(1e-12));
  }

  @Test
  void next_hitRateFell_turnsBack() {
    HillClimber climber = new HillClimber();
    double share = sample(climber, 0.2, 800, 200); // up, to 0.2625

    share = sample(climber, share, 600, 400); // the hit rate fell by 0.2: back down a full step

    assertThat(share).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void next_staysWithinZeroAndTheMaximum() {
    HillClimber climber = new HillClimber();
    double share = 0.79;
    for (int round = 0; round < 5; round++) {
      share = sample(climber, share, 500 + round, 500 - round); // rising: keeps climbing
    }
    assertThat(share).isEqualTo(HillClimber.MAX_WINDOW);

    HillClimber down = new HillClimber();
    double low = sample(down, 0.0, 900, 100);
    low = sample(down, low, 100, 900); // fell: a full step back down, to 0
    low = sample(down, low, 110, 890); // rose a little: on in the same direction, and held at 0
    assertThat(low).isZero();
  }
}
