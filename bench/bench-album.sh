#!/bin/bash
# Renders a 60-minute album with a full chain on every track and prints x-realtime.
#   bench/bench-album.sh [BUILD_DIR] [MINUTES]
# The album is the demo tracks repeated (made under /tmp, never in the repository); every
# track gets EQ (6 bands) + multiband (3 bands) + compressor + imager + limiter, the master
# a limiter and a 16-bit dither. Prints wall and CPU time of `lacquer-cli render` (three runs),
# then of the album measured as delivered (`lacquer-cli analyze`) beside ffmpeg's ebur128.
set -euo pipefail
build=${1:-_build}
minutes=${2:-60}
cli="$build/src/cli/lacquer-cli"
work=/tmp/lq-bench-album
mkdir -p "$work"
[ -f "$work/demo/Demo Album.lacquer" ] || "$cli" demo "$work/demo" >/dev/null

python3 - "$work" "$minutes" <<'PY'
import json, sys, os
work, minutes = sys.argv[1], float(sys.argv[2])
demo = json.load(open(os.path.join(work, 'demo', 'Demo Album.lacquer')))
tracks, total, i = [], 0.0, 0
lengths = [24.0, 28.0, 30.0, 26.0]
eq = {"element": "lqeq", "bypass": False, "properties": {"num-bands": 6,
      "band0::type": "high-pass", "band0::freq": 25.0,
      "band1::freq": 90.0, "band1::gain": 1.5, "band2::freq": 300.0, "band2::gain": -1.0,
      "band3::freq": 2500.0, "band3::gain": 0.8, "band4::type": "high-shelf", "band4::freq": 9000.0,
      "band4::gain": 1.2, "band5::freq": 5000.0, "band5::gain": -0.5}}
chain = [eq,
         {"element": "lqmultiband", "bypass": False, "properties": {"num-bands": 3}},
         {"element": "lqcompressor", "bypass": False, "properties": {"threshold": -20.0, "ratio": 2.0}},
         {"element": "lqimager", "bypass": False, "properties": {"mono-below": 120.0}},
         {"element": "lqlimiter", "bypass": False, "properties": {"ceiling": -0.5}}]
while total < minutes * 60:
    t = dict(demo['tracks'][i % 4])
    t['source'] = os.path.join(work, 'demo', t['source'])
    t['chain'] = chain
    t['pause'] = 88200 if tracks else 0
    tracks.append(t)
    total += lengths[i % 4] + (2 if len(tracks) > 1 else 0)
    i += 1
demo['tracks'] = tracks
demo['master'] = [{"element": "lqlimiter", "bypass": False, "properties": {"ceiling": -1.0}},
                  {"element": "lqdither", "bypass": False, "properties": {"bits": 16}}]
json.dump(demo, open(os.path.join(work, 'album.lacquer'), 'w'), indent=1)
print(f"{len(tracks)} tracks, {total/60:.1f} minutes")
PY

seconds=$("$cli" info --json "$work/album.lacquer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["length_s"])')
python3 - "$cli" "$work" "$seconds" <<'PY'
import resource, subprocess, sys, time
cli, work, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
for run in (1, 2, 3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([cli, 'render', work + '/album.lacquer', '-o', work + '/out.wav', '--bits', '16'],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f'run {run}: {seconds/60:.1f} min album rendered in {wall:.2f} s wall '
          f'({seconds/wall:.0f}x realtime), {cpu:.2f} s CPU ({seconds/cpu:.0f}x per core)')

# The window's background measurement of the album as delivered (render in memory + a loudness
# meter per track and one for the album: `lacquer-cli analyze ALBUM.lacquer`), next to ffmpeg's
# EBU R 128 meter with true peak reading the rendered file (it only measures).
def timed(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.monotonic() - start, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
for run in (1, 2):
    wall, cpu = timed([cli, 'analyze', work + '/album.lacquer'])
    print(f'measure {run}: lacquer-cli analyze (render + meters): {wall:.2f} s wall ({seconds/wall:.0f}x), '
          f'{cpu:.2f} s CPU', end='')
    try:
        fwall, fcpu = timed(['ffmpeg', '-nostdin', '-i', work + '/out.wav', '-af', 'ebur128=peak=true',
                             '-f', 'null', '-'])
        print(f'; ffmpeg ebur128 on the rendered WAV: {fwall:.2f} s wall ({seconds/fwall:.0f}x), {fcpu:.2f} s CPU')
    except FileNotFoundError:
        print('; ffmpeg not installed')
PY
rm -f "$work/out.wav"
