#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# How fast `lacquer-cli analyze` measures integrated loudness + loudness range + true peak,
# next to FFmpeg (ebur128=peak=true), loudgain and bs1770gain on the same file in the same run.
# Run on demand (never by meson test); figures go to docs/PERFORMANCE.md ("Analysis").
#
#   bench/bench-loudness.sh [BUILD_DIR] [MINUTES] [REPEATS]
#
# Material: the demo album (lacquer-cli demo: 24-bit 44.1 kHz stereo WAV), repeated with sox
# to MINUTES (60 by default) as one file, and cut into 4-minute tracks as an album, all under
# /tmp/lq-bench-loudness (never in the source tree). Each tool runs pinned to one core
# (taskset -c 1) on the single file; each figure is the best of REPEATS runs (3 by default;
# the machine is shared, the best run is the least disturbed), as wall-clock and as CPU time
# (user + system, from /usr/bin/time), both in multiples of real time. Then lacquer-cli analyzes the
# album's tracks on one thread and on all cores (--threads 0, one track per core).
set -eu

BUILD=${1:-_build}
MINUTES=${2:-60}
REPEATS=${3:-3}
CLI=$(realpath "$BUILD/src/cli/lacquer-cli")
DIR=/tmp/lq-bench-loudness
SECONDS_AUDIO=$((MINUTES * 60))

command -v sox >/dev/null || { echo "sox is needed to build the material" >&2; exit 2; }
[ -x "$CLI" ] || { echo "no $CLI: build first" >&2; exit 2; }

mkdir -p "$DIR"
if [ ! -f "$DIR/long-$MINUTES.wav" ]; then
  "$CLI" demo "$DIR/demo" >/dev/null
  set --
  # The demo album lasts 108 s: repeat it enough, then trim to the exact length.
  n=$((SECONDS_AUDIO / 108 + 1))
  i=0
  while [ $i -lt $n ]; do
    for f in "$DIR"/demo/*.wav; do set -- "$@" "$f"; done
    i=$((i + 1))
  done
  sox "$@" "$DIR/long-$MINUTES.wav" trim 0 "$SECONDS_AUDIO"
  rm -rf "$DIR/album-$MINUTES"
  mkdir -p "$DIR/album-$MINUTES"
  sox "$DIR/long-$MINUTES.wav" "$DIR/album-$MINUTES/track.wav" trim 0 240 : newfile : restart
fi
FILE="$DIR/long-$MINUTES.wav"

# best_of CMD...: runs CMD REPEATS times (output discarded), prints the best wall time and
# the best CPU time (user + system) in seconds. The machine is shared: CPU time is the figure
# least disturbed by other work; wall time shows what a user waits.
best_of() {
  best_wall=
  best_cpu=
  r=0
  while [ $r -lt "$REPEATS" ]; do
    cat "$FILE" >/dev/null # from the page cache, for everyone alike
    /usr/bin/time -o "$DIR/time.txt" -f "%e %U %S" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    read -r wall user sys < "$DIR/time.txt"
    cpu=$(echo "$user + $sys" | bc -l)
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc -l)" = 1 ]; then best_wall=$wall; fi
    if [ -z "$best_cpu" ] || [ "$(echo "$cpu < $best_cpu" | bc -l)" = 1 ]; then best_cpu=$cpu; fi
    r=$((r + 1))
  done
  echo "$best_wall $best_cpu"
}

row() { # name "wall cpu"
  set -- "$1" $2
  printf "%-44s %8.2f s wall %7.0fx   %8.2f s cpu %7.0fx\n" "$1" "$2" "$(echo "$SECONDS_AUDIO / $2" | bc -l)" \
    "$3" "$(echo "$SECONDS_AUDIO / $3" | bc -l)"
}

echo "Integrated + LRA + true peak of $MINUTES min, 44.1 kHz stereo 24-bit WAV; $(nproc) cores; best of $REPEATS"
echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg))"
row "lacquer-cli analyze (one core)" "$(best_of taskset -c 1 "$CLI" analyze "$FILE")"
if command -v ffmpeg >/dev/null; then
  row "ffmpeg -af ebur128=peak=true (one core)" \
    "$(best_of taskset -c 1 ffmpeg -nostdin -hide_banner -nostats -threads 1 -filter_threads 1 -i "$FILE" -af ebur128=peak=true -f null -)"
fi
if command -v loudgain >/dev/null; then
  row "loudgain (one core)" "$(best_of taskset -c 1 loudgain -q "$FILE")"
fi
if command -v bs1770gain >/dev/null; then
  row "bs1770gain -i -r -t (one core)" "$(best_of taskset -c 1 bs1770gain -i -r -t "$FILE")"
fi
set -- "$DIR/album-$MINUTES"/*.wav
row "lacquer-cli analyze, $# tracks, 1 thread" "$(best_of taskset -c 1 "$CLI" analyze --threads 1 "$@")"
row "lacquer-cli analyze, $# tracks, all cores" "$(best_of "$CLI" analyze "$@")"
