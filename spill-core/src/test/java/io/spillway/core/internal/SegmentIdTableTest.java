package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SegmentIdTableTest {

  @Test
  void admit_givesDenseIds_andRemoveFreesThemForReuseNewestFirst() {
    SegmentIdTable ids = new SegmentIdTable();
    Segment a = new Segment("a", 1);
    Segment b = new Segment("b", 1);
    Segment c = new Segment("c", 1);
    assertThat(ids.admit(a)).isZero();
    assertThat(ids.admit(b)).isOne();
    assertThat(ids.admit(c)).isEqualTo(2);

    assertThat(ids.remove(a)).isZero();
    assertThat(ids.remove(c)).isEqualTo(2);
    assertThat(a.id).isEqualTo(SegmentIdTable.NO_ID);
    assertThat(ids.remove(a)).as("a second removal").isEqualTo(SegmentIdTable.NO_ID);
    Segment d = new Segment("d", 1);
    Segment e = new Segment("e", 1);

    assertThat(ids.admit(d)).isEqualTo(2);
    assertThat(ids.admit(e)).isZero();
    assertThat(ids.segment(0)).isSameAs(e);
    assertThat(ids.segment(1)).isSameAs(b);
    assertThat(ids.segment(3)).isNull();
    assertThat(ids.segment(-1)).isNull();
  }

  @Test
  void countAccess_countsKnownSegments_andDeliversOnlyResidentOnes() {
    SegmentIdTable ids = new SegmentIdTable();
    Segment a = new Segment("a", 1);
    Segment b = new Segment("b", 1);
    int idA = ids.admit(a);
    int idB = ids.admit(b);
    ids.setSpilled(idB, true);

    assertThat(ids.countAccess(idA)).isTrue();
    assertThat(ids.countAccess(idB)).as("spilled: counted, not delivered").isFalse();
    assertThat(ids.countAccess(99)).as("no segment's id").isFalse();
    ids.setSpilled(idB, false);
    assertThat(ids.countAccess(idB)).isTrue();

    assertThat(ids.accessCount(a)).isEqualTo(1);
    assertThat(ids.accessCount(b)).isEqualTo(2);
  }

  @Test
  void retire_stopsCountingAndDelivering_andTheNextHolderOfTheIdStartsAtZero() {
    SegmentIdTable ids = new SegmentIdTable();
    Segment a = new Segment("a", 1);
    int id = ids.admit(a);
    ids.countAccess(id);
    ids.retire(a);

    assertThat(ids.countAccess(id)).isFalse();
    assertThat(ids.accessCount(a)).isEqualTo(1);
    ids.remove(a);
    Segment b = new Segment("b", 1);
    assertThat(ids.admit(b)).isEqualTo(id);
    assertThat(ids.accessCount(b)).isZero();
    assertThat(ids.countAccess(id)).isTrue();
  }

  @Test
  void admit_pastTheInitialArrays_keepsEverySegment() {
    SegmentIdTable ids = new SegmentIdTable();
    Segment[] segments = new Segment[10_000];
    for (int i = 0; i < segments.length; i++) {
      segments[i] = new Segment("s" + i, 1);
      assertThat(ids.admit(segments[i])).isEqualTo(i);
    }
    for (int i = 0; i < segments.length; i++) {
      assertThat(ids.segment(i)).isSameAs(segments[i]);
    }
  }
}
