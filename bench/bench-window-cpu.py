#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""CPU cost of the whole window while it plays: starts Lacquer on the demo album (every track
with the full mastering chain of lacquer-bench: EQ, multiband, compressor, imager, limiter;
master limiter and dither), selects a track so the chain panel shows its cards, presses Play
through AT-SPI, and reads the process's CPU time (/proc/PID/stat) over a stretch of playback
into a clock-synced fake sink, meters, spectrum, goniometer, waveform and timeline all on
screen. Prints the share of one core.

Usage: bench/bench-window-cpu.py [BUILD_DIR] [SECONDS]     (default _build, 20)
Needs an X display and a D-Bus session: run it as
  xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- bench/bench-window-cpu.py
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', 'tests', 'ui'))
build = sys.argv[1] if len(sys.argv) > 1 else '_build'
span = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
lacquer = os.path.join(build, 'src', 'ui', 'lacquer')
cli = os.path.join(build, 'src', 'cli', 'lacquer-cli')
sys.argv = [sys.argv[0], lacquer, cli, tempfile.gettempdir()]

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import lqe2e  # noqa: E402
lqe2e.init('bench-window-cpu', __doc__)
from lqe2e import App, click, role_name, seconds, wait_until  # noqa: E402

CHAIN = [
    {"element": "lqeq", "bypass": False, "properties": {
        "num-bands": 6, "band0::type": "high-pass", "band0::freq": 30.0, "band1::type": "low-shelf",
        "band1::freq": 100.0, "band1::gain": 2.0, "band2::freq": 300.0, "band2::gain": -2.0,
        "band3::freq": 2500.0, "band3::gain": 1.5, "band4::freq": 6000.0, "band4::gain": -1.0,
        "band5::type": "high-shelf", "band5::freq": 12000.0, "band5::gain": 1.5}},
    {"element": "lqmultiband", "bypass": False, "properties": {"num-bands": 3, "xover0": 150.0, "xover1": 2500.0}},
    {"element": "lqcompressor", "bypass": False, "properties": {"threshold": -18.0, "ratio": 2.5, "auto-release": True}},
    {"element": "lqimager", "bypass": False, "properties": {"num-bands": 3, "mono-below": 100.0}},
    {"element": "lqlimiter", "bypass": False, "properties": {"ceiling": -1.0, "drive": 3.0}},
]


def cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def main():
    home = tempfile.mkdtemp(prefix='lq-bench-window-')
    try:
        env = dict(os.environ)
        for var, sub in (('XDG_DATA_HOME', 'data'), ('XDG_CACHE_HOME', 'cache'), ('XDG_CONFIG_HOME', 'config')):
            env[var] = os.path.join(home, sub)
            os.makedirs(env[var])
        env.update(NO_AT_BRIDGE='0', GTK_A11Y='atspi', LACQUER_AUDIO_SINK='fakesink sync=true',
                   GSETTINGS_BACKEND='memory', GSETTINGS_SCHEMA_DIR=os.path.join(build, 'data'))
        settings = os.environ.get('LQ_BENCH_SETTINGS')  # "key=value;..." for a variant run
        if settings:
            os.makedirs(os.path.join(env['XDG_CONFIG_HOME'], 'glib-2.0', 'settings'))
            with open(os.path.join(env['XDG_CONFIG_HOME'], 'glib-2.0', 'settings', 'keyfile'), 'w') as f:
                f.write('[io/github/lacquer/Lacquer]\n' + '\n'.join(settings.split(';')) + '\n')
            env['GSETTINGS_BACKEND'] = 'keyfile'
        demo = os.path.join(home, 'demo')
        subprocess.run([cli, 'demo', demo], check=True, env=env, stdout=subprocess.DEVNULL)
        project = os.path.join(demo, 'Demo Album.lacquer')
        with open(project) as f:
            doc = json.load(f)
        for track in doc['tracks']:
            track['chain'] = CHAIN
        doc['master'] = [{"element": "lqlimiter", "bypass": False, "properties": {"ceiling": -1.0}},
                         {"element": "lqdither", "bypass": False, "properties": {"bits": 16}}]
        with open(project, 'w') as f:
            json.dump(doc, f, indent=1)

        app = App(project, env)
        tracks = app.find('the track list', role_name('list', 'Album tracks'))
        wait_until('four tracks', lambda: len([c for c in tracks if c is not None]) == 4)
        tracks.querySelection().selectChild(0)
        # The freshly opened album is analysed (loudness after the chains, processed peaks, the
        # A/B measurement) in workers: wait until the app is idle before playing.
        pid = app.process.pid
        settle = time.monotonic() + 120
        while time.monotonic() < settle:
            c0 = cpu_seconds(pid)
            time.sleep(2)
            if cpu_seconds(pid) - c0 < 0.2:
                break
        c0 = cpu_seconds(pid)
        time.sleep(5)
        idle = (cpu_seconds(pid) - c0) / 5
        position = app.find('the position', lambda n: n.getRoleName() == 'label' and n.name == '0:00.00')
        click(app.find('the play button', role_name('push button', 'Play')))
        wait_until('playback', lambda: seconds(position.name) >= 1.0, timeout=30)
        c0, t0 = cpu_seconds(pid), time.monotonic()
        if os.environ.get('LQ_BENCH_PERF'):  # where to record a profile of the span (perf record)
            subprocess.run(['perf', 'record', '--call-graph', os.environ.get('LQ_BENCH_PERF_GRAPH', 'fp'), '-o', os.environ['LQ_BENCH_PERF'], '-p', str(pid), '--',
                            'sleep', str(span)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            time.sleep(span)
        c1, t1 = cpu_seconds(pid), time.monotonic()
        played = seconds(position.name)
        print('whole window playing the demo album (full chain on every track, all views open): '
              '%.1f %% of one core over %.1f s (CPU %.2f s; position %.1f s)'
              % (100.0 * (c1 - c0) / (t1 - t0), t1 - t0, c1 - c0, played), flush=True)
        print('the same window idle before playing: %.1f %%' % (100.0 * idle), flush=True)
        click(app.find('the pause button', role_name('push button', 'Pause')))
        app.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)


main()
