#!/usr/bin/env bash
# Access benchmark of two builds in one run: OLD_JAR and NEW_JAR (each a spill-bench benchmarks.jar), and NEW_JAR
# with -Dbench.policy=coldness, 3 rounds on 1 and 2 threads, the order of the sides reversed in the middle round;
# then the heap per segment of both. JMH's CSV results go to OUT_DIR, one file per side, round and thread count.
# ROUNDS (default 3) sets the rounds, the order reversed in every even one; SIDES (default "old new newcold") the
# sides, e.g. SIDES="old new" to compare two builds only.
# Usage: [ROUNDS=N] [SIDES="..."] spill-bench/scripts/access-before-after.sh OLD_JAR NEW_JAR OUT_DIR
set -euo pipefail
old_jar=$1
new_jar=$2
out=$3
rounds=${ROUNDS:-3}
sides=${SIDES:-old new newcold}
reversed=$(echo "$sides" | tr ' ' '\n' | tac | tr '\n' ' ')
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order=$sides; else order=$reversed; fi
  for side in $order; do
    case $side in
      old) jar=$old_jar; extra=() ;;
      new) jar=$new_jar; extra=() ;;
      newcold) jar=$new_jar; extra=(-jvmArgsAppend -Dbench.policy=coldness) ;;
    esac
    for threads in 1 2; do
      java -Djmh.ignoreLock=true -cp "$jar" org.openjdk.jmh.Main AccessBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s \
        -t "$threads" "${extra[@]}" -rf csv -rff "$out/$side-r$round-t$threads.csv" > "$out/$side-r$round-t$threads.log"
    done
  done
done
java -cp "$old_jar" io.spillway.bench.HeapPerSegment > "$out/heap-old.log"
java -cp "$new_jar" io.spillway.bench.HeapPerSegment > "$out/heap-new.log"
